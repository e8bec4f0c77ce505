"""Writing a brief: one list of blocks, two renderers (Markdown and HTML).

Every sentence is put together here from the brief's data and carries the
ids of the events behind it (:class:`Cite`); no text is written that the
data does not say.  Text from articles (titles, quotes, names, sources) is
untrusted: control and bidi characters are removed, HTML escapes it, and
Markdown backslash-escapes every character that could make it markup.
Links are made only for http(s) URLs.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eventlens.brief.build import Brief, FigureRow, StatusSection, StoryItem
from eventlens.brief.settings import BriefSettings
from eventlens.brief.svg import map_svg, timeline_svg
from eventlens.credits import CREDITS
from eventlens.formats import strip_controls

# ------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Cite:
    """The events behind a sentence: some ids, how many more, where to list them all."""

    ids: tuple[str, ...]
    more: int = 0
    command: str | None = None


Run = Text | Strong | Link | Code | Cite


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Para:
    runs: tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Items:
    items: tuple[tuple[Run, ...], ...]
    css: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[tuple[Run, ...], ...], ...]


@dataclass(frozen=True, slots=True)
class Figure:
    svg: str
    caption: tuple[Run, ...]


Block = Heading | Para | Items | Table | Figure

_SPACE = re.compile(r"\s+")
_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) without spaces or quotes; None otherwise."""
    if url and _URL.match(url) and not any(ord(c) < 32 or ord(c) == 127 for c in url):
        return url
    return None


def clean(s: str) -> str:
    """Untrusted text on one line without control or bidi characters."""
    return _SPACE.sub(" ", strip_controls(s))


# --------------------------------------------------------------- sentences


def _n(k: int, one: str, many: str | None = None) -> str:
    return f"{k:,} {one if k == 1 else (many or one + 's')}"


def _cite_row(row: FigureRow, command: str | None) -> Cite:
    return Cite(row.ids, max(row.current - len(row.ids), 0), command)


def _call_words(row: FigureRow) -> str:
    if row.call == "spike":
        return "spike"
    if row.call == "drop":
        return "drop"
    return "within baseline variation"


def _figure_table(rows: Sequence[FigureRow], first: str) -> Table:
    out = []
    for r in rows:
        out.append(
            (
                (Text(r.label),),
                (Text(f"{r.current:,}"),),
                (Text(f"{r.previous:,}"),),
                (Text(f"{r.mean:.1f} ± {r.spread:.1f}"),),
                (Strong(_call_words(r)) if r.call else Text(_call_words(r)),),
                (_cite_row(r, r.export or None),) if r.current else (Text("—"),),
            )
        )
    header = (first, "this period", "previous", "baseline mean ± spread", "call", "events")
    return Table(header, tuple(out))


def _ids(ids: Sequence[str], limit: int) -> Cite:
    return Cite(tuple(ids[:limit]), max(len(ids) - limit, 0))


def _story_runs(s: StoryItem, settings: BriefSettings) -> tuple[Run, ...]:
    what = s.event_type + (f" · {s.mode}" if s.mode else "")
    if s.acled:
        what += f" ({s.acled})"
    who = f"{clean(s.actor) if s.actor else 'unknown actor'} → " + (
        clean(s.recipient) if s.recipient else "unknown recipient"
    )
    when = "date unknown"
    if s.first and s.last:
        when = s.first.isoformat() if s.first == s.last else f"{s.first} to {s.last}"
    bits = [f"{s.status}: {who}", clean(s.place) if s.place else "place unknown", when]
    counts = ", ".join(f"{k} {v:,}" for k, v in s.counts.items())
    runs: list[Run] = [
        Strong(what),
        Text(" — " + "; ".join(bits) + "; "),
        Text(_n(s.n_sources, "source") + ", " + _n(s.n_reports, "report")),
    ]
    if counts:
        runs.append(Text(f"; {counts}"))
    runs.append(Text(". "))
    runs.append(
        Cite(
            s.event_ids[: settings.cite_ids],
            max(len(s.event_ids) - settings.cite_ids, 0),
            f"eventlens export events --story {s.id}",
        )
    )
    for c in s.conflicts:
        runs.append(Text(f" Reports disagree on {c.name}: "))
        for i, v in enumerate(c.values):
            if i:
                runs.append(Text(" | "))
            runs.append(Text(f"{clean(v.value)} ({_n(v.n_sources, 'source')}) "))
            runs.append(_ids(v.event_ids, settings.cite_ids))
        runs.append(Text("."))
    for q in s.quotes:
        runs.append(Text(" “" + clean(q.text) + "” — "))
        label = clean(q.title or q.source or q.url or f"article {q.article_id}")
        url = safe_url(q.url)
        runs.append(Link(label, url) if url else Text(label))
        if q.source and q.title:
            runs.append(Text(f" ({clean(q.source)})"))
        runs.append(Text(" "))
        runs.append(Cite((q.event_id,)))
    return tuple(runs)


def blocks(brief: Brief, settings: BriefSettings | None = None) -> list[Block]:
    """The brief as blocks, in order."""
    st = settings or BriefSettings.load()
    cmd = brief.export
    b = _figure_blocks(brief, cmd)
    b += _map_blocks(brief, cmd)
    b += _happened_blocks(brief, st, cmd)
    b.append(Heading(2, "What did not (yet) happen", "not-happened"))
    b.append(
        Para((Text("Foiled and planned attacks, threats and warnings, apart from what occurred:"),))
    )
    for sec in brief.not_happened:
        b.extend(_section(sec, st, cmd))

    b.append(Heading(2, "Sources and credits", "credits"))
    quoted = _quoted(brief)
    if quoted:
        b.append(Para((Text("Articles quoted in this brief:"),)))
        b.append(Items(tuple(quoted), "sources"))
    b.append(Para((Text(CREDITS),)))
    return b


def _figure_blocks(brief: Brief, cmd: str) -> list[Block]:
    """The title, the headline figures, their tables and the spike rule."""
    b: list[Block] = []
    place = clean(brief.place)
    b.append(Heading(1, f"Situation brief: {place}, {brief.period}", "top"))
    b.append(
        Para(
            (
                Text(
                    f"Made by eventlens {brief.version} from the events in the store. Every "
                    "line is generated from the data and cites the events behind it "
                    "(event ids in brackets); the period's events are listed by "
                ),
                Code(cmd),
                Text("."),
            )
        )
    )
    t = brief.total
    b.append(Heading(2, "Headline figures", "figures"))
    if brief.empty:
        b.append(
            Para(
                (
                    Text(
                        f"The store holds no events for {place} from {brief.period.start} to "
                        f"{brief.period.end} ({_n(brief.period.days, 'day')}). "
                    ),
                    Cite((), 0, cmd),
                )
            )
        )
    b.append(
        Para(
            (
                Text(
                    f"{_n(t.current, 'event')} in {_n(brief.n_stories, 'story', 'stories')} "
                    f"in {place}, {brief.period} ({_n(brief.period.days, 'day')}); "
                    f"{t.previous:,} in the previous period ({brief.previous}); a baseline "
                    f"mean of {t.mean:.1f} ± {t.spread:.1f} over the "
                    f"{_n(len(brief.baseline), 'period')} before: {_call_words(t)}. "
                ),
                _cite_row(t, cmd),
            )
        )
    )
    if brief.by_acled:
        b.append(_figure_table(brief.by_acled, "ACLED event type"))
    if brief.by_status:
        b.append(_figure_table(brief.by_status, "Status"))
    if brief.by_acled or brief.by_status:
        b.append(
            Para(
                (
                    Text("A row's events are those of "),
                    Code(cmd),
                    Text(
                        " with the row's ACLED type (the acled.event_type field) or with the "
                        "status option shown; the first ids are listed."
                    ),
                )
            )
        )
    if not brief.by_acled and not brief.by_status:
        b.append(Para((Text("No events in the baseline periods either. "), Cite((), 0, cmd))))
    b.append(Para((Strong("The rule: "), Text(brief.rule))))
    if brief.first_day is not None and brief.first_day > brief.baseline[-1].start:
        b.append(
            Para(
                (
                    Text(
                        f"The store's earliest dated event in {place} is of {brief.first_day}: "
                        "baseline periods before it count as zero because the store holds "
                        "nothing for them, not because nothing happened."
                    ),
                )
            )
        )
    return b


def _map_blocks(brief: Brief, cmd: str) -> list[Block]:
    """The map and the timeline, with their captions."""
    b: list[Block] = []
    b.append(Heading(2, "Map and timeline", "map"))
    b.append(
        Figure(
            map_svg(brief.points),
            (
                Text(
                    f"{brief.n_located:,} of {_n(brief.n_events, 'event')} of the period have "
                    f"coordinates, drawn as {_n(len(brief.points), 'circle')} (one per place "
                    "and status, area by count). "
                ),
                Cite((), 0, cmd),
            ),
        )
    )
    b.append(
        Figure(
            timeline_svg(brief.timeline, brief.period.start, brief.period.end),
            (Text("Events of the period by day and status. "), Cite((), 0, cmd)),
        )
    )
    return b


def _happened_blocks(brief: Brief, st: BriefSettings, cmd: str) -> list[Block]:
    """The top stories of what happened."""
    b: list[Block] = []
    b.append(Heading(2, "What happened: top stories", "happened"))
    happened = " or ".join(st.happened)
    if brief.happened:
        b.append(
            Para(
                (
                    Text(
                        f"The {_n(len(brief.happened), 'story', 'stories')} with the most "
                        f"sources of the {brief.n_happened_stories:,} whose status is "
                        f"{happened} in the period (a story is one real-world event, however "
                        "many articles report it):"
                    ),
                )
            )
        )
        b.append(Items(tuple(_story_runs(s, st) for s in brief.happened), "stories"))
    else:
        b.append(
            Para((Text(f"No story whose status is {happened} in the period. "), Cite((), 0, cmd)))
        )
    return b


def _section(sec: StatusSection, st: BriefSettings, cmd: str) -> list[Block]:
    words = st.status_words.get(sec.status, "")
    title = sec.status.capitalize() + (f" ({words})" if words else "")
    out: list[Block] = [Heading(3, title, f"status-{sec.status}")]
    scmd = f"{cmd} --status {sec.status}"
    if not sec.stories:
        out.append(Para((Text(f"None {sec.status} in the period. "), Cite((), 0, scmd))))
        return out
    shown = len(sec.stories)
    lead = f"{_n(sec.n_events, 'event')} in {_n(sec.n_stories, 'story', 'stories')}"
    if shown < sec.n_stories:
        lead += f"; the {shown} with the most sources"
    out.append(Para((Text(lead + ": "), Cite((), 0, scmd))))
    out.append(Items(tuple(_story_runs(s, st) for s in sec.stories), "stories"))
    return out


def _quoted(brief: Brief) -> list[tuple[Run, ...]]:
    seen: dict[tuple[str | None, str], list[str]] = {}
    for s in (*brief.happened, *(x for sec in brief.not_happened for x in sec.stories)):
        for q in s.quotes:
            label: str = q.title or q.source or f"article {q.article_id}"
            seen.setdefault((q.url, label), []).append(q.event_id)
    out: list[tuple[Run, ...]] = []
    for (url, label), ids in seen.items():
        runs: list[Run] = []
        text = clean(label)
        good = safe_url(url)
        runs.append(Link(text, good) if good else Text(text))
        if url and good:
            runs.append(Text(" — "))
            runs.append(Code(good))
        runs.append(Text(" "))
        runs.append(Cite(tuple(dict.fromkeys(ids))))
        out.append(tuple(runs))
    return out


# ----------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>&!|~#])")
_MD_LEAD = re.compile(r"^([-+=])")
_MD_NUMBERED = re.compile(r"^(\d+)([.)])")


def md_escape(s: str) -> str:
    """Text that no Markdown renderer reads as markup, link or HTML (every character
    that can open a span, link, HTML tag or entity is escaped; so is a list or
    heading marker at the start)."""
    out = _MD_SPECIAL.sub(r"\\\1", clean(s))
    return _MD_NUMBERED.sub(r"\1\\\2", _MD_LEAD.sub(r"\\\1", out))


def _md_code(s: str) -> str:
    s = clean(s).replace("`", "'")
    return f"`{s}`"


def _md_runs(runs: Iterable[Run]) -> str:
    out = []
    for r in runs:
        if isinstance(r, Text):
            out.append(md_escape(r.text))
        elif isinstance(r, Strong):
            out.append(f"**{md_escape(r.text)}**")
        elif isinstance(r, Code):
            out.append(_md_code(r.text))
        elif isinstance(r, Link):
            url = r.url.replace("(", "%28").replace(")", "%29")
            out.append(f"[{md_escape(r.text)}](<{url}>)")
        else:
            out.append(_md_cite(r))
    return "".join(out)


def _md_cite(c: Cite) -> str:
    parts = [md_escape(i) for i in c.ids]
    if c.more:
        parts.append(f"+{c.more:,} more")
    inner = ", ".join(parts)
    if c.command:
        inner = (inner + "; " if inner else "") + _md_code(c.command)
    return f"\\[{inner}\\]" if inner else ""


def render_markdown(brief: Brief, settings: BriefSettings | None = None) -> str:
    out: list[str] = []
    for blk in blocks(brief, settings):
        if isinstance(blk, Heading):
            out.append("#" * blk.level + " " + md_escape(blk.text))
        elif isinstance(blk, Para):
            out.append(_md_runs(blk.runs))
        elif isinstance(blk, Items):
            out.append("\n".join("- " + _md_runs(it) for it in blk.items))
        elif isinstance(blk, Table):
            lines = [
                "| " + " | ".join(md_escape(h) for h in blk.header) + " |",
                "|" + "---|" * len(blk.header),
            ]
            lines += ["| " + " | ".join(_md_runs(c) for c in row) + " |" for row in blk.rows]
            out.append("\n".join(lines))
        else:
            data = base64.b64encode(blk.svg.encode()).decode()
            out.append(f"![figure](data:image/svg+xml;base64,{data})\n\n" + _md_runs(blk.caption))
    return "\n\n".join(out) + "\n"


# --------------------------------------------------------------------- html

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;color:#222;max-width:900px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:28px}
h3{font-size:15px;margin-bottom:4px}table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;font-size:13px}
th{background:#f3f3f3}code{font-size:12px;background:#f4f4f4;padding:0 3px;word-break:break-all}
.cite{color:#666;font-size:12px}.stories li{margin-bottom:8px}figure{margin:10px 0}
figcaption{color:#555;font-size:12px}svg{max-width:100%;height:auto}
a{color:#1a4f8b}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}li{break-inside:avoid}}
"""
# No script, no outside resource: the page is data and styles only.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _h(s: str) -> str:
    return html.escape(clean(s), quote=True)


def _html_runs(runs: Iterable[Run]) -> str:
    out = []
    for r in runs:
        if isinstance(r, Text):
            out.append(_h(r.text))
        elif isinstance(r, Strong):
            out.append(f"<strong>{_h(r.text)}</strong>")
        elif isinstance(r, Code):
            out.append(f"<code>{_h(r.text)}</code>")
        elif isinstance(r, Link):
            out.append(
                f'<a href="{html.escape(r.url, quote=True)}" rel="noopener noreferrer nofollow">'
                f"{_h(r.text)}</a>"
            )
        else:
            parts = [f'<span class="eid">{_h(i)}</span>' for i in r.ids]
            if r.more:
                parts.append(f"+{r.more:,} more")
            inner = ", ".join(parts)
            if r.command:
                inner = (inner + "; " if inner else "") + f"<code>{_h(r.command)}</code>"
            if inner:
                out.append(f'<span class="cite">[{inner}]</span>')
    return "".join(out)


def render_html(brief: Brief, settings: BriefSettings | None = None) -> str:
    body: list[str] = []
    for blk in blocks(brief, settings):
        if isinstance(blk, Heading):
            body.append(f'<h{blk.level} id="{blk.anchor}">{_h(blk.text)}</h{blk.level}>')
        elif isinstance(blk, Para):
            body.append(f"<p>{_html_runs(blk.runs)}</p>")
        elif isinstance(blk, Items):
            lis = "".join(f"<li>{_html_runs(it)}</li>" for it in blk.items)
            body.append(f'<ul class="{blk.css}">{lis}</ul>')
        elif isinstance(blk, Table):
            head = "".join(f"<th>{_h(h)}</th>" for h in blk.header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{_html_runs(c)}</td>" for c in row) + "</tr>"
                for row in blk.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        else:
            body.append(
                f"<figure>{blk.svg}<figcaption>{_html_runs(blk.caption)}</figcaption></figure>"
            )
    title = _h(f"Situation brief: {brief.place}, {brief.period}")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
