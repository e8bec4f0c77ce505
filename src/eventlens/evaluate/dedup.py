"""``eventlens eval dedup``: story clustering on labelled report clusters.

The labelled set (``data/dedup/stories.yaml``, documented in
``data/dedup/README.md``) describes real-world-like events, each reported by
several fictional outlets with realistic variation: paraphrases, reordered
sentences, a different count, a nearby town or the province, a later
publication date, a missing actor; and, on purpose, different events in the
same city on the same day.  Each report becomes one
:class:`~eventlens.model.Event`; :class:`eventlens.stories.clustering.StoryClusterer`
(the rules the store applies on ingest) clusters them one at a time, and
pairwise precision, recall and F1 compare its stories with the labels.

Because clustering is incremental, the order of arrival can matter: the
figures are given for the file order and for several shuffled orders (the
worst is the one a floor applies to: ``--floor``; the project's floor is
``dedup.worst_f1`` in ``tests/eval_baseline.json``, which the tests apply).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import yaml

from eventlens.errors import DocumentError, UsageError
from eventlens.knowledge import Knowledge, loader
from eventlens.model import (
    Actor,
    Counts,
    DatePrecision,
    DateSource,
    Event,
    EventDate,
    Evidence,
    FeatureLevel,
    Place,
    Status,
    stable_id,
)
from eventlens.stories.clustering import StoryClusterer
from eventlens.stories.params import DEFAULT_PARAMS, DedupParams
from eventlens.stories.report import Report


@dataclass(frozen=True, slots=True)
class LabelledReport:
    report: Report
    cluster: str
    variant: str
    distinct_from: str | None


def make_place(spec: Mapping[str, Any], text: str | None = None) -> Place:
    """A resolved place from a ``places:`` entry of the labelled set."""
    return Place(
        text=text or spec["name"],
        start=0,
        end=len(text or spec["name"]),
        geonameid=spec.get("geonameid"),
        name=spec["name"],
        lat=spec.get("lat"),
        lon=spec.get("lon"),
        feature=cast("FeatureLevel | None", spec.get("feature")),
        admin1=spec.get("admin1"),
        country=spec.get("country"),
        score=1.0,
    )


def make_actor(spec: Mapping[str, Any] | None, text: str | None = None) -> Actor | None:
    if spec is None:
        return None
    return Actor(
        text=text or spec["text"],
        name=spec.get("name"),
        country=spec.get("country"),
        sector=spec.get("sector"),
        wikidata=spec.get("wikidata"),
    )


def make_date(spec: str | date | Mapping[str, Any] | None) -> EventDate:
    if spec is None:
        return EventDate()
    if isinstance(spec, date):
        return EventDate(spec.isoformat(), "day", "explicit")
    if isinstance(spec, str):
        precision = {10: "day", 7: "month", 4: "year"}[len(spec)]
        return EventDate(spec, cast("DatePrecision", precision), "explicit")
    value = spec.get("value")
    return EventDate(
        str(value) if value is not None else None,
        cast("DatePrecision | None", spec.get("precision")),
        cast("DateSource", spec.get("source", "explicit")),
    )


def make_event(
    *,
    article_id: str,
    event_type: str,
    status: str,
    text: str,
    event_id: str | None = None,
    mode: str | None = None,
    place: Place | None = None,
    actor: Actor | None = None,
    recipient: Actor | None = None,
    when: EventDate | None = None,
    counts: Mapping[str, int | None] | None = None,
    confidence: float = 0.8,
    acled: tuple[str | None, str | None] = (None, None),
) -> Event:
    """An event whose evidence is the whole of ``text`` (sentence 0)."""
    return Event(
        id=event_id or stable_id("event", article_id, event_type, status, text),
        article_id=article_id,
        event_type=event_type,
        mode=mode,
        status=cast("Status", status),
        evidence=Evidence(text, 0, len(text), 0),
        confidence=confidence,
        actor=actor,
        recipient=recipient,
        location=place,
        date=when or EventDate(),
        counts=Counts(**dict(counts or {})),
        acled_event_type=acled[0],
        acled_sub_event_type=acled[1],
    )


def default_set() -> Path:
    return loader.data_path("dedup/stories.yaml")


def load_set(path: Path | None = None, knowledge: Knowledge | None = None) -> list[LabelledReport]:
    """The labelled reports of a stories file, in file order (``knowledge``
    gives the ontology that maps each event to its ACLED type)."""
    path = path or default_set()
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise UsageError(f"cannot read labelled set {path}: {e}") from None
    ontology = (knowledge or Knowledge()).ontology
    places: dict[str, Any] = data.get("places", {})
    actors: dict[str, Any] = data.get("actors", {})
    out: list[LabelledReport] = []
    seen: set[str] = set()
    for story in data["stories"]:
        sid = story["id"]
        if sid in seen:
            raise UsageError(f"{path}: story {sid} appears twice")
        seen.add(sid)
        for i, rep in enumerate(story["reports"]):
            merged = {**story, **rep}
            rid = f"{sid}/{i}"
            article_id = stable_id("dedup-eval-article", rid)

            def ref(key: str, table: dict[str, Any], merged: dict[str, Any] = merged) -> Any:
                name = merged.get(key)
                if name is None:
                    return None
                if name not in table:
                    raise UsageError(f"{path}: unknown {key} {name!r}")
                return table[name]

            place_spec = ref("place", places)
            counts = {**(story.get("counts") or {}), **(rep.get("counts") or {})}
            event = make_event(
                event_id=stable_id("dedup-eval", rid),
                article_id=article_id,
                event_type=merged["type"],
                status=merged["status"],
                mode=merged.get("mode"),
                text=rep["text"],
                place=make_place(place_spec) if place_spec else None,
                actor=make_actor(ref("actor", actors), rep.get("actor_text")),
                recipient=make_actor(ref("recipient", actors), rep.get("recipient_text")),
                when=make_date(merged.get("date")),
                counts={k: v for k, v in counts.items() if v is not None},
                acled=ontology.acled(merged["type"], merged.get("mode"), merged["status"]),
            )
            published = rep.get("published") or story.get("date")
            if isinstance(published, str):
                published = date.fromisoformat(published) if len(published) == 10 else None
            # each report is its own article: its text is the article's
            report = Report(event, rep["source"], published, None, None, rep["text"])
            out.append(
                LabelledReport(
                    report, sid, rep.get("variant", "original"), story.get("distinct_from")
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class DedupScore:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def pairwise_scores(
    gold: dict[str, str], predicted: dict[str, str]
) -> tuple[float, float, float, int, int, int]:
    """Pairwise precision, recall, F1 (and tp, fp, fn) of a clustering.

    ``gold`` and ``predicted`` map item id to cluster id; a pair counts when
    both items share a cluster.
    """
    items = sorted(gold)

    def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for i in items:
            groups[labels[i]].append(i)
        out: set[tuple[str, str]] = set()
        for g in groups.values():
            g.sort()
            for x in range(len(g)):
                for y in range(x + 1, len(g)):
                    out.add((g[x], g[y]))
        return out

    g, p = pairs(gold), pairs(predicted)
    tp, fp, fn = len(g & p), len(p - g), len(g - p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, fp, fn


def cluster(
    reports: Sequence[LabelledReport],
    params: DedupParams = DEFAULT_PARAMS,
    knowledge: Knowledge | None = None,
) -> dict[str, str]:
    """Event id -> predicted story id."""
    c = StoryClusterer(knowledge or Knowledge(), params)
    for r in reports:
        c.add(r.report)
    return dict(c.story_of)


def score(reports: Sequence[LabelledReport], predicted: Mapping[str, str]) -> DedupScore:
    gold = {r.report.event.id: r.cluster for r in reports}
    return DedupScore(*pairwise_scores(gold, dict(predicted)))


def recall_by_variant(
    reports: Sequence[LabelledReport], predicted: Mapping[str, str]
) -> dict[str, tuple[int, int]]:
    """For each variant, how many of its reports share a story with the
    story's first (``original``) report: (joined, total)."""
    first: dict[str, str] = {}
    for r in reports:
        first.setdefault(r.cluster, r.report.event.id)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in reports:
        anchor = first[r.cluster]
        if anchor == r.report.event.id:
            continue
        tally = out[r.variant]
        tally[1] += 1
        tally[0] += predicted[anchor] == predicted[r.report.event.id]
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def errors(reports: Sequence[LabelledReport], predicted: Mapping[str, str]) -> list[str]:
    """Human-readable false merges and splits."""
    by_story: dict[str, list[LabelledReport]] = defaultdict(list)
    for r in reports:
        by_story[predicted[r.report.event.id]].append(r)
    lines: list[str] = []
    for members in by_story.values():
        labels = sorted({m.cluster for m in members})
        if len(labels) > 1:
            lines.append("merged: " + " + ".join(labels))
    by_label: dict[str, set[str]] = defaultdict(set)
    for r in reports:
        by_label[r.cluster].add(predicted[r.report.event.id])
    for label, stories in sorted(by_label.items()):
        if len(stories) > 1:
            parts = []
            for sid in sorted(stories):
                vs = [
                    r.variant
                    for r in reports
                    if r.cluster == label and predicted[r.report.event.id] == sid
                ]
                parts.append("[" + ",".join(vs) + "]")
            lines.append(f"split: {label} into {' '.join(parts)}")
    return lines


def evaluate(
    reports: Sequence[LabelledReport],
    *,
    orders: int = 5,
    seed: int = 0,
    params: DedupParams = DEFAULT_PARAMS,
    knowledge: Knowledge | None = None,
) -> dict[str, Any]:
    """Scores in file order and over ``orders`` shuffled orders."""
    knowledge = knowledge or Knowledge()
    predicted = cluster(reports, params, knowledge)
    base = score(reports, predicted)
    rng = random.Random(seed)
    shuffled: list[DedupScore] = []
    for _ in range(orders):
        order = list(reports)
        rng.shuffle(order)
        shuffled.append(score(reports, cluster(order, params, knowledge)))
    worst = min([base, *shuffled], key=lambda s: s.f1)
    n_clusters = len({r.cluster for r in reports})
    return {
        "reports": len(reports),
        "clusters": n_clusters,
        "distinct_pairs_designed": sum(1 for r in reports if r.distinct_from),
        "file_order": base.to_dict(),
        "shuffled": [s.to_dict() for s in shuffled],
        "mean_f1_shuffled": round(sum(s.f1 for s in shuffled) / len(shuffled), 4)
        if shuffled
        else None,
        "worst": worst.to_dict(),
        "recall_by_variant": {
            k: {"joined": a, "total": b}
            for k, (a, b) in recall_by_variant(reports, predicted).items()
        },
        "errors": errors(reports, predicted),
    }


@dataclass(frozen=True, slots=True)
class PipelineRun:
    """The labelled set as the real pipeline sees it."""

    reports: list[LabelledReport]
    """One per report whose text gave an event of the story's type and status."""
    missed: list[str]
    """Reports that gave no such event (extraction misses, not dedup errors)."""


def through_pipeline(reports: Sequence[LabelledReport], pipeline: Any = None) -> PipelineRun:
    """Run every report's text through the pipeline and keep, per report, the
    extracted event of its story's type and status (the most confident).

    The extracted events carry the pipeline's own actors, places, dates and
    counts, so clustering them measures dedup under real extraction noise.
    """
    from eventlens.model import Article
    from eventlens.pipeline import Pipeline
    from eventlens.settings import Settings

    pipe = pipeline or Pipeline(Settings())
    kept: list[LabelledReport] = []
    missed: list[str] = []
    for r in reports:
        gold = r.report.event
        # Reports come out the day after the event unless the set says otherwise
        # (a report's own date override is its publication date).
        published = r.report.published
        if gold.date.source == "publication" and gold.date.value and len(gold.date.value) == 10:
            published = date.fromisoformat(gold.date.value)
        elif published is not None:
            published = published + timedelta(days=1)
        article = Article(
            id=gold.article_id,
            content=gold.evidence.text,
            source=r.report.source,
            published=published,
            origin=f"{r.cluster}/{r.variant}",
        )
        try:
            doc = pipe(article)
        except DocumentError:
            missed.append(article.origin or article.id)
            continue
        same = [
            e for e in doc.events if e.event_type == gold.event_type and e.status == gold.status
        ]
        if not same:
            missed.append(article.origin or article.id)
            continue
        best = max(same, key=lambda e: e.confidence)
        sentence = next((s.text for s in doc.sentences if s.index == best.evidence.sentence), None)
        kept.append(
            LabelledReport(
                Report(best, r.report.source, published, None, sentence, doc.text),
                r.cluster,
                r.variant,
                r.distinct_from,
            )
        )
    return PipelineRun(kept, missed)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        type=Path,
        default=None,
        metavar="YAML",
        help="labelled stories file (default: the bundled data/dedup/stories.yaml)",
    )
    p.add_argument(
        "--orders",
        type=int,
        default=5,
        help="also score this many shuffled arrival orders (default 5)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the shuffles")
    p.add_argument(
        "--floor",
        type=float,
        default=None,
        metavar="F1",
        help="exit 1 when the worst F1 is below this (default: no floor, report only; "
        "the project's floor is dedup.worst_f1 in tests/eval_baseline.json)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--through-pipeline",
        action="store_true",
        help="extract each report's event with the real pipeline first (measures "
        "dedup under extraction noise; reports it misses are left out and counted)",
    )


def run(args: argparse.Namespace) -> int:
    knowledge = Knowledge()
    reports = load_set(args.set, knowledge)
    missed: list[str] = []
    if args.through_pipeline:
        run_ = through_pipeline(reports)
        reports, missed = run_.reports, run_.missed
    result = evaluate(reports, orders=args.orders, seed=args.seed, knowledge=knowledge)
    result["mode"] = "pipeline" if args.through_pipeline else "labelled events"
    result["extraction_missed"] = missed
    result["floor_f1"] = args.floor
    ok = args.floor is None or result["worst"]["f1"] >= args.floor
    result["passed"] = ok
    if args.format == "json":
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0 if ok else 1
    b, w = result["file_order"], result["worst"]
    out = sys.stdout
    out.write(
        f"dedup: {result['reports']} reports in {result['clusters']} labelled stories "
        f"({result['mode']})\n"
    )
    if args.through_pipeline:
        out.write(
            f"  pipeline gave no event of the story's type and status for "
            f"{len(missed)} reports (left out)\n"
        )
    out.write(
        f"  file order      precision {b['precision']:.3f}  recall {b['recall']:.3f}  "
        f"F1 {b['f1']:.3f}  (pairs tp {b['tp']} fp {b['fp']} fn {b['fn']})\n"
    )
    if result["shuffled"]:
        out.write(
            f"  {len(result['shuffled'])} shuffled orders: mean F1 "
            f"{result['mean_f1_shuffled']:.3f}, worst F1 {w['f1']:.3f} "
            f"(precision {w['precision']:.3f}, recall {w['recall']:.3f})\n"
        )
    out.write("  recall by variant (joined its story's first report):\n")
    for k, v in result["recall_by_variant"].items():
        out.write(f"    {k:<10} {v['joined']}/{v['total']}\n")
    for line in result["errors"]:
        out.write(f"  {line}\n")
    if args.floor is not None:
        out.write(f"  floor F1 {args.floor:.2f}: {'ok' if ok else 'BELOW FLOOR'}\n")
    return 0 if ok else 1
