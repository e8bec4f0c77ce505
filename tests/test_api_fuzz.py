"""Fuzz the REST API with schemathesis against its own OpenAPI spec: no 5xx,
and every answer conforms to the spec (status code, content type, body).

Cases are generated from each operation's strategy (valid and invalid
parameters alike) and sent to the app in process, over the real store of
``test_web_data``.  (schemathesis's ``from_fixture`` cannot be used with
pytest 9, hence one hypothesis test per operation built here.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings

from test_web_data import web_store_path

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode  # noqa: E402

if TYPE_CHECKING:
    from eventlens.pipeline import Pipeline

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
OPERATIONS = [
    "GET /api/meta",
    "GET /api/events",
    "GET /api/events/{event_id}",
    "GET /api/articles/{article_id}",
    "GET /api/stories",
    "GET /api/stories/{story_id}",
    "GET /api/threads/{thread_id}",
    "GET /api/counts/events",
    "GET /api/counts/stories",
    "GET /api/map/events",
    "GET /api/export/events",
    "GET /api/export/stories",
    "GET /api/brief",
    "GET /api/health",
]
EXAMPLES = 40
NO_PARAMETERS = {"GET /api/meta", "GET /api/health"}
"""No invalid request can be made of these: they take no parameters."""
CASES = [
    (label, mode)
    for label in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (mode is GenerationMode.NEGATIVE and label in NO_PARAMETERS)
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[Any]:
    from eventlens.store import Store
    from eventlens.web import create_app

    with Store.open(str(web_store_path(tmp_path_factory, pipeline))) as store:
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(store))


def test_every_operation_is_fuzzed(api_schema: Any) -> None:
    labels = {r.ok().label for r in api_schema.get_all_operations()}
    assert labels == set(OPERATIONS)


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{m.value}-{lb}" for lb, m in CASES])
def test_operation_conforms_and_never_fails(
    api_schema: Any, label: str, mode: GenerationMode
) -> None:
    op = api_schema.find_operation_by_label(label)
    examples = EXAMPLES if mode is GenerationMode.POSITIVE else EXAMPLES // 2

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    run()


LIST_OPERATIONS = [
    "/api/events",
    "/api/stories",
    "/api/counts/events",
    "/api/map/events",
    "/api/export/events",
]
PARAMS = ["actor", "country", "event_type", "status", "q", "since", "until", "bbox"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[Any]:
    from starlette.testclient import TestClient

    from eventlens.store import Store
    from eventlens.web import create_app

    with Store.open(str(web_store_path(tmp_path_factory, pipeline))) as store:
        yield TestClient(create_app(store))


@pytest.mark.parametrize("path", LIST_OPERATIONS)
def test_repeated_and_oversized_parameters_never_fail(client: Any, path: str) -> None:
    """Many copies of a filter and huge values (queries up to the client's 64 KiB limit,
    past the server's 32 KiB bound): a clear 4xx or an answer, never a 5xx."""
    from hypothesis import strategies as st

    @given(
        name=st.sampled_from(PARAMS),
        copies=st.integers(min_value=1, max_value=600),
        size=st.integers(min_value=1, max_value=40_000),
        char=st.sampled_from(["a", "1", "%", "\u202e", "é", ","]),
    )
    @settings(max_examples=25, deadline=None, database=None, derandomize=True)
    def run(name: str, copies: int, size: int, char: str) -> None:
        from urllib.parse import quote

        # the HTTP client refuses a query of 64 KiB or more: stay just under it
        per_char = len(quote(char)) + 2
        value = char * min(size, max(1, 60_000 // (copies * per_char) - len(name)))
        r = client.get(path, params=[(name, value)] * copies, headers={"host": "testserver"})
        assert r.status_code < 500, (name, copies, size, r.status_code, r.text[:200])

    run()
