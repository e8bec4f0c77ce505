"""The REST API against a real store built by the real ingest (no mocks).

Requests go through the app in process (Starlette's test client), so these
tests need no port; ``test_dashboard.py`` runs the real server.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from test_web_data import web_store_path

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from eventlens.pipeline import Pipeline
    from eventlens.store import Store

Item = dict[str, Any]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[Store]:
    from eventlens.store import Store

    with Store.open(str(web_store_path(tmp_path_factory, pipeline))) as s:
        yield s


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[TestClient]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette: "install httpx2"
        from starlette.testclient import TestClient

    from eventlens.web import create_app

    with TestClient(create_app(store)) as c:
        yield c


def get(client: TestClient, url: str, **params: Any) -> Any:
    r = client.get(url, params=params)
    assert r.status_code == 200, (url, params, r.text)
    return r.json()


def all_events(client: TestClient, **params: Any) -> list[Item]:
    items: list[Item] = []
    cursor = None
    while True:
        more: dict[str, str] = {"cursor": cursor} if cursor else {}
        page = get(client, "/api/events", limit=7, **params, **more)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


# --------------------------------------------------------------------- listing


def test_paging_is_stable_and_complete(client: TestClient, store: Store) -> None:
    paged = all_events(client)
    ids = [i["event"]["id"] for i in paged]
    assert len(ids) == len(set(ids)) == store.totals().events
    one = get(client, "/api/events", limit=1000)["items"]
    assert [i["event"]["id"] for i in one] == ids
    asc = [i["event"]["id"] for i in all_events(client, order="asc")]
    assert sorted(asc) == sorted(ids)


def _place(i: Item) -> Item:
    return i["event"]["location"] or {}


def _actors(i: Item) -> str:
    e = i["event"]
    roles = (e["actor"] or {}, e["recipient"] or {})
    return " ".join(str(a.get(k) or "") for a in roles for k in ("name", "text")).lower()


def _in_range(i: Item, lo: str, hi: str) -> bool:
    v = i["event"]["date"]["value"]
    return v is not None and lo[:4] <= v[:4] <= hi[:4]


FILTERS: list[tuple[str, dict[str, Any], Callable[[Item], bool]]] = [
    ("status", {"status": "foiled"}, lambda i: i["event"]["status"] == "foiled"),
    (
        "two statuses",
        {"status": ["planned", "threatened"]},
        lambda i: i["event"]["status"] in ("planned", "threatened"),
    ),
    ("country", {"country": "TUR"}, lambda i: _place(i).get("country") == "TUR"),
    ("country lower case", {"country": "nga"}, lambda i: _place(i).get("country") == "NGA"),
    ("admin1", {"admin1": "İstanbul"}, lambda i: _place(i).get("admin1") == "İstanbul"),
    ("event type", {"event_type": "ASSAULT"}, lambda i: i["event"]["event_type"] == "ASSAULT"),
    ("mode", {"mode": "arrest"}, lambda i: i["event"]["mode"] == "arrest"),
    ("actor", {"actor": "police"}, lambda i: "police" in _actors(i)),
    (
        "source",
        {"source": "example.net"},
        lambda i: i["article"]["source"] == "example.net",
    ),
    (
        "date range",
        {"date_from": "2023-05-01", "date_to": "2023-06-30"},
        lambda i: _in_range(i, "2023-05-01", "2023-06-30"),
    ),
    (
        "bbox around Turkey",
        {"bbox": "26,36,45,42"},
        lambda i: (
            _place(i).get("lat") is not None
            and 36 <= _place(i)["lat"] <= 42
            and 26 <= _place(i)["lon"] <= 45
        ),
    ),
    ("full text", {"q": "Istanbul"}, lambda i: "istanbul" in json.dumps(i["event"]).lower()),
    ("min confidence", {"min_confidence": 0.9}, lambda i: i["event"]["confidence"] >= 0.9),
    (
        "article",
        {"article_id": "web-a3"},
        lambda i: i["event"]["article_id"] == "web-a3",
    ),
]


@pytest.mark.parametrize(("params", "keep"), [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS])
def test_filters(client: TestClient, params: dict[str, Any], keep: Callable[[Item], bool]) -> None:
    everything = all_events(client)
    got = all_events(client, **params)
    assert got, f"no event matches {params}: the fixture store should have some"
    assert all(keep(i) for i in got)
    # Nothing that matches is left out (the Python predicate is looser only for dates).
    if "date_from" not in params and "q" not in params:
        assert {i["event"]["id"] for i in got} == {i["event"]["id"] for i in everything if keep(i)}
    total = get(client, "/api/counts/events", by="status", **params)["total"]
    assert total == len(got)


def test_story_filters(client: TestClient) -> None:
    multi = get(client, "/api/stories", min_sources=2)["items"]
    assert multi and all(s["n_sources"] >= 2 for s in multi)
    tur = get(client, "/api/stories", country="TUR", actor="police")["items"]
    assert tur and all(s["location"]["country"] == "TUR" for s in tur)
    assert all("police" in (s["actor"] or "").lower() for s in tur)


# ---------------------------------------------------------------- one of each


def test_event_detail_has_article_and_evidence(client: TestClient) -> None:
    for item in all_events(client, country="TUR")[:5]:
        ev = item["event"]
        d = get(client, f"/api/events/{ev['id']}")
        assert d["event"] == ev
        text = d["article"]["text"]
        e = ev["evidence"]
        assert text[e["start"] : e["end"]] == e["text"]
        assert "GeoNames" in d["attribution"]


def test_article_lists_every_event_and_keeps_untrusted_text_verbatim(client: TestClient) -> None:
    d = get(client, "/api/articles/web-hostile-text")
    assert d["article"]["title"].startswith("<script>")
    assert d["article"]["source"] == "<b>evil</b>.example"
    ids = {i["event"]["id"] for i in d["events"]}
    assert ids == {i["event"]["id"] for i in all_events(client, article_id="web-hostile-text")}
    assert len(ids) == d["article"]["n_events"] >= 2


def test_story_has_every_report_and_its_conflicts(client: TestClient) -> None:
    story = next(
        s
        for s in get(client, "/api/stories", min_sources=2, country="TUR")["items"]
        if "arrested" in s["conflicts"]
    )
    d = get(client, f"/api/stories/{story['id']}")
    assert d["story"] == story
    reports = d["reports"]
    assert len(reports) == story["n_reports"] >= 2
    assert {r["article"]["source"] for r in reports} >= {"example.org", "example.net"}
    values = {v["value"] for v in story["conflicts"]["arrested"]}
    assert values == {r["event"]["counts"]["arrested"] for r in reports}
    assert {15, 5} <= values


@pytest.mark.parametrize("path", ["/api/events/{}", "/api/stories/{}", "/api/articles/{}"])
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    r = client.get(path.format("no-such-id"))
    assert r.status_code == 404
    assert "no-such-id" in r.json()["detail"]


# -------------------------------------------------------------------- counts


@pytest.mark.parametrize("by", ["day", "week", "month", "country", "event_type", "status"])
def test_counts_add_up(client: TestClient, by: str) -> None:
    res = get(client, "/api/counts/events", by=by)
    assert res["total"] == len(all_events(client))
    assert sum(c["n"] for c in res["counts"]) + res["unknown"] == res["total"]
    keys = [c["key"] for c in res["counts"]]
    assert keys == sorted(keys)
    if by in ("day", "week", "month"):
        for k in keys:
            d = date.fromisoformat(k)
            assert by != "week" or d.weekday() == 0
            assert by != "month" or d.day == 1


def test_counts_by_status_match_lists(client: TestClient) -> None:
    for c in get(client, "/api/counts/events", by="status")["counts"]:
        assert len(all_events(client, status=c["key"])) == c["n"]


def test_split_counts_stack_to_the_plain_counts(client: TestClient) -> None:
    plain = {c["key"]: c["n"] for c in get(client, "/api/counts/events", by="month")["counts"]}
    split = get(client, "/api/counts/events", by="month", split="status")["counts"]
    assert {c["key"]: sum(c["split"].values()) for c in split} == plain
    stories = get(client, "/api/counts/stories", by="country")
    assert stories["total"] == sum(c["n"] for c in stories["counts"]) + stories["unknown"]


def test_map_points_are_located_and_bounded(client: TestClient) -> None:
    res = get(client, "/api/map/events")
    located = [i for i in all_events(client) if _place(i).get("lat") is not None]
    assert res["total"] == len(located) == len(res["points"])
    assert not res["truncated"]
    small = get(client, "/api/map/events", limit=3)
    assert len(small["points"]) == 3 and small["truncated"]
    assert "GeoNames" in res["attribution"]


# -------------------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["csv", "geojson", "jsonl", "parquet"])
@pytest.mark.parametrize("what", ["events", "stories"])
def test_exports_match_the_cli_formats(
    client: TestClient, store: Store, tmp_path: Path, fmt: str, what: str
) -> None:
    from eventlens.export import export
    from eventlens.store import Filter

    params = {"format": fmt, "country": "TUR"}
    r = client.get(f"/api/export/{what}", params=params)
    assert r.status_code == 200, r.text
    assert "GeoNames" in r.headers["x-attribution"]
    assert f"eventlens-{what}.{fmt}" in r.headers["content-disposition"]
    # Byte for byte what `eventlens export` writes for the same selection.
    cli = tmp_path / f"cli.{fmt}"
    export(store, what, fmt, where=Filter(country=("TUR",)), path=cli)  # type: ignore[arg-type]
    if fmt == "parquet":
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        api_file = tmp_path / "api.parquet"
        api_file.write_bytes(r.content)
        assert pq.read_table(api_file).equals(pq.read_table(cli))
        assert b"GeoNames" in pq.read_schema(api_file).metadata[b"attribution"]
        return
    assert r.content == cli.read_bytes()
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[-1][0].startswith("# ") and "GeoNames" in rows[-1][0]
        assert len(rows) > 2
    elif fmt == "geojson":
        assert "GeoNames" in r.json()["attribution"]


def test_export_honours_the_actor_filter(client: TestClient) -> None:
    r = client.get("/api/export/events", params={"format": "jsonl", "actor": "police"})
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert lines and {e["id"] for e in lines} == {
        i["event"]["id"] for i in all_events(client, actor="police")
    }


# ------------------------------------------------------------------ bad input

BAD: list[tuple[str, dict[str, Any], str]] = [
    ("/api/events", {"bbox": "1,2,3"}, "bbox"),
    ("/api/events", {"bbox": "10,50,20,40"}, "bbox"),
    ("/api/events", {"bbox": "200,0,10,10"}, "bbox"),
    ("/api/events", {"country": "TURKEY"}, "country"),
    ("/api/events", {"status": "happened"}, "status"),
    ("/api/events", {"event_type": "assault!"}, "event_type"),
    ("/api/events", {"date_from": "2023-13-01"}, "date_from"),
    ("/api/events", {"date_from": "2023-06-01", "date_to": "2023-01-01"}, "date_to"),
    ("/api/events", {"cursor": "not-a-cursor"}, "cursor"),
    ("/api/events", {"limit": 0}, "limit"),
    ("/api/events", {"limit": 100_000}, "limit"),
    ("/api/events", {"min_confidence": 2}, "min_confidence"),
    ("/api/events", {"min_confidence": "nan"}, "min_confidence"),
    ("/api/events", {"q": "a\x00b"}, "q"),
    ("/api/events", {"actor": "x" * 500}, "actor"),
    ("/api/events", {"order": "sideways"}, "order"),
    ("/api/stories", {"min_sources": 0}, "min_sources"),
    ("/api/counts/events", {"by": "year"}, "by"),
    ("/api/counts/stories", {"by": "source"}, "by"),
    ("/api/export/events", {"format": "xlsx"}, "format"),
]


@pytest.mark.parametrize(("path", "params", "name"), BAD)
def test_bad_parameters_are_422_with_a_clear_message(
    client: TestClient, path: str, params: dict[str, Any], name: str
) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(name in d["loc"] and d["msg"] for d in detail), detail


def test_a_cursor_for_the_other_order_is_refused(client: TestClient) -> None:
    cursor = get(client, "/api/events", limit=2)["next_cursor"]
    r = client.get("/api/events", params={"cursor": cursor, "order": "asc"})
    assert r.status_code == 422 and "order" in r.text


# -------------------------------------------------------------- safe defaults


def test_read_only(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/api/events").status_code == 405
        assert client.request(method, "/").status_code == 405


@pytest.mark.parametrize("path", ["/", "/docs", "/api/meta", "/static/app.js"])
def test_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_load_nothing_from_outside_and_run_no_inline_script(client: TestClient) -> None:
    import re

    for path in ("/", "/docs"):
        html = client.get(path).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        for ref in re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", html):
            assert client.get(ref).status_code == 200, ref


def test_vendored_libraries_carry_their_licences() -> None:
    vendor = Path(__file__).resolve().parent.parent / "src/eventlens/web/static/vendor"
    for lib in ("leaflet", "chart.js", "topojson-client", "world-atlas", "swagger-ui"):
        assert any(p.name.startswith("LICENSE") for p in (vendor / lib).iterdir()), lib
    versions = (vendor / "VERSIONS.txt").read_text()
    assert "leaflet 1.9.4" in versions and "Natural Earth" in versions
    size = sum(p.stat().st_size for p in vendor.rglob("*") if p.is_file())
    assert size < 4_000_000


def test_meta_and_openapi(client: TestClient, store: Store) -> None:
    meta = get(client, "/api/meta")
    t = store.totals()
    assert meta["totals"] == {
        "articles": t.articles,
        "events": t.events,
        "stories": t.stories,
        "failures": t.failures,
    }
    assert "foiled" in meta["statuses"] and meta["tile_url"] is None
    spec = get(client, "/openapi.json")
    for p in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/articles/{article_id}",
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/counts/events",
        "/api/export/events",
    ):
        assert p in spec["paths"], p
        assert list(spec["paths"][p]) == ["get"]


def test_tile_url_setting(store: Store) -> None:
    from eventlens.errors import UsageError
    from eventlens.web import WebSettings, create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette: "install httpx2"
        from starlette.testclient import TestClient

    s = WebSettings(tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png", tile_attribution="T")
    with TestClient(create_app(store, s)) as c:
        r = c.get("/api/meta")
        assert r.json()["tile_url"] == s.tile_url
        assert (
            "img-src 'self' data: https://*.tiles.example.org;"
            in r.headers["content-security-policy"]
        )
    for bad in ("ftp://x/{z}/{x}/{y}", "https://tiles.example.org/tile.png"):
        with pytest.raises(UsageError):
            WebSettings(tile_url=bad)


# ---------------------------------------------------------------- the command


def test_serve_refuses_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eventlens.cli import main

    assert main(["serve", "--db", str(tmp_path / "nothing.db")]) == 2
    assert "store at" in capsys.readouterr().err
    assert not (tmp_path / "nothing.db").exists()


def test_serve_defaults_to_loopback() -> None:
    from eventlens.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
