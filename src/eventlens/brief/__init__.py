"""``eventlens brief``: a situation report for a place and a period, from the store.

:func:`build_brief` gathers it (figures against a baseline, map, timeline,
top stories with their conflicting values and evidence, what did not yet
happen); :func:`render_markdown`, :func:`render_html` and :func:`write_brief`
write it.  Every sentence is generated from the data and cites its events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from eventlens.brief.build import Brief, BriefRequest, Period, build_brief, place_label
from eventlens.brief.pdf import find_chromium, html_to_pdf
from eventlens.brief.render import render_html, render_markdown
from eventlens.brief.settings import SpikeRule, brief_settings

BriefFormat = Literal["md", "html", "pdf"]
BRIEF_FORMATS: tuple[str, ...] = ("md", "html", "pdf")


def write_brief(brief: Brief, fmt: str, path: Path) -> None:
    """Write ``brief`` to ``path`` as Markdown, HTML or PDF."""
    if fmt == "md":
        path.write_text(render_markdown(brief), encoding="utf-8")
    elif fmt == "html":
        path.write_text(render_html(brief), encoding="utf-8")
    elif fmt == "pdf":
        html_to_pdf(render_html(brief), path)
    else:
        raise ValueError(f"unknown brief format {fmt!r}")


__all__ = [
    "BRIEF_FORMATS",
    "Brief",
    "BriefFormat",
    "BriefRequest",
    "Period",
    "SpikeRule",
    "brief_settings",
    "build_brief",
    "find_chromium",
    "html_to_pdf",
    "place_label",
    "render_html",
    "render_markdown",
    "write_brief",
]
