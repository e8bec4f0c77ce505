"""The README quotes what the code and the floors file say (issue 9, point 4).

- its floors table is exactly ``tests/eval_baseline.json``, and it quotes no
  floor figure anywhere else (a second copy would drift);
- its command reference is what ``eventlens COMMAND --help`` says.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FLOORS_BEGIN = "<!-- floors: the keys and values of tests/eval_baseline.json -->"
FLOORS_END = "<!-- /floors -->"


def _flat(d: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, float]]:
    for key, value in d.items():
        if isinstance(value, Mapping):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", float(value)


def _readme_floors() -> dict[str, float]:
    table = README[README.index(FLOORS_BEGIN) : README.index(FLOORS_END)]
    rows = re.findall(r"^\| `([\w.]+)` \| ([\d.]+) \|", table, flags=re.M)
    assert rows, "the README's floors table has no rows"
    keys = [k for k, _ in rows]
    assert len(keys) == len(set(keys)), "a floor is listed twice"
    return {k: float(v) for k, v in rows}


def test_the_readme_floors_table_is_the_floors_file() -> None:
    baseline = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))
    assert _readme_floors() == dict(_flat(baseline))


def test_the_readme_quotes_no_floor_figure_outside_its_table() -> None:
    outside = README.replace(README[README.index(FLOORS_BEGIN) : README.index(FLOORS_END)], "")
    quoted = re.findall(r"floor[^|\n`]{0,12}?\b\d+(?:\.\d+)?\b%?", outside, flags=re.I)
    assert not quoted, f"floor figures quoted outside the floors table: {quoted}"


def test_the_command_reference_is_the_cli_help() -> None:
    script = ROOT / "scripts" / "cli_reference.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, (
        done.stderr + "run: .venv/bin/python scripts/cli_reference.py --write"
    )


def test_every_verb_of_the_cli_is_in_the_reference() -> None:
    from eventlens.cli import COMMANDS

    for verb in COMMANDS:
        assert f"#### `eventlens {verb}`" in README, verb
