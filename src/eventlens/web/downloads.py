"""The API's downloads: exports of events and stories, and the brief, as files.

A file is written to a temporary path and streamed back as a
:class:`~fastapi.responses.FileResponse` that deletes it once sent.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from fastapi import HTTPException
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from eventlens.formats import GEONAMES_ATTRIBUTION
from eventlens.store import Store
from eventlens.web.queries import Queries, WebFilter

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
EXPORT_CONTENT: dict[str, Any] = {t.split(";")[0]: {} for t in EXPORT_TYPES.values()}


@dataclass(frozen=True, slots=True)
class _QueryStore:
    """What :func:`eventlens.export.export` reads of a store: its two queries
    (here the API's, which know the ``actor`` filter)."""

    events: Any
    stories: Any


def _temporary_file(
    prefix: str, suffix: str, write: Callable[[Path], None], **response: Any
) -> FileResponse:
    """A response with the file ``write`` fills; the file is deleted once sent, or at
    once when writing fails."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix)
    os.close(fd)
    path = Path(name)
    try:
        write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(path, background=BackgroundTask(path.unlink, missing_ok=True), **response)


def export_response(
    queries: Queries, what: str, fmt: str, f: WebFilter, limit: int | None, order: str
) -> Response:
    from eventlens.export import export

    def write(path: Path) -> None:
        export(
            cast(Store, _QueryStore(queries.events, queries.stories)),
            cast(Any, what),
            fmt,
            where=f,
            path=path,
            limit=limit,
            order=cast(Any, order),
        )

    return _temporary_file(
        "eventlens-export-",
        f".{fmt}",
        write,
        media_type=EXPORT_TYPES[fmt],
        filename=f"eventlens-{what}.{fmt}",
        headers={"X-Attribution": GEONAMES_ATTRIBUTION},
    )


BRIEF_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
BRIEF_CONTENT: dict[str, Any] = {t.split(";")[0]: {} for t in BRIEF_TYPES.values()}


def brief_response(queries: Queries, f: WebFilter, fmt: str, baseline: int | None) -> Response:
    """The brief as a download: the period from the date filters, the place (and any
    other filter) from the rest."""
    from eventlens.brief import (
        BriefRequest,
        build_brief,
        find_chromium,
        html_to_pdf,
        render_html,
        render_markdown,
    )
    from eventlens.brief.settings import BriefSettings

    if fmt == "pdf" and find_chromium() is None:
        from eventlens.brief.pdf import INSTALL

        raise HTTPException(503, INSTALL)
    request = BriefRequest(
        scope=replace(f, date_from=None, date_to=None),
        since=f.date_from,
        until=f.date_to,
        baseline_periods=baseline,
    )
    settings = BriefSettings.load()
    b = build_brief(queries.events, queries.stories, request, settings=settings)
    name = f"eventlens-brief-{b.period.start}-{b.period.end}.{fmt}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Attribution": GEONAMES_ATTRIBUTION,
    }
    if fmt != "pdf":
        text = render_markdown(b, settings) if fmt == "md" else render_html(b, settings)
        return Response(text, media_type=BRIEF_TYPES[fmt], headers=headers)
    return _temporary_file(
        "eventlens-brief-",
        ".pdf",
        lambda path: html_to_pdf(render_html(b, settings), path),
        media_type=BRIEF_TYPES["pdf"],
        headers=headers,
    )
