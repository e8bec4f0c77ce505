"""``eventlens extract FILE…|-``: events from articles, printed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

from eventlens.errors import UsageError
from eventlens.model import Event

OUTPUT_FORMATS = ("table", "json", "jsonl", "geojson", "csv")


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by the verbs that read articles (extract, geoparse)."""
    p.add_argument("inputs", nargs="+", metavar="FILE", help="files, folders, or - for stdin")
    p.add_argument(
        "--input-format",
        choices=("auto", "text", "html", "jsonl"),
        default="auto",
        help="how to read the inputs (default: by extension, else by content)",
    )
    add_context_arguments(p)


def add_context_arguments(p: argparse.ArgumentParser) -> None:
    """What articles may not say themselves: when and where from (extract, geoparse, ingest)."""
    p.add_argument(
        "--published",
        type=parse_date,
        metavar="DATE",
        help="publication date (YYYY-MM-DD) for articles that carry none; relative dates "
        "('last month') resolve against it",
    )
    p.add_argument(
        "--source-place",
        metavar="PLACE",
        help="where the articles come from, for those that do not say (a place name: "
        "'Fort Worth, Texas', 'Turkey'); context for resolving the places they name",
    )


def register(sub: Any) -> None:
    p = sub.add_parser(
        "extract",
        help="extract events from articles",
        description="Extract coded events from news articles. Place coordinates from GeoNames "
        "(CC BY 4.0); subdivision centres computed from OpenStreetMap (ODbL).",
    )
    add_input_arguments(p)
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="table", help="output format")
    add_min_confidence_argument(p)
    p.add_argument(
        "--explain",
        action="store_true",
        help="also print, on stderr, each candidate the coder or the confidence cut dropped, "
        "and why",
    )
    p.set_defaults(handler=run)


def add_min_confidence_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--min-confidence",
        type=float,
        default=None,
        metavar="X",
        help="drop events below this confidence (default 0.5)",
    )


def settings_options(args: argparse.Namespace) -> dict[str, Any]:
    """``Settings`` keywords from the options above (those the verb has)."""
    out: dict[str, Any] = {"published": args.published, "source_place": args.source_place}
    min_confidence = getattr(args, "min_confidence", None)
    if min_confidence is not None:
        if not 0.0 <= min_confidence <= 1.0:
            raise UsageError("--min-confidence must be between 0 and 1")
        out["min_confidence"] = min_confidence
    return out


def run(args: argparse.Namespace) -> int:
    from eventlens import formats
    from eventlens.inputs import read_articles
    from eventlens.pipeline import Pipeline
    from eventlens.settings import Settings

    settings = Settings(**settings_options(args))
    pipeline = Pipeline(settings)
    from eventlens.model import Article
    from eventlens.store.bounds import bounded_article

    # The same bounds as ingest (ids, NUL, lone surrogates, dates out of range),
    # so extract and ingest give the same events for the same input.
    articles = (
        bounded_article(a) if isinstance(a, Article) else a
        for a in read_articles(args.inputs, args.input_format, settings)
    )
    failed = 0
    out = sys.stdout

    def events() -> Iterator[tuple[Event, str | None, str]]:
        nonlocal failed
        for result in _with_progress(pipeline.process(articles), args):
            if result.error is not None:
                failed += 1
                # One line, control characters escaped: names and reasons are data.
                err = result.error
                print(
                    f"eventlens: error: {formats.printable(err.origin)}: "
                    f"{formats.printable(err.reason)}",
                    file=sys.stderr,
                )
                continue
            assert result.doc is not None  # warnings were logged where they arose
            art = result.doc.article
            if getattr(args, "explain", False):
                _explain(result.doc, result.origin)
            for ev in result.doc.events:
                yield ev, art.source or art.url, art.title or result.origin

    fmt = args.format
    if fmt == "table":
        _print_tables(events())
    elif fmt == "jsonl":
        formats.write_jsonl((e.to_dict() for e, _, _ in events()), out)
    elif fmt == "json":
        formats.write_json((e.to_dict() for e, _, _ in events()), out)
    elif fmt == "geojson":
        formats.write_geojson((e.to_dict() for e, _, _ in events()), out)
    else:
        formats.write_csv((formats.acled_row(e.to_dict(), src) for e, src, _ in events()), out)
    return 1 if failed else 0


def _explain(doc: Any, origin: str) -> None:
    """One stderr line per dropped candidate: where, what it would have been, and why."""
    from eventlens import formats

    for ev, why in doc.dropped:
        text = formats.printable(" ".join(ev.evidence.text.split())[:100])
        print(
            f"eventlens: dropped: {formats.printable(origin)}: {ev.event_type}/{ev.status} "
            f"«{text}»: {why}",
            file=sys.stderr,
        )


def _with_progress(results: Iterator[Any], args: argparse.Namespace) -> Iterator[Any]:
    """A progress bar on stderr for long runs at a terminal."""
    if args.quiet or not sys.stderr.isatty():
        yield from results
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.completed} articles"),
        BarColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("extract", total=None, rate="")
        import time

        t0 = time.perf_counter()
        for n, r in enumerate(results, 1):
            rate = n / max(time.perf_counter() - t0, 1e-9)
            progress.update(task, completed=n, rate=f"{rate:.1f}/s")
            yield r


def _print_tables(items: Iterator[tuple[Event, str | None, str]]) -> None:
    """One table per article: a line per event, evidence included."""
    import shutil

    from rich import box
    from rich.console import Console
    from rich.table import Table

    from eventlens import formats

    width = max(shutil.get_terminal_size((180, 40)).columns, 150)
    console = Console(soft_wrap=False, width=width)
    current: str | None = None
    table: Table | None = None
    total = 0

    def flush() -> None:
        if table is not None:
            console.print(table)

    for ev, _, title in items:
        if ev.article_id != current:
            flush()
            current = ev.article_id
            table = Table(
                title=f"{_escape(formats.printable(title))}  "
                f"[dim]({_escape(formats.printable(ev.article_id))})[/dim]",
                box=box.SIMPLE_HEAD,
                title_justify="left",
                expand=True,
            )
            for h in formats.TABLE_HEADERS:
                if h in ("type", "status", "date", "conf"):
                    table.add_column(h, no_wrap=True)
                elif h == "evidence":
                    table.add_column(h, overflow="fold", ratio=3, min_width=40)
                else:
                    table.add_column(h, overflow="fold", ratio=2, min_width=14)
        assert table is not None
        table.add_row(*(_escape(c) for c in next(formats.table_rows([ev]))))
        total += 1
    flush()
    console.print(f"[bold]{total}[/bold] events. " + formats.GEONAMES_ATTRIBUTION, highlight=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
