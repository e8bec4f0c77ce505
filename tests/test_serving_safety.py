"""Serving stays safe under hostile requests (issue 12, "Serving").

- repeated filters are bounded: above ``MAX_VALUES`` a clear 422, never a 500
  ("Expression tree is too large"), on every endpoint that filters; oversized
  query strings are a 422 before anything parses them;
- the ``Host`` header is checked against the bound address (DNS rebinding);
- ``serve`` opens the store read-only and never migrates it; a store of
  another schema is refused with the command that upgrades it;
- a busy port is one line and exit 2.
"""

from __future__ import annotations

import socket
import sqlite3
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventlens.cli import main
from eventlens.commands.serve import allowed_hosts
from eventlens.errors import UsageError
from eventlens.store import Store
from eventlens.web import WebSettings, create_app
from eventlens.web.middleware import MAX_QUERY_PARAMS, host_allowed, host_name
from eventlens.web.params import MAX_VALUES

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

FILTERED = [
    "/api/events",
    "/api/stories",
    "/api/counts/events?group_by=country",
    "/api/counts/stories?group_by=country",
    "/api/map/events",
    "/api/export/events?format=csv",
    "/api/export/stories?format=csv",
]
REPEATABLE = ["actor", "source", "admin1", "mode", "country"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "s.db"
    Store.open(str(path)).close()
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with Store.open(str(db), read_only=True) as store, TestClient(create_app(store)) as c:
        yield c


def _url(path: str, params: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    sep = "&" if "?" in path else "?"
    return path + sep + urlencode(params)


def _value(name: str, i: int) -> str:
    if name == "country":
        return (
            "TU" + chr(ord("A") + i % 26) if i < 26 else "X" + chr(65 + i // 26) + chr(65 + i % 26)
        )
    return f"{name}{i}"


@pytest.mark.parametrize("path", FILTERED)
@pytest.mark.parametrize("name", REPEATABLE)
@pytest.mark.parametrize("n", [MAX_VALUES, MAX_VALUES + 1, 250])
def test_repeated_filters_are_bounded(client: TestClient, path: str, name: str, n: int) -> None:
    r = client.get(_url(path, [(name, _value(name, i)) for i in range(n)]))
    if n <= MAX_VALUES:
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 422, r.text
        assert f"at most {MAX_VALUES} values" in r.text


@pytest.mark.parametrize("path", FILTERED)
def test_every_filter_at_its_maximum_at_once(client: TestClient, path: str) -> None:
    params = [(n, _value(n, i)) for n in REPEATABLE for i in range(MAX_VALUES)]
    r = client.get(_url(path, params))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "params",
    [
        [("actor", ",".join(f"a{i}" for i in range(MAX_VALUES + 1)))],  # comma-separated
        [("actor", "x" * 300)],
        [("source", "y" * 20_000)],
        [("actor", "a")] * 5000,
        [("q", "z" * 40_000)],
        [("status", "foiled")] * (MAX_QUERY_PARAMS + 1),
    ],
    ids=["comma", "long-value", "huge-value", "5000-copies", "huge-q", "many-status"],
)
def test_oversized_parameters_are_a_422_and_fast(
    client: TestClient, params: list[tuple[str, str]]
) -> None:
    for path in FILTERED:
        t0 = time.perf_counter()
        r = client.get(_url(path, params))
        took = time.perf_counter() - t0
        assert r.status_code == 422, (path, r.status_code, r.text[:200])
        assert took < 2.0, (path, took)


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:8000", "127.0.0.1"), ("[::1]:8000", "::1"), ("LocalHost", "localhost"),
     ("example.org.", "example.org"), ("", "")],
)  # fmt: skip
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


def test_host_header_is_checked(db: Path) -> None:
    settings = WebSettings(allowed_hosts=allowed_hosts("127.0.0.1", ["events.example"]))
    with (
        Store.open(str(db), read_only=True) as store,
        TestClient(create_app(store, settings)) as c,
    ):
        for host, code in [
            ("127.0.0.1:8000", 200),
            ("localhost:8000", 200),
            ("[::1]:8000", 200),
            ("events.example", 200),
            ("attacker.example", 400),
            ("127.0.0.1.attacker.example", 400),
            ("localhost.attacker.example:8000", 400),
        ]:
            r = c.get("/api/health", headers={"host": host})
            assert r.status_code == code, (host, r.status_code)
    assert host_allowed("10.1.2.3:80", ("0.0.0.0",), any_ip=True)
    assert not host_allowed("evil.example", ("0.0.0.0",), any_ip=True)
    assert host_allowed("anything.example", ("*",))
    assert host_allowed("a.events.example", ("*.events.example",))


def test_read_only_store_cannot_write(db: Path) -> None:
    from sqlalchemy import text

    with Store.open(str(db), read_only=True) as store:
        with pytest.raises(UsageError, match="read-only"):
            store.record_failure("x", "y", stage="read", error_type="InputError")
        with (
            pytest.raises(Exception, match=r"readonly|read-only|read only"),
            store.engine.begin() as conn,
        ):
            conn.execute(text("DELETE FROM failures"))


def test_serve_never_migrates_and_names_the_upgrade_command(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store.open(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'older'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(UsageError, match="eventlens failures --db"):
        Store.open(str(path), read_only=True)
    assert path.read_bytes() == before
    con = sqlite3.connect(path)
    (rev,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
    con.close()
    assert rev == "older"


def test_serve_a_missing_store_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no event store"):
        Store.open(str(tmp_path / "none.db"), read_only=True)
    assert not (tmp_path / "none.db").exists()


def test_busy_port_is_one_line_and_exit_2(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        rc = main(["serve", "--db", str(db), "--port", str(port)])
    err = capsys.readouterr().err
    assert rc == 2
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and "cannot listen on 127.0.0.1:" in lines[0], err
    assert "serving" not in err


def test_postgresql_read_only_store_cannot_write() -> None:
    from sqlalchemy import text

    from test_store import pg_database

    gen = pg_database()  # skips, saying why, without a server
    url = next(gen)
    try:
        Store.open(url).close()  # create and migrate
        with Store.open(url, read_only=True) as store:
            assert store.totals().articles == 0
            with pytest.raises(UsageError, match="read-only"):
                store.record_failure("x", "y", stage="read", error_type="InputError")
            with (
                pytest.raises(Exception, match="read-only transaction"),
                store.engine.begin() as conn,
            ):
                conn.execute(text("DELETE FROM failures"))
            with TestClient(create_app(store)) as c:
                assert c.get("/api/events").status_code == 200
                r = c.get(_url("/api/events", [("actor", f"a{i}") for i in range(250)]))
                assert r.status_code == 422
        with Store.open(url) as store, store.transaction() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        with pytest.raises(UsageError, match="eventlens failures --db"):
            Store.open(url, read_only=True)
    finally:
        next(gen, None)
