"""The REST API over a PostgreSQL store (the same queries, another dialect).

Needs ``EVENTLENS_TEST_PG`` (a URL; ``scripts/ci_services.sh`` starts a server
and prints one); the test gets a fresh database and drops it.  Skips, saying
why, when it is unset or the server cannot be reached.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from test_store import pg_database
from test_web_data import FIXTURES

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from eventlens.pipeline import Pipeline


@pytest.fixture(scope="module")
def pg_client(pipeline: Pipeline) -> Iterator[TestClient]:
    from eventlens.ingest import ingest
    from eventlens.store import Store
    from eventlens.web import create_app

    gen = pg_database()  # skips, saying why, without a reachable server
    url = next(gen)
    try:
        with Store.open(url) as store:
            sources = [str(FIXTURES / f) for f in ("articles.jsonl", "hostile.jsonl")]
            assert ingest(sources, store, pipeline=pipeline).failed == 0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # starlette: "install httpx2"
                from starlette.testclient import TestClient
            with TestClient(create_app(store)) as client:
                yield client
    finally:
        next(gen, None)


def get(client: TestClient, url: str, **params: Any) -> Any:
    r = client.get(url, params=params)
    assert r.status_code == 200, (url, params, r.text)
    return r.json()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "foiled"},
        {"country": "tur"},
        {"actor": "POLICE"},
        {"q": "istanbul police"},
        {"bbox": "26,36,45,42"},
        {"date_from": "2023-03-01", "date_to": "2023-06-30"},
        {"min_confidence": 0.9, "event_type": "ASSAULT"},
        {"q": "100%_"},
    ],
)
def test_lists_page_and_count_alike(pg_client: TestClient, params: dict[str, Any]) -> None:
    ids: list[str] = []
    cursor = None
    while True:
        extra: dict[str, str] = {"cursor": cursor} if cursor else {}
        page = get(pg_client, "/api/events", limit=3, **params, **extra)
        ids += [i["event"]["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(ids) == len(set(ids))
    counts = get(pg_client, "/api/counts/events", by="week", split="status", **params)
    assert counts["total"] == len(ids)
    assert sum(c["n"] for c in counts["counts"]) + counts["unknown"] == len(ids)
    if params.get("q") != "100%_":
        assert ids, params


def test_story_article_export_and_errors(pg_client: TestClient) -> None:
    story = next(
        s for s in get(pg_client, "/api/stories", min_sources=2)["items"] if s["conflicts"]
    )
    d = get(pg_client, f"/api/stories/{story['id']}")
    assert len(d["reports"]) == story["n_reports"] >= 2
    art = get(pg_client, "/api/articles/web-hostile-text")
    assert art["article"]["title"].startswith("<script>")
    r = pg_client.get("/api/export/events", params={"format": "csv", "actor": "police"})
    assert r.status_code == 200 and "GeoNames" in r.text
    # PostgreSQL refuses NUL in text: the API says 422 before it gets there.
    assert pg_client.get("/api/events", params={"actor": "a\x00b"}).status_code == 422
    assert pg_client.get("/api/events/nope").status_code == 404
