"""Shared fixtures: where ../shared is (skip cleanly when it is absent)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from eventlens.model import Article, Document
    from eventlens.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent


def _shared() -> Path | None:
    env = os.environ.get("EVENTLENS_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared")
    for c in candidates:
        if (c / "DESIGN.md").exists():
            return c
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    d = _shared()
    if d is None:
        pytest.skip("../shared is not present (development data is not part of a user's clone)")
    return d


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """One loaded pipeline for the whole test session (models load once)."""
    from eventlens.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def rules_pipeline() -> Pipeline:
    """Detection, dating and location: no coder, merger or confidence cut in the way."""
    from detection import RULE_STAGES
    from eventlens.pipeline import Pipeline
    from eventlens.settings import Settings

    return Pipeline(Settings(pipeline=RULE_STAGES))


@pytest.fixture(autouse=True, scope="session")
def _every_event_validates() -> Iterator[None]:
    """Every event any test produces through the pipeline is checked against the
    ``eventlens.event/1`` JSON Schema shipped in the package."""
    from eventlens.pipeline import Pipeline
    from eventlens.schema import validate_event

    original = Pipeline.__call__

    def checked(self: Pipeline, article: Article) -> Document:
        doc = original(self, article)
        for ev in doc.events:
            validate_event(ev.to_dict())
        return doc

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Pipeline, "__call__", checked)
        yield
