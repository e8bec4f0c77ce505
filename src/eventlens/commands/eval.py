"""``eventlens eval TARGET``: score the pipeline against gold files."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

TARGETS: dict[str, str] = {
    "plover": "sentence-level event type accuracy on PLOVER gold-standard records",
    "gold": "articles with gold events in the seed's format (precision, recall, fields)",
    "coder": "the learned event coder on its corpus test split",
    "geo": "geoparsing on an LGL/GeoVirus-format XML corpus",
    "dedup": "story deduplication on labelled report clusters",
    "stories": "cross-article stories on an ECB+-layout corpus (document pairs, B-cubed)",
}


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="score against gold files")
    targets = p.add_subparsers(dest="target", metavar="TARGET", parser_class=type(p))
    for name, help_text in TARGETS.items():
        # every listed module ships with eventlens: a missing one is a broken install, not a skip
        module = importlib.import_module(f"eventlens.evaluate.{name}")
        tp = targets.add_parser(name, help=help_text)
        module.add_arguments(tp)
        tp.set_defaults(handler=module.run)

    def _no_target(args: argparse.Namespace) -> int:
        p.print_help()
        return 2

    p.set_defaults(handler=_no_target)
