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
import sys
from collections import Counter
from pathlib import Path

from eventlens.coder_corpus import check_record, load_labels

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "coder" / "corpus"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args(argv)
    files: list[Path] = args.files or sorted(CORPUS.glob("*.jsonl"))
    labels = load_labels()
    bad = 0
    seen: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {
        k: Counter() for k in ("acled_sub", "status", "not_event", "plover")
    }
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
