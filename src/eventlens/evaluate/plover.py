"""``eventlens eval plover FILE``: sentence-level event types against PLOVER gold records.

The gold file is the Open Event Data Alliance's ``PLOVER_GSR_CAMEO.txt``: a
JSON list of records, each one English sentence with its PLOVER event type
(and mode, actors, …), coded with PLOVER 0.5 names.  Those are mapped to
PLOVER 2.0 (:data:`RENAMES`); the ``DOCUMENT`` record is skipped.

Each sentence is run alone through an *extractor*, a callable
``sentence -> event type or None``:

- :func:`pipeline_extractor` (the default): the full pipeline
  (``eventlens.extract``); the sentence's type is the PLOVER type of its
  highest-confidence event, or None when it yields no event.  eventlens
  codes a threat as the threatened action with ``status: threatened``
  ("threatened to attack" is ASSAULT/threatened); PLOVER codes it as
  THREATEN, with the action as its mode, so such an event counts as THREATEN
  (:func:`plover_type`);
- :func:`classifier_extractor` (``--classifier-only``): the statistical
  sentence classifier alone (:mod:`eventlens.classify`), which always answers.

Scores: accuracy over all sentences (a sentence with no event is wrong),
per-type precision, recall, F1 and support, macro-F1 over the types that
occur in the gold, and the confusions.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from eventlens.errors import DocumentError, UsageError
from eventlens.model import EVENT_TYPES, Event

if TYPE_CHECKING:
    from eventlens.classify import SentenceClassifier
    from eventlens.pipeline import Pipeline

log = logging.getLogger(__name__)

Extractor = Callable[[str], str | None]
"""One sentence in, its predicted PLOVER event type (or None) out."""

NONE = "(none)"
"""How a sentence with no predicted event appears in confusions and tables."""

RENAMES: Mapping[str, tuple[str, str | None]] = {
    "DEMAND": ("REQUEST", None),
    "DISAPPROVE": ("ACCUSE", "disapprove"),
    "INVESTIGATE": ("ACCUSE", "investigate"),
    "FIGHT": ("ASSAULT", None),
}
"""PLOVER 0.5 names in the gold file -> (PLOVER 2.0 type, mode it implies)."""


@dataclass(frozen=True, slots=True)
class GoldSentence:
    id: str
    text: str
    event_type: str
    mode: str | None
    original_type: str


@dataclass(frozen=True, slots=True)
class TypeScores:
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int
    correct: int


@dataclass(frozen=True, slots=True)
class Misclassified:
    id: str
    text: str
    gold: str
    predicted: str | None


@dataclass(frozen=True, slots=True)
class Metrics:
    sentences: int
    correct: int
    accuracy: float
    macro_f1: float
    no_event: int
    per_type: dict[str, TypeScores]
    confusion: dict[str, dict[str, int]]
    """gold type -> predicted type (or ``(none)``) -> count."""

    def top_confusions(self, n: int = 10) -> list[tuple[str, str, int]]:
        """The ``n`` most frequent (gold, predicted, count) mistakes."""
        pairs = [
            (g, p, c)
            for g, row in self.confusion.items()
            for p, c in row.items()
            if p != g and c > 0
        ]
        pairs.sort(key=lambda x: (-x[2], x[0], x[1]))
        return pairs[:n]


@dataclass(frozen=True, slots=True)
class PloverReport:
    file: str
    extractor: str
    metrics: Metrics
    errors: list[Misclassified] = field(default_factory=list)
    failed: int = 0
    """Sentences whose extraction raised a DocumentError (scored as no event)."""
    seconds: float = 0.0

    @property
    def accuracy(self) -> float:
        return self.metrics.accuracy

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["top_confusions"] = [
            {"gold": g, "predicted": p, "count": c} for g, p, c in self.metrics.top_confusions()
        ]
        return d


# ----- reading -----


def read_gold(path: Path) -> list[GoldSentence]:
    """The gold sentences of a PLOVER GSR JSON file, in PLOVER 2.0 types."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"cannot read {path}: {e}") from e
    if not isinstance(records, list):
        raise UsageError(f"{path}: expected a JSON list of PLOVER records")
    out: list[GoldSentence] = []
    for n, r in enumerate(records):
        if not isinstance(r, dict):
            raise UsageError(f"{path}: record {n} is not an object")
        event = r.get("event")
        text = r.get("text")
        if event == "DOCUMENT":
            continue
        if not isinstance(event, str) or not isinstance(text, str) or not text.strip():
            raise UsageError(f"{path}: record {n} has no event or text")
        event_type, implied_mode = RENAMES.get(event, (event, None))
        if event_type not in EVENT_TYPES:
            raise UsageError(f"{path}: record {n}: unknown event type {event!r}")
        mode = implied_mode or (r.get("mode") or None)
        out.append(
            GoldSentence(
                id=str(r.get("id") or f"record-{n}"),
                text=text.strip(),
                event_type=event_type,
                mode=mode,
                original_type=event,
            )
        )
    return out


# ----- scoring -----


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: Sequence[str], predicted: Sequence[str | None]) -> Metrics:
    """Accuracy, per-type precision/recall/F1 and confusions of paired labels.

    A None prediction (no event) is wrong and counts against recall only.
    Macro-F1 averages over the types present in ``gold``.  Types that are
    only predicted get a row (support 0) but do not enter the macro average.
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    gold_count = Counter(gold)
    pred_count = Counter(p for p in predicted if p is not None)
    hit_count = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    per_type: dict[str, TypeScores] = {}
    types = [t for t in EVENT_TYPES if t in gold_count or t in pred_count]
    types += sorted((set(gold_count) | set(pred_count)) - set(EVENT_TYPES))
    for t in types:
        tp, n_pred, n_gold = hit_count[t], pred_count[t], gold_count[t]
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        per_type[t] = TypeScores(p, r, _f1(p, r), n_gold, n_pred, tp)
    in_gold = [s.f1 for t, s in per_type.items() if s.support > 0]
    confusion: dict[str, dict[str, int]] = {}
    for g, pred in zip(gold, predicted, strict=True):
        row = confusion.setdefault(g, {})
        key = pred if pred is not None else NONE
        row[key] = row.get(key, 0) + 1
    return Metrics(
        sentences=n,
        correct=correct,
        accuracy=correct / n if n else 0.0,
        macro_f1=sum(in_gold) / len(in_gold) if in_gold else 0.0,
        no_event=sum(p is None for p in predicted),
        per_type=per_type,
        confusion={g: dict(sorted(row.items())) for g, row in sorted(confusion.items())},
    )


# ----- extractors -----


def plover_type(event: Event) -> str:
    """The PLOVER type of an eventlens event: a threatened action is a THREATEN."""
    return "THREATEN" if event.status == "threatened" else event.event_type


def top_event_type(events: Iterable[Event]) -> str | None:
    """The PLOVER type of the highest-confidence event (the first one on a tie), or None."""
    best: Event | None = None
    for e in events:
        if best is None or e.confidence > best.confidence:
            best = e
    return plover_type(best) if best is not None else None


def pipeline_extractor(pipeline: Pipeline | None = None) -> Extractor:
    """The full pipeline (one, loaded once, reused for every sentence)."""
    from eventlens.api import extract
    from eventlens.pipeline import Pipeline

    if pipeline is None:
        pipeline = Pipeline()

    def run_pipeline(text: str) -> str | None:
        return top_event_type(extract(text, pipeline=pipeline))

    return run_pipeline


def classifier_extractor(model: SentenceClassifier | None = None) -> Extractor:
    """The statistical sentence classifier alone: its most probable type."""
    from eventlens.classify import SentenceClassifier

    if model is None:
        model = SentenceClassifier.load()

    def run_classifier(text: str) -> str | None:
        return model.predict([text])[0][0]

    return run_classifier


def evaluate_plover(
    path: str | Path, extractor: Extractor, *, name: str = "custom", max_errors: int = 0
) -> PloverReport:
    """Score ``extractor`` on every gold sentence of ``path``.

    A sentence whose extraction raises :class:`DocumentError` counts as no
    event (and in ``failed``).  ``max_errors`` misclassified sentences are
    kept in the report, in file order.
    """
    path = Path(path)
    gold = read_gold(path)
    predicted: list[str | None] = []
    failed = 0
    t0 = time.perf_counter()
    for g in gold:
        try:
            predicted.append(extractor(g.text))
        except DocumentError as e:
            log.info("%s: %s", g.id, e.reason)
            failed += 1
            predicted.append(None)
    seconds = time.perf_counter() - t0
    metrics = score([g.event_type for g in gold], predicted)
    errors = [
        Misclassified(g.id, g.text, g.event_type, p)
        for g, p in zip(gold, predicted, strict=True)
        if p != g.event_type
    ][: max(0, max_errors)]
    return PloverReport(str(path), name, metrics, errors, failed, round(seconds, 3))


# ----- command line -----


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", type=Path, help="PLOVER gold JSON (PLOVER_GSR_CAMEO.txt)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="list N misclassified sentences"
    )
    parser.add_argument(
        "--classifier-only",
        action="store_true",
        help="score the statistical sentence classifier alone, not the full pipeline",
    )
    parser.add_argument(
        "--floor",
        type=float,
        default=None,
        help="exit 1 when accuracy is below this",
    )


def run(args: argparse.Namespace) -> int:
    if args.errors < 0:
        raise UsageError("--errors must be 0 or more")
    if args.classifier_only:
        extractor, name = classifier_extractor(), "classifier"
    else:
        extractor, name = pipeline_extractor(), "pipeline"
    report = evaluate_plover(args.file, extractor, name=name, max_errors=args.errors)
    ok = args.floor is None or report.accuracy >= args.floor
    if args.format == "json":
        d = report.to_dict()
        d["floor"] = args.floor
        d["passed"] = ok
        json.dump(d, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        write_table(report, sys.stdout, floor=args.floor)
    return 0 if ok else 1


def write_table(r: PloverReport, out: TextIO, *, floor: float | None = None) -> None:
    m = r.metrics
    rate = m.sentences / r.seconds if r.seconds else 0.0
    out.write(
        f"PLOVER gold: {m.sentences} sentences from {r.file}\n"
        f"extractor: {r.extractor}  ({r.seconds:.1f} s, {rate:.0f} sentences/s)\n\n"
        f"  accuracy  {m.accuracy:.3f}  ({m.correct}/{m.sentences})\n"
        f"  macro-F1  {m.macro_f1:.3f}\n"
        f"  no event  {m.no_event}"
        + (f"  (of which {r.failed} failed to process)" if r.failed else "")
        + "\n\n"
    )
    out.write(
        f"  {'type':<10} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>8} {'predicted':>10}\n"
    )
    for t, s in m.per_type.items():
        out.write(
            f"  {t:<10} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
            f" {s.support:>8} {s.predicted:>10}\n"
        )
    out.write("\n  most frequent confusions (gold -> predicted):\n")
    for g, p, c in m.top_confusions(10):
        out.write(f"    {g:<10} -> {p:<10} {c:>4}\n")
    if r.errors:
        out.write(f"\n  {len(r.errors)} misclassified sentences:\n")
        for e in r.errors:
            out.write(f"    [{e.id}] gold {e.gold}, predicted {e.predicted or NONE}\n")
            out.write(f"      {e.text}\n")
    if floor is not None:
        verdict = "ok" if m.accuracy >= floor else "BELOW FLOOR"
        out.write(f"\n  floor accuracy {floor:.2f}: {verdict}\n")
