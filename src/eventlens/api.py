"""The Python API: ``from eventlens import extract``."""

from __future__ import annotations

from datetime import date

from eventlens.errors import UsageError
from eventlens.model import Article, Event
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings


def extract(
    text: str,
    *,
    published: date | None = None,
    source_place: str | None = None,
    title: str | None = None,
    url: str | None = None,
    content_type: str = "text",
    pipeline: Pipeline | None = None,
    settings: Settings | None = None,
) -> list[Event]:
    """Events in one article's text (or HTML with ``content_type="html"``).

    Pass a :class:`Pipeline` to reuse loaded models across calls (it carries
    its own settings); otherwise a new one is built from ``settings`` (loading
    spaCy and the gazetteer takes about a second).
    Raises :class:`eventlens.errors.DocumentError` for an input that cannot
    be processed (empty, not English).
    """
    if content_type not in ("text", "html"):
        raise ValueError(f"content_type must be 'text' or 'html', not {content_type!r}")
    if pipeline is not None and settings is not None and settings != pipeline.settings:
        raise UsageError("extract: pass settings or a pipeline, not both (a pipeline has its own)")
    pipe = pipeline or Pipeline(settings or Settings())
    article = Article(
        id=Article.make_id(url, text),
        content=text,
        content_type="html" if content_type == "html" else "text",
        url=url,
        title=title,
        published=published,
        source_place=source_place,
        origin="<text>",
    )
    return list(pipe(article).events)
