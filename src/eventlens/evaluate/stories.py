"""``eventlens eval stories DIR``: cross-article stories on an ECB+-layout corpus.

ECB+ (Cybulska & Vossen 2014) groups news documents in topics, each about two
similar seminal events (two earthquakes, two shootings …): in topic ``T``,
the ``T_Necb.xml`` documents report one event and the ``T_Necbplus.xml``
documents the other.  The gold story of a document is therefore its topic and
its half (``ecb`` or ``ecbplus``).

Each document is read as a user would feed it (one JSONL-like article: the
detokenised text, the page URL of ``ecbplus`` documents as its URL, **no
publication date**), run through the real pipeline once, and written to a
fresh in-memory store with :func:`eventlens.store.writer.save_article` — the
code ingest runs — in the file order and in ``--orders`` shuffled orders.
Three ways of linking two documents are scored apart:

- **event stories**: some story holds events of both (only documents with
  events can be linked);
- **threads**: both articles are in the same thread
  (:mod:`eventlens.stories.threads`: articles joined by their texts,
  whatever events they have);
- **linked**: either of the two — what the store says about which
  documents report the same happening.

Scores of each:

- document-pair precision, recall and F1 against the gold pairs;
- cross-topic links: predicted links between documents of different topics;
- B-cubed precision, recall and F1 over documents, each document in the
  story that holds most of its events (documents without events are
  singletons);
- the worst F1 of the orders (arrival order should not matter much).
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventlens.errors import UsageError
from eventlens.evaluate.dedup import DedupScore
from eventlens.knowledge import Knowledge

log = logging.getLogger(__name__)

_TOKEN = re.compile(r'<token\b[^>]*\bsentence="(\d+)"[^>]*>([^<]*)</token>')
_NAME = re.compile(r"^(\d+)_(\d+)(ecbplus|ecb)\.xml$")
_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One ECB+ document: its name, gold story, text and page URL (if given)."""

    name: str
    topic: str
    story: str
    text: str
    url: str | None


def detokenise(tokens: Iterable[str]) -> str:
    """Tokens joined as running text ("police , he said" -> "police, he said")."""
    s = " ".join(t for t in tokens if t)
    s = s.replace("`` ", '"').replace(" ''", '"').replace("``", '"').replace("''", '"')
    s = _NO_SPACE_BEFORE.sub(r"\1", s)
    return _NO_SPACE_AFTER.sub(r"\1", s)


def read_document(path: Path) -> GoldDocument:
    """One ECB+ XML file; a file that is not one is a one-line :class:`UsageError`."""
    m = _NAME.match(path.name)
    if m is None:
        raise UsageError(
            f"{path}: not an ECB+ document name (TOPIC_Necb.xml or TOPIC_Necbplus.xml)"
        )
    topic, _, half = m.groups()
    try:
        raw = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read ({e})") from None
    sentences: dict[int, list[str]] = defaultdict(list)
    for sn, tok in _TOKEN.findall(raw):
        sentences[int(sn)].append(html.unescape(tok))
    if not sentences:
        raise UsageError(f"{path}: no tokens")
    url = None
    order = sorted(sentences)
    if half == "ecbplus" and order[0] == 0:
        first = "".join(sentences[0])
        if first.startswith("http"):
            url = first
            order = order[1:]
    text = "\n".join(detokenise(sentences[i]) for i in order)
    return GoldDocument(path.name, topic, f"{topic}/{half}", text, url)


def load_corpus(root: Path) -> list[GoldDocument]:
    """Every ECB+ document under ``root`` (topic folders), in name order."""
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder (expected an ECB+ layout: TOPIC/TOPIC_Necb.xml)")
    paths = sorted(
        (p for p in root.glob("*/*.xml") if _NAME.match(p.name)),
        key=lambda p: tuple(int(x) for x in _NAME.match(p.name).groups()[:2]),  # type: ignore[union-attr]
    )
    if not paths:
        raise UsageError(f"{root}: no ECB+ documents (TOPIC/TOPIC_Necb.xml) found")
    return [read_document(p) for p in paths]


# ------------------------------------------------------------------ scoring


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for g in groups:
        members = sorted(set(g))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                out.add((a, b))
    return out


@dataclass(frozen=True, slots=True)
class StoryScore:
    pairs: DedupScore
    """Document-pair precision, recall, F1 and counts."""
    cross_topic: int
    """Predicted links between documents of different topics."""
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float

    @property
    def f1(self) -> float:
        return self.pairs.f1

    @property
    def cross_topic_share(self) -> float:
        links = self.pairs.tp + self.pairs.fp
        return self.cross_topic / links if links else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            **self.pairs.to_dict(),
            "cross_topic_links": self.cross_topic,
            "cross_topic_share": round(self.cross_topic_share, 4),
            "bcubed_precision": round(self.bcubed_precision, 4),
            "bcubed_recall": round(self.bcubed_recall, 4),
            "bcubed_f1": round(self.bcubed_f1, 4),
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_documents(
    gold: Mapping[str, str],
    topic: Mapping[str, str],
    doc_stories: Mapping[str, Sequence[str]],
) -> StoryScore:
    """Score stories at document level.

    ``gold``: document -> gold story; ``topic``: document -> topic;
    ``doc_stories``: document -> the story id of each of its events (one
    entry per event; a document without events has none).
    """
    docs = sorted(gold)
    members: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for sid in doc_stories.get(d, ()):
            members[sid].add(d)
    predicted = _pairs(members.values())
    by_gold: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_gold[gold[d]].append(d)
    true = _pairs(by_gold.values())
    tp, fp, fn = len(predicted & true), len(predicted - true), len(true - predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    cross = sum(1 for a, b in predicted if topic[a] != topic[b])
    # B-cubed: each document in the story holding most of its events
    main: dict[str, str] = {}
    for d in docs:
        sids = doc_stories.get(d, ())
        if sids:
            counts = Counter(sids)
            main[d] = max(sorted(counts), key=lambda s: (counts[s], len(members[s])))
        else:
            main[d] = f"doc:{d}"
    cluster: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        cluster[main[d]].append(d)
    bp = br = 0.0
    for d in docs:
        mine = cluster[main[d]]
        same = sum(1 for x in mine if gold[x] == gold[d])
        bp += same / len(mine)
        br += same / len(by_gold[gold[d]])
    bp, br = bp / len(docs), br / len(docs)
    pair = DedupScore(precision, recall, _f1(precision, recall), tp, fp, fn)
    return StoryScore(pair, cross, bp, br, _f1(bp, br))


# ------------------------------------------------------------ running it


def articles(docs: Sequence[GoldDocument]) -> list[Any]:
    """Each document as the article a user's JSONL line would give: no date."""
    from eventlens.model import Article

    out = []
    for d in docs:
        out.append(
            Article(
                id=Article.make_id(d.url, d.text),
                content=d.text,
                url=d.url,
                origin=d.name,
            )
        )
    return out


def extract(docs: Sequence[GoldDocument], pipeline: Any = None) -> list[Any]:
    """Run the pipeline once on every document (what ingest's workers do);
    the outcomes are written to the stores in every order."""
    from eventlens.ingest.sources import Work, content_hash
    from eventlens.ingest.workers import process
    from eventlens.pipeline import Pipeline
    from eventlens.settings import Settings

    pipe = pipeline or Pipeline(Settings())
    return [process(pipe, Work(a, content_hash(a))) for a in articles(docs)]


@dataclass(frozen=True, slots=True)
class Written:
    """What one store made of the documents."""

    stories: dict[str, list[str]]
    """Document origin -> the story id of each of its events."""
    threads: dict[str, list[str]]
    """Document origin -> its thread id (none when it has no thread)."""

    def linked(self) -> dict[str, list[str]]:
        """Document origin -> its stories and its thread (ids kept apart)."""
        out: dict[str, list[str]] = defaultdict(list)
        for d, sids in self.stories.items():
            out[d].extend(sids)
        for d, tids in self.threads.items():
            out[d].extend(f"thread:{t}" for t in tids)
        return dict(out)


def write_in_order(
    outcomes: Sequence[Any], workdir: Path, name: str, knowledge: Knowledge | None = None
) -> Written:
    """Write the outcomes, in this order, to a fresh SQLite store with the
    ingest code; what it made of them."""
    from sqlalchemy import select

    from eventlens.store import Store
    from eventlens.store.schema import articles as articles_t
    from eventlens.store.schema import events as events_t

    path = workdir / f"{name}.db"
    path.unlink(missing_ok=True)
    with Store.open(str(path), knowledge=knowledge) as store:
        for o in outcomes:
            if not o.ok:
                continue
            store.save_article(
                o.work.article,
                content_hash=o.work.content_hash,
                text=o.text or "",
                events=o.events,
                sentences=dict(o.sentences),
            )
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(articles_t.c.origin, events_t.c.story_id).join(
                    events_t, events_t.c.article_id == articles_t.c.id
                )
            ).all()
            thread_rows = conn.execute(
                select(articles_t.c.origin, articles_t.c.thread_id).where(
                    articles_t.c.thread_id.is_not(None)
                )
            ).all()
    out: dict[str, list[str]] = defaultdict(list)
    for origin, sid in rows:
        if sid is not None:
            out[origin].append(sid)
    threads = {origin: [tid] for origin, tid in thread_rows}
    path.unlink(missing_ok=True)
    return Written(dict(out), threads)


def evaluate(
    docs: Sequence[GoldDocument],
    outcomes: Sequence[Any],
    workdir: Path,
    *,
    orders: int = 5,
    seed: int = 0,
    knowledge: Knowledge | None = None,
) -> dict[str, Any]:
    """Scores in file order and in ``orders`` shuffled orders (every store
    clusters with the tables of ``knowledge``, parsed once)."""
    knowledge = knowledge or Knowledge()
    gold = {d.name: d.story for d in docs}
    topic = {d.name: d.topic for d in docs}
    # Documents the pipeline found events in: only those can be in stories.
    coded = {o.work.article.origin for o in outcomes if o.ok and o.events}
    gold_coded = {k: v for k, v in gold.items() if k in coded}

    def scores(w: Written) -> dict[str, StoryScore]:
        return {
            "stories": score_documents(gold, topic, w.stories),
            "with_events": score_documents(gold_coded, topic, w.stories),
            "threads": score_documents(gold, topic, w.threads),
            "linked": score_documents(gold, topic, w.linked()),
        }

    t0 = time.perf_counter()
    base = scores(write_in_order(outcomes, workdir, "file-order", knowledge))
    write_s = time.perf_counter() - t0
    rng = random.Random(seed)
    shuffled: list[dict[str, StoryScore]] = []
    for i in range(orders):
        order = list(outcomes)
        rng.shuffle(order)
        shuffled.append(scores(write_in_order(order, workdir, f"o{i}", knowledge)))

    def view(key: str) -> dict[str, Any]:
        runs = [base[key], *(s[key] for s in shuffled)]
        return {
            "file_order": base[key].to_dict(),
            "shuffled": [s[key].to_dict() for s in shuffled],
            "worst": min(runs, key=lambda s: s.f1).to_dict(),
        }

    n_events = sum(len(o.events) for o in outcomes)
    stories = view("stories")
    return {
        "documents": len(docs),
        "gold_stories": len(set(gold.values())),
        "gold_pairs": base["stories"].pairs.tp + base["stories"].pairs.fn,
        "documents_failed": sum(1 for o in outcomes if not o.ok),
        "documents_without_events": sum(1 for o in outcomes if o.ok and not o.events),
        "events": n_events,
        "store_write_seconds": round(write_s, 2),
        "documents_with_events": len(coded),
        "gold_pairs_with_events": base["with_events"].pairs.tp + base["with_events"].pairs.fn,
        **stories,
        "with_events": view("with_events"),
        "threads": view("threads"),
        "linked": view("linked"),
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, metavar="DIR", help="an ECB+ layout: TOPIC/TOPIC_Necb.xml")
    p.add_argument(
        "--orders", type=int, default=5, help="also score this many shuffled arrival orders"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the shuffles")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _line(name: str, s: Mapping[str, Any]) -> str:
    return (
        f"  {name:<16} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
        f"F1 {s['f1']:.3f}  (pairs tp {s['tp']} fp {s['fp']} fn {s['fn']}); "
        f"cross-topic links {s['cross_topic_links']} ({100 * s['cross_topic_share']:.1f}%); "
        f"B-cubed P {s['bcubed_precision']:.3f} R {s['bcubed_recall']:.3f} "
        f"F1 {s['bcubed_f1']:.3f}\n"
    )


def run(args: argparse.Namespace) -> int:
    import tempfile

    if args.orders < 0:
        raise UsageError(f"--orders {args.orders}: must be 0 or more")
    docs = load_corpus(args.dir)
    t0 = time.perf_counter()
    outcomes = extract(docs)
    extract_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="eventlens-stories-") as tmp:
        result = evaluate(docs, outcomes, Path(tmp), orders=args.orders, seed=args.seed)
    result["extract_seconds"] = round(extract_s, 1)
    if args.format == "json":
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(
        f"stories: {result['documents']} documents in {result['gold_stories']} gold stories, "
        f"{result['gold_pairs']} same-event document pairs; no publication dates\n"
        f"  {result['events']} events; {result['documents_with_events']} documents have events "
        f"({result['gold_pairs_with_events']} gold pairs between them), "
        f"{result['documents_without_events']} have none, {result['documents_failed']} failed\n"
    )
    n = len(result["shuffled"]) + 1
    for title, v in (
        ("event stories, all documents", result),
        ("event stories, documents with events", result["with_events"]),
        ("threads (articles joined by their texts), all documents", result["threads"]),
        ("linked (a shared story or thread), all documents", result["linked"]),
    ):
        out.write(f"{title}:\n")
        out.write(_line("file order", v["file_order"]))
        out.write(_line(f"worst of {n}", v["worst"]))
    return 0
