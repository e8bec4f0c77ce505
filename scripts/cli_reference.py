"""The README's command reference, written from the CLI's own parser.

    .venv/bin/python scripts/cli_reference.py            # print it
    .venv/bin/python scripts/cli_reference.py --write    # replace it in README.md
    .venv/bin/python scripts/cli_reference.py --check    # exit 1 if README.md differs

``tests/test_readme.py`` runs the check, so the reference cannot drift from
what ``eventlens COMMAND --help`` says.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventlens.cli import build_parser  # noqa: E402

BEGIN = "<!-- cli-reference: written by scripts/cli_reference.py; do not edit -->"
END = "<!-- /cli-reference -->"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _option(action: argparse.Action) -> str:
    if action.option_strings:
        names = ", ".join(action.option_strings)
        if action.nargs == 0:
            return f"`{names}`"
        choices = "{" + ",".join(map(str, action.choices)) + "}" if action.choices else None
        metavar = action.metavar or choices or action.dest.upper()
        if isinstance(metavar, tuple):
            metavar = " ".join(metavar)
        return f"`{names} {metavar}`"
    metavar = action.metavar or action.dest
    return f"`{metavar}`"


def _section(path: str, parser: argparse.ArgumentParser, help_text: str | None) -> list[str]:
    subs = _subparsers(parser)
    lines = [f"#### `{path}`", ""]
    if help_text:
        lines += [_one_line(help_text), ""]
    rows = [
        a
        for a in parser._actions
        if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))
    ]
    if rows:
        lines += ["| argument | meaning |", "|---|---|"]
        lines += [f"| {_option(a)} | {_one_line(a.help)} |" for a in rows]
        lines.append("")
    helps = _subcommand_help(parser)
    for name, sub in subs.items():
        lines += _section(f"{path} {name}", sub, helps.get(name))
    return lines


def _subcommand_help(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {c.dest: c.help for c in action._choices_actions}
    return {}


def reference() -> str:
    parser = build_parser()
    lines = [BEGIN, ""]
    lines += _section("eventlens", parser, None)
    lines.append(END)
    return "\n".join(lines) + "\n"


def readme_with_reference(readme: str) -> str:
    start, end = readme.index(BEGIN), readme.index(END) + len(END) + 1
    return readme[:start] + reference() + readme[end:]


def main() -> int:
    readme = ROOT / "README.md"
    if "--write" in sys.argv:
        readme.write_text(readme_with_reference(readme.read_text("utf-8")), "utf-8")
        return 0
    if "--check" in sys.argv:
        text = readme.read_text("utf-8")
        if readme_with_reference(text) != text:
            print("README.md's command reference differs from the CLI: --write", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
