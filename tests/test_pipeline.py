"""The pipeline's contracts: components, registry, pickling, ids, batches."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from eventlens.errors import DocumentError, PipelineError
from eventlens.model import Article, Document
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "src/eventlens/samples/synthetic.jsonl"


def test_unknown_component_is_a_pipeline_error() -> None:
    with pytest.raises(PipelineError, match="unknown component"):
        _ = Pipeline(Settings(pipeline=("eventlens.nope.v1",))).components


def test_components_must_come_after_what_they_require() -> None:
    with pytest.raises(PipelineError, match="requires"):
        _ = Pipeline(Settings(pipeline=("eventlens.events.v1",))).components


def test_a_component_returning_something_else_is_an_error(pipeline: Pipeline) -> None:
    class Broken:
        name = "test.broken.v1"
        requires: tuple[str, ...] = ()
        provides: tuple[str, ...] = ()

        def __call__(self, doc: Document) -> Document:
            return "not a document"  # type: ignore[return-value]

    p = Pipeline(pipeline.settings)
    p._components = [Broken()]
    with pytest.raises(PipelineError, match="not a Document"):
        p(Article(id="x", content="text"))


def test_pipeline_pickles_as_settings_and_works_after(pipeline: Pipeline) -> None:
    _ = pipeline.components  # loaded
    clone = pickle.loads(pickle.dumps(pipeline))
    assert clone.settings == pipeline.settings
    assert clone._resources is None  # models load again where it lands
    doc = clone(Article(id="a", content="Police arrested 3 men in Lagos on Monday."))
    assert [e.event_type for e in doc.events] == ["COERCE"]


def test_a_bad_document_does_not_stop_the_batch(pipeline: Pipeline) -> None:
    items: list[Article | DocumentError] = [
        Article(id="1", content="Police arrested 3 men in Lagos on Monday.", origin="one"),
        DocumentError("two", "unreadable"),
        Article(id="3", content="   ", origin="three"),
        Article(id="4", content="Rebels attacked a village near Goma.", origin="four"),
    ]
    results = list(pipeline.process(items))
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[1].error is not None and results[1].error.reason == "unreadable"
    assert results[2].error is not None and results[2].origin == "three"


def test_event_ids_are_stable_and_unique(pipeline: Pipeline) -> None:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()[:60]
    for line in lines:
        d = json.loads(line)
        art = Article(id=d["id"], content=d["text"])
        first = [e.id for e in pipeline(art).events]
        assert len(first) == len(set(first)), d["id"]
        assert first == [e.id for e in pipeline(art).events]


def test_provenance_names_every_stage(pipeline: Pipeline) -> None:
    doc = pipeline(Article(id="p", content="Police arrested 3 men in Lagos on Monday."))
    assert [name for name, _ in doc.provenance] == list(pipeline.settings.pipeline)


def test_publication_date_from_settings(pipeline: Pipeline) -> None:
    from datetime import date

    from eventlens import extract

    p = Pipeline(replace(pipeline.settings, published=date(2024, 1, 10)))
    p._resources = pipeline.resources
    (ev,) = extract("Police arrested 3 men in Lagos yesterday.", pipeline=p)
    assert (ev.date.value, ev.date.source) == ("2024-01-09", "relative")
