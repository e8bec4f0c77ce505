"""The ``eventlens`` command line.

Thin: each verb lives in :mod:`eventlens.commands` as a module with
``register(subparsers)``; the module parses its options and hands off to the
library.  Only this module configures logging and turns errors into exit
codes: 0 every document processed, 1 some failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from eventlens import __version__
from eventlens.errors import EventlensError, UsageError

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2

COMMANDS: tuple[str, ...] = (
    "extract",
    "geoparse",
    "eval",
    "ingest",
    "failures",
    "export",
    "serve",
    "brief",
)

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eventlens",
        description="Turn news articles into coded, geolocated political-violence events.",
    )
    parser.add_argument("--version", action="version", version=f"eventlens {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="errors only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        # every listed module ships with eventlens: a missing one is a broken install, not a skip
        module = importlib.import_module(f"eventlens.commands.{name}")
        module.register(sub)
    return parser


def configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("eventlens: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party libraries are chatty at INFO.
    for noisy in ("trafilatura", "htmldate", "courlan", "urllib3", "httpx", "distributed"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as e:
        print(f"eventlens: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(args.verbose, args.quiet)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except UsageError as e:
        print(f"eventlens: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except EventlensError as e:
        print(f"eventlens: error: {e}", file=sys.stderr)
        return EXIT_SOME_FAILED
    except KeyboardInterrupt:
        print("eventlens: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
