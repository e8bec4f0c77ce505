"""Check the event coder's corpus (data/coder/corpus/*.jsonl) against its label sets.

    .venv/bin/python scripts/check_coder_corpus.py [FILE ...]

Every line must be one JSON object with the fields of docs/codebook.md, values
from ``src/eventlens/data/coder/labels.yaml`` and the PLOVER types and modes of
``ontology.yaml``.  Prints one line per problem (file:line: reason), then the
label counts, and exits 1 when there is any problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "eventlens" / "data"
CORPUS = ROOT / "data" / "coder" / "corpus"

REQUIRED = ("id", "text", "trigger", "relevant", "source", "group")


def load_labels() -> dict[str, Any]:
    labels: dict[str, Any] = yaml.safe_load((DATA / "coder" / "labels.yaml").read_text())
    ontology = yaml.safe_load((DATA / "ontology.yaml").read_text())
    labels["plover"] = {t: sorted((spec or {}).get("modes", {})) for t, spec in ontology["types"].items()}
    return labels


def check_record(rec: Any, labels: dict[str, Any]) -> list[str]:
    """The problems of one corpus record (empty when it is sound)."""
    if not isinstance(rec, dict):
        return ["not a JSON object"]
    problems = [f"missing field {f!r}" for f in REQUIRED if f not in rec]
    if problems:
        return problems
    text, trigger = rec["text"], rec["trigger"]
    if not isinstance(text, str) or not text.strip():
        return ["empty text"]
    if not isinstance(trigger, str) or not trigger:
        problems.append("empty trigger")
    elif text.count(trigger) != 1:
        problems.append(f"trigger {trigger!r} occurs {text.count(trigger)} times in text (need 1)")
    sentences = len(re.findall(r"[.!?][\"'”’)]*(?:\s+|$)", text.strip()))
    if sentences > 4:
        problems.append(f"{sentences} sentences (1-3 expected)")
    if rec["relevant"] is True:
        problems += _check_relevant(rec, labels)
    elif rec["relevant"] is False:
        if rec.get("not_event") not in labels["not_event_reasons"]:
            problems.append(f"not_event {rec.get('not_event')!r} is not a reason in labels.yaml")
        for f in ("plover", "mode", "acled_type", "acled_sub", "status"):
            if rec.get(f) is not None:
                problems.append(f"{f} must be null when relevant is false")
    else:
        problems.append("relevant must be true or false")
    for f, allowed in (("style", labels["styles"]), ("region", labels["regions"])):
        if rec.get(f) is not None and rec[f] not in allowed:
            problems.append(f"{f} {rec[f]!r} not in labels.yaml")
    year = rec.get("year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2030):
        problems.append(f"year {year!r} not an integer 1900-2030")
    return problems


def _check_relevant(rec: dict[str, Any], labels: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if rec.get("not_event") is not None:
        problems.append("not_event must be null when relevant is true")
    plover, mode = rec.get("plover"), rec.get("mode")
    if plover not in labels["plover"]:
        problems.append(f"plover {plover!r} is not a PLOVER type")
    elif mode is not None and mode not in labels["plover"][plover]:
        problems.append(f"mode {mode!r} is not a mode of {plover}")
    if rec.get("status") not in labels["statuses"]:
        problems.append(f"status {rec.get('status')!r} not in labels.yaml")
    a_type, a_sub = rec.get("acled_type"), rec.get("acled_sub")
    if (a_type is None) != (a_sub is None):
        problems.append("acled_type and acled_sub are both null or both set")
    elif a_type is not None:
        if a_type not in labels["acled"]:
            problems.append(f"acled_type {a_type!r} unknown")
        elif a_sub not in labels["acled"][a_type]:
            problems.append(f"acled_sub {a_sub!r} is not a sub-event of {a_type}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args(argv)
    files: list[Path] = args.files or sorted(CORPUS.glob("*.jsonl"))
    labels = load_labels()
    bad = 0
    seen: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("acled_sub", "status", "not_event", "plover")}
    total = 0
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"{where}: not JSON ({e.msg})")
                bad += 1
                continue
            problems = check_record(rec, labels)
            if isinstance(rec, dict) and "id" in rec:
                if rec["id"] in seen:
                    problems.append(f"id {rec['id']!r} already used at {seen[rec['id']]}")
                seen[str(rec["id"])] = where
            for p in problems:
                print(f"{where}: {p}")
            bad += bool(problems)
            if not problems:
                total += 1
                for k, c in counts.items():
                    c[str(rec.get(k))] += 1
    print(f"{total} sound records, {bad} with problems, in {len(files)} files")
    for k, c in counts.items():
        print(f"-- {k}: " + ", ".join(f"{v} {n}" for n, v in c.most_common()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
