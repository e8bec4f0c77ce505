"""``eventlens failures``: documents that could not be read, fetched or processed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from eventlens.commands.ingest import add_db_argument


def register(sub: Any) -> None:
    p = sub.add_parser(
        "failures",
        help="list documents that failed to ingest, with the reason",
        description="List the documents the store records as failed (read, fetch or "
        "processing), most recent first. A document that later succeeds leaves the list.",
    )
    add_db_argument(p)
    p.add_argument(
        "--stage",
        choices=("read", "fetch", "process"),
        default=None,
        help="only failures at this stage",
    )
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N")
    p.add_argument("--format", choices=("table", "jsonl"), default="table")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from eventlens.store import Store

    with Store.open(args.db, create=False) as store:
        rows = list(store.failures(stage=args.stage, limit=args.limit))
    out = sys.stdout
    if args.format == "jsonl":
        for f in rows:
            out.write(
                json.dumps(
                    {
                        "origin": f.origin,
                        "article_id": f.article_id,
                        "stage": f.stage,
                        "error_type": f.error_type,
                        "reason": f.reason,
                        "attempts": f.attempts,
                        "first_seen": f.first_seen.isoformat(),
                        "last_seen": f.last_seen.isoformat(),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        return 0
    if not rows:
        out.write("no failures recorded\n")
        return 0
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from eventlens.formats import printable

    def cell(value: str) -> str:  # text is data: no controls, no markup
        return escape(printable(value))

    table = Table(box=box.SIMPLE_HEAD, expand=False)
    for col in ("origin", "stage", "error", "reason", "attempts", "last seen"):
        table.add_column(col, overflow="fold")
    for f in rows:
        table.add_row(
            cell(f.origin),
            cell(f.stage),
            cell(f.error_type),
            cell(f.reason),
            str(f.attempts),
            f.last_seen.strftime("%Y-%m-%d %H:%M:%S"),
        )
    Console(soft_wrap=False, width=max(120, Console().width)).print(table)
    out.write(f"{len(rows)} failure{'s' if len(rows) != 1 else ''}\n")
    return 0
