"""``eventlens eval coder``: the shipped event coder on its corpus' test split.

Reads the corpus (``data/coder/corpus`` of a source checkout, or ``--corpus DIR``),
keeps the records whose group falls in the split asked for (test by default; see
:func:`eventlens.coder_corpus.split_of`), codes each candidate with the model in
``eventlens/data/coder/`` and prints relevance F1, ACLED sub-event weighted F1, status
macro-F1, PLOVER type and mode accuracy, and the calibration error of ``confidence``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventlens.coder import NO_ACLED, RELEVANT, CoderModel, Coding
from eventlens.coder_corpus import Record, align_triggers, load_corpus, split_of, trigger_cache
from eventlens.errors import UsageError
from eventlens.settings import default_cache_dir

DEFAULT_CORPUS = Path("data/coder/corpus")


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: Sequence[str], pred: Sequence[str], weighted: bool = False) -> float:
    """Macro (or support-weighted) F1 over the gold labels."""
    labels = sorted(set(gold))
    if not labels:
        return 0.0
    support = Counter(gold)
    total = 0.0
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred, strict=True))
        total += _f1(tp, fp, fn) * (support[lab] if weighted else 1)
    return total / (len(gold) if weighted else len(labels))


def expected_calibration_error(
    conf: Sequence[float], right: Sequence[bool], bins: int = 10
) -> float:
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(conf) if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if idx:
            acc = sum(right[i] for i in idx) / len(idx)
            mean = sum(conf[i] for i in idx) / len(idx)
            ece += len(idx) / len(conf) * abs(acc - mean)
    return ece


def score(records: Sequence[Record], codings: Sequence[Coding]) -> dict[str, Any]:
    """The coder's figures on labelled records."""
    rel = [r.labels["relevance"] == RELEVANT for r in records]
    tp = sum(g and c.relevant for g, c in zip(rel, codings, strict=True))
    fp = sum(not g and c.relevant for g, c in zip(rel, codings, strict=True))
    fn = sum(g and not c.relevant for g, c in zip(rel, codings, strict=True))
    pos = [i for i, g in enumerate(rel) if g]
    acl = [i for i in pos if records[i].labels["acled"] != NO_ACLED]

    def acled(c: Coding) -> str:
        return f"{c.acled_type}|{c.acled_sub}" if c.acled_type else NO_ACLED

    right = [
        g and c.plover == r.labels["plover"] for g, c, r in zip(rel, codings, records, strict=True)
    ]
    return {
        "records": len(records),
        "relevance_f1": round(_f1(tp, fp, fn), 3),
        "acled_sub_weighted_f1": round(
            macro_f1(
                [records[i].labels["acled"] for i in acl], [acled(codings[i]) for i in acl], True
            ),
            3,
        ),
        "status_macro_f1": round(
            macro_f1([records[i].labels["status"] for i in pos], [codings[i].status for i in pos]),
            3,
        ),
        "plover_accuracy": round(
            sum(codings[i].plover == records[i].labels["plover"] for i in pos) / max(1, len(pos)), 3
        ),
        "mode_accuracy": round(
            sum(
                f"{codings[i].plover}|{codings[i].mode or ''}" == records[i].labels["mode"]
                for i in pos
            )
            / max(1, len(pos)),
            3,
        ),
        "ece": round(expected_calibration_error([c.confidence for c in codings], right), 3),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (*.jsonl)"
    )
    parser.add_argument("--split", choices=("train", "dev", "test"), default="test")
    parser.add_argument("--format", choices=("table", "json"), default="table")


def split_records(records: Sequence[Record], split: str = "test") -> list[Record]:
    """The records of one split, each with its trigger as the run-time lexicon marks it
    (as ``scripts/train_coder.py`` trains and scores them; cached in the cache folder)."""
    chosen = [r for r in records if split_of(r.group) == split]
    return align_triggers(chosen, trigger_cache(default_cache_dir()))


def run(args: argparse.Namespace) -> int:
    files = sorted(Path(args.corpus).glob("*.jsonl"))
    if not files:
        raise UsageError(
            f"{args.corpus}: no corpus files (*.jsonl); run from a source checkout or pass --corpus"
        )
    records, bad = load_corpus(files)
    chosen = split_records(records, args.split)
    model = CoderModel.load()
    codings = model.code([r.cand for r in chosen])
    figs = score(chosen, codings)
    figs["skipped_records"] = bad
    if args.format == "json":
        json.dump(figs, sys.stdout, indent=2)
        print()
        return 0
    print(f"event coder on the {args.split} split of {args.corpus} ({figs['records']} records)")
    for k, v in figs.items():
        if k != "records":
            print(f"  {k:<24} {v}")
    return 0
