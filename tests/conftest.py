"""Shared fixtures: where ../shared is, and the session's pipelines.

A gate on development data needs ../shared.  A user's clone has none, so
there the gate skips and says why; CI always has it, so under ``CI=true``
a missing ../shared (or a missing file in it) fails the gate instead of
letting it pass unseen.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

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


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing_shared(what: str) -> NoReturn:
    """Skip (a user's clone) or fail (CI, which always has ../shared) a gate."""
    if _in_ci():
        pytest.fail(f"{what} is missing, and CI always has ../shared: the gate cannot run")
    pytest.skip(f"{what} is not present (development data is not part of a user's clone)")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    d = _shared()
    if d is None:
        missing_shared("../shared")
    return d


@pytest.fixture(scope="session")
def shared_path(shared_dir: Path) -> Callable[[str], Path]:
    """``shared_path("eval/lgl/lgl.xml")``: a path in ../shared that must exist."""

    def get(relative: str) -> Path:
        path = shared_dir / relative
        if not path.exists():
            missing_shared(f"../shared/{relative}")
        return path

    return get


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
