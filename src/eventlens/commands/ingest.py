"""``eventlens ingest SOURCE…``: articles into the deduplicated event store."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from eventlens.commands.extract import (
    add_context_arguments,
    add_min_confidence_argument,
    settings_options,
)
from eventlens.errors import UsageError

DB_HELP = (
    "the store: a SQLite file path or a postgresql:// URL "
    "(default: $EVENTLENS_DB, else ./eventlens.db)"
)


def add_db_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, metavar="PATH|URL", help=DB_HELP)


def register(sub: Any) -> None:
    from eventlens.ingest.sources import INGEST_FORMATS

    p = sub.add_parser(
        "ingest",
        help="ingest articles, feeds and URLs into the event store",
        description="Read articles from files, folders (text, HTML, JSONL), RSS/Atom feeds "
        "(files or URLs) and lists of URLs; extract their events and store them, "
        "grouped into stories. Re-running over the same sources adds nothing; a changed "
        "article replaces its events; an interrupted run resumes where it stopped.",
    )
    p.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="file, folder, feed, URL list, http(s) URL, or - for stdin",
    )
    add_db_argument(p)
    p.add_argument(
        "--input-format",
        choices=INGEST_FORMATS,
        default="auto",
        help="how to read the sources (default: by extension, else by content)",
    )
    par = p.add_mutually_exclusive_group()
    par.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes on this machine (default 1: in this process)",
    )
    par.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the pipeline on this Dask distributed scheduler's workers",
    )
    add_context_arguments(p)
    add_min_confidence_argument(p)
    p.add_argument(
        "--feed-content",
        action="store_true",
        help="use feed entries' own content instead of fetching their links",
    )
    p.add_argument(
        "--reprocess",
        action="store_true",
        help="process articles again even when stored unchanged (after a change of models, "
        "pipeline, --published, --source-place or --min-confidence)",
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="process again documents that failed before with the same content",
    )
    f = p.add_argument_group("fetching")
    f.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="read timeout per request, seconds (default 30)",
    )
    f.add_argument(
        "--retries",
        type=int,
        default=3,
        metavar="N",
        help="retries after a timeout, connection error, 429 or 5xx (default 3)",
    )
    f.add_argument(
        "--rate",
        type=float,
        default=1.0,
        metavar="R",
        help="requests per second to any one host (default 1)",
    )
    f.add_argument(
        "--concurrency",
        type=int,
        default=8,
        metavar="N",
        help="requests in flight at once, across hosts (default 8)",
    )
    f.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="largest document read or fetched (default 10 MB)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from eventlens.ingest import FetchOptions, IngestOptions, ingest
    from eventlens.settings import Settings
    from eventlens.store import Store

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.scheduler and not args.scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://")):
        raise UsageError(
            f"--scheduler wants an address like tcp://HOST:PORT, not {args.scheduler!r}"
        )
    for name in ("timeout", "rate"):
        if getattr(args, name) <= 0:
            raise UsageError(f"--{name} must be positive")
    if args.retries < 0 or args.concurrency < 1:
        raise UsageError("--retries must be >= 0 and --concurrency >= 1")

    kwargs = settings_options(args)
    if args.max_bytes is not None:
        if args.max_bytes < 1:
            raise UsageError("--max-bytes must be positive")
        kwargs["max_bytes"] = args.max_bytes
    settings = Settings(**kwargs)
    options = IngestOptions(
        workers=args.workers,
        scheduler=args.scheduler,
        input_format=args.input_format,
        feed_content=args.feed_content,
        reprocess=args.reprocess,
        retry_failed=args.retry_failed,
        fetch=FetchOptions(
            read_timeout=args.timeout,
            connect_timeout=min(10.0, args.timeout),
            retries=args.retries,
            rate_per_host=args.rate,
            concurrency=args.concurrency,
            max_bytes=settings.max_bytes,
        ),
    )
    with Store.open(args.db) as store:
        show = not args.quiet and sys.stderr.isatty()
        if show:
            stats = _with_progress(
                lambda cb: ingest(args.sources, store, settings, options, on_progress=cb)
            )
        else:
            stats = ingest(args.sources, store, settings, options)
        totals = store.totals()
        where = store.url if store.dialect != "sqlite" else store.url.removeprefix("sqlite:///")
    out = sys.stdout
    out.write(
        f"ingested {stats.articles} articles in {stats.seconds:.1f} s ({stats.rate:.1f}/s): "
        f"{stats.new} new, {stats.unchanged} unchanged, {stats.changed} changed, "
        f"{stats.failed} failed\n"
    )
    out.write(
        f"events: {stats.events} written; stories: {stats.stories_new} new, "
        f"{stats.stories_joined} reports joined existing stories\n"
    )
    out.write(
        f"store {_safe(where)}: {totals.articles} articles, {totals.events} events, "
        f"{totals.stories} stories, {totals.failures} failures"
        + (" (eventlens failures lists them)" if totals.failures else "")
        + "\n"
    )
    return 1 if stats.failed else 0


def _safe(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    if "://" not in url:
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _with_progress(go: Any) -> Any:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from eventlens.ingest import IngestStats

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.fields[n]}[/bold] articles"),
        TextColumn("{task.fields[counts]}"),
        TextColumn("[cyan]{task.fields[rate]}[/cyan]"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=None, n=0, counts="", rate="")

        def update(s: IngestStats) -> None:
            progress.update(
                task,
                n=s.articles,
                counts=f"{s.new} new · {s.unchanged} unchanged · {s.changed} changed · "
                f"{s.failed} failed · {s.events} events · {s.stories_new} stories",
                rate=f"{s.rate:.1f}/s",
            )

        return go(update)
