"""``eventlens eval gold DIR``: score the pipeline on articles with gold in the seed's format.

A folder holds ``NAME.txt`` (the article) and ``NAME.gold.json`` (``published``,
``events`` with ``event_type``, ``mode``, ``status``, ``acled``, ``actor``,
``recipient``, ``location`` with a tolerance, ``date``, ``killed`` / ``injured`` /
``arrested``, an exact ``evidence`` quote, ``optional`` for background events).

Matching: a coded event may match a gold event when its trigger or evidence lies in
the sentence that holds the gold evidence (or overlaps the quote).  Pairs are taken
greedily, best first: overlap with the quote, then same type, then same status; each
coded and each gold event is used once.  Then:

- **precision**: coded events that match a gold event (core or optional) / coded events
  (and the same for events of confidence 0.8 or more);
- **recall**: core gold events matched / core gold events (and, stricter, matched with
  the right type);
- **repeats**: unmatched coded events in the sentence of a matched gold event of the
  same type (the same event coded again) / coded events;
- **false events on negative articles**: ASSAULT, PROTEST, COERCE, THREATEN or MOBILIZE
  events coded on an article whose gold has no event at all;
- **per-field accuracy** over matched events (a field is scored where the gold states
  it): type, status, mode, ACLED sub-event, place (within the gold tolerance), date
  (the gold value at its precision), each stated count, actor and recipient sector;
- **exact**: core gold events matched with type, status, place and every stated count right.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from eventlens.errors import UsageError
from eventlens.geo.distance import haversine_km
from eventlens.model import Event

CONFIDENT = 0.8
"""Events at or above this confidence are scored apart (precision_confidence_0.8)."""
VIOLENT = frozenset({"ASSAULT", "PROTEST", "COERCE", "THREATEN", "MOBILIZE"})
COUNTS = ("killed", "injured", "arrested")
FIELDS = (
    "type",
    "status",
    "mode",
    "acled_sub",
    "place",
    "date",
    "killed",
    "injured",
    "arrested",
    "actor_sector",
    "recipient_sector",
)
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_SENT_END = re.compile(r"[.!?][\"'”’)]*\s+|\n")

Extractor = Callable[[str, date | None], tuple[list[Event], list[tuple[int, int]], str]]
"""Text and publication date -> coded events, the sentence spans and the clean text they index."""


@dataclass(frozen=True, slots=True)
class GoldArticle:
    name: str
    text: str
    published: date | None
    events: tuple[dict[str, Any], ...]


@dataclass(slots=True)
class Score:
    """Counts over a folder; figures are computed from them."""

    coded: int = 0
    matched_coded: int = 0
    coded_confident: int = 0
    matched_confident: int = 0
    core: int = 0
    core_matched: int = 0
    core_exact: int = 0
    core_typed: int = 0
    repeats: int = 0
    negative_articles: int = 0
    negative_false: int = 0
    right: Counter[str] = field(default_factory=Counter)
    scored: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    false_events: list[str] = field(default_factory=list)
    field_errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "coded": self.coded,
            "precision": ratio(self.matched_coded, self.coded),
            "precision_confidence_0.8": ratio(self.matched_confident, self.coded_confident),
            "recall": ratio(self.core_matched, self.core),
            "recall_type_right": ratio(self.core_typed, self.core),
            "exact": ratio(self.core_exact, self.core),
            "repeats": ratio(self.repeats, self.coded),
            "negative_articles": self.negative_articles,
            "false_events_on_negatives": self.negative_false,
            "fields": {f: ratio(self.right[f], self.scored[f]) for f in FIELDS},
            "fields_scored": {f: self.scored[f] for f in FIELDS},
        }


def load_folder(folder: Path) -> list[GoldArticle]:
    """Every ``NAME.gold.json`` with its ``NAME.txt`` in a folder."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    out: list[GoldArticle] = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        name = gold_path.name.removesuffix(".gold.json")
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            doc_name = gold.get("document") or f"{name}.txt"
            text = (folder / doc_name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise UsageError(f"{gold_path}: cannot read gold or its article ({e})") from None
        pub = gold.get("published")
        out.append(
            GoldArticle(
                name=name,
                text=text,
                published=date.fromisoformat(pub) if pub else None,
                events=tuple(gold.get("events", [])),
            )
        )
    if not out:
        raise UsageError(f"{folder}: no *.gold.json files")
    return out


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around ``[start, end)``: from the previous end mark to the next."""
    s = 0
    for m in _SENT_END.finditer(text, 0, start):
        s = m.end()
    m2 = _SENT_END.search(text, end)
    return s, (m2.end() if m2 else len(text))


def _quote_span(text: str, quote: str) -> tuple[int, int] | None:
    i = text.translate(QUOTES).find(quote.translate(QUOTES))
    return (i, i + len(quote)) if i >= 0 else None


def _anchor(ev: Event) -> tuple[int, int]:
    return ev.trigger or (ev.evidence.start, ev.evidence.end)


def _mention_spans(ev: Event, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence spans of every mention merged into an event (its evidence first)."""
    idx = [i for i in ev.sources if 0 <= i < len(sentences) and i != ev.evidence.sentence]
    return [sentences[i] for i in idx]


def _pair_score(
    g: dict[str, Any],
    span: tuple[int, int],
    sent: tuple[int, int],
    ev: Event,
    others: list[tuple[int, int]],
) -> int:
    """How well a coded event fits a gold event; 0 means it cannot match."""
    a0, a1 = _anchor(ev)
    e0, e1 = ev.evidence.start, ev.evidence.end
    overlap = min(span[1], max(a1, e1)) - max(span[0], min(a0, e0))
    in_sentence = sent[0] <= a0 < sent[1]
    # a mention merged into the event in the gold evidence's sentence
    if not in_sentence and any(s0 < span[1] and span[0] < s1 for s0, s1 in others):
        in_sentence = True
    if overlap <= 0 and not in_sentence:
        return 0
    score = 1 + (4 if overlap > 0 else 0) + (2 if (span[0] <= a0 < span[1]) else 0)
    score += 3 if ev.event_type == g.get("event_type") else 0
    score += 1 if ev.status == g.get("status") else 0
    return score


def _date_right(g: dict[str, Any] | None, ev: Event) -> bool | None:
    if not g or not g.get("value"):
        return None
    return (ev.date.value or "").startswith(str(g["value"]))


def _place_right(g: dict[str, Any] | None, ev: Event) -> bool | None:
    if not g or g.get("lat") is None or g.get("lon") is None:
        return None
    loc = ev.location
    if loc is None or loc.lat is None or loc.lon is None:
        return False
    return haversine_km(g["lat"], g["lon"], loc.lat, loc.lon) <= float(g.get("tolerance_km", 25))


def _sector_right(g: dict[str, Any] | None, got: Any) -> bool | None:
    if not g or not g.get("sector"):
        return None
    return bool(getattr(got, "sector", None) == g["sector"])


def field_results(g: dict[str, Any], ev: Event) -> dict[str, bool | None]:
    """Each field of a matched pair: right, wrong, or None when the gold does not state it."""
    acled = g.get("acled") or {}
    out: dict[str, bool | None] = {
        "type": ev.event_type == g.get("event_type"),
        "status": ev.status == g.get("status"),
        "mode": ev.mode == g.get("mode") if "mode" in g else None,
        "acled_sub": ev.acled_sub_event_type == acled.get("sub_event_type")
        if "acled" in g
        else None,
        "place": _place_right(g.get("location"), ev),
        "date": _date_right(g.get("date"), ev),
        "actor_sector": _sector_right(g.get("actor"), ev.actor),
        "recipient_sector": _sector_right(g.get("recipient"), ev.recipient),
    }
    for c in COUNTS:
        out[c] = getattr(ev.counts, c) == g[c] if g.get(c) is not None else None
    return out


def score_article(
    art: GoldArticle,
    events: Iterable[Event],
    total: Score,
    sentences: list[tuple[int, int]] | None = None,
) -> None:
    """Add one article's matches to ``total``."""
    coded = list(events)
    others = [_mention_spans(ev, sentences or []) for ev in coded]
    total.coded += len(coded)
    total.coded_confident += sum(ev.confidence >= CONFIDENT for ev in coded)
    if not art.events:
        total.negative_articles += 1
        for ev in coded:
            if ev.event_type in VIOLENT:
                total.negative_false += 1
                total.false_events.append(f"{art.name}: {_describe(ev)}")
        return
    spans: list[tuple[tuple[int, int], tuple[int, int]] | None] = []
    for g in art.events:
        span = _quote_span(art.text, g.get("evidence", ""))
        spans.append((span, _sentence_span(art.text, *span)) if span else None)
    pairs: list[tuple[int, int, int]] = []
    for gi, g in enumerate(art.events):
        sp = spans[gi]
        if sp is None:
            continue
        for ci, ev in enumerate(coded):
            s = _pair_score(g, sp[0], sp[1], ev, others[ci])
            if s:
                # core events first among equal scores
                pairs.append((s * 2 + (0 if g.get("optional") else 1), gi, ci))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    gold_of: dict[int, int] = {}
    coded_of: dict[int, int] = {}
    for _, gi, ci in pairs:
        if gi in gold_of or ci in coded_of:
            continue
        gold_of[gi], coded_of[ci] = ci, gi
    total.matched_coded += len(coded_of)
    total.matched_confident += sum(coded[ci].confidence >= CONFIDENT for ci in coded_of)
    for gi, g in enumerate(art.events):
        core = not g.get("optional")
        total.core += core
        if gi not in gold_of:
            if core:
                total.misses.append(
                    f"{art.name}: {g.get('id')} {g.get('event_type')}/{g.get('status')}"
                )
            continue
        ev = coded[gold_of[gi]]
        res = field_results(g, ev)
        for f, ok in res.items():
            if ok is None:
                continue
            total.scored[f] += 1
            total.right[f] += ok
            if not ok:
                total.field_errors.append(
                    f"{art.name}: {g.get('id')} {f} wrong: {_values(f, g, ev)} {_describe(ev)}"
                )
        if core:
            total.core_matched += 1
            total.core_typed += bool(res["type"])
            must = ("type", "status", "place", *COUNTS)
            total.core_exact += all(res[f] is not False for f in must)
    for ci, ev in enumerate(coded):
        if ci in coded_of:
            continue
        repeat = any(_repeats(art.events[gi], spans[gi], coded[gold_of[gi]], ev) for gi in gold_of)
        if repeat:
            total.repeats += 1
        total.false_events.append(f"{art.name}: {'repeat ' if repeat else ''}{_describe(ev)}")


def _repeats(
    g: dict[str, Any],
    sp: tuple[tuple[int, int], tuple[int, int]] | None,
    first: Event,
    ev: Event,
) -> bool:
    """Is an unmatched coded event the gold event ``g`` (already matched to ``first``) again?

    Same type, and either in the gold evidence's sentence or at the same place (within
    the gold tolerance of the gold point) on the same date as the first coding.
    """
    if ev.event_type != g.get("event_type"):
        return False
    a0 = _anchor(ev)[0]
    if sp is not None and sp[1][0] <= a0 < sp[1][1]:
        return True
    return bool(_place_right(g.get("location"), ev)) and ev.date.value == first.date.value


def _values(f: str, g: dict[str, Any], ev: Event) -> str:
    """What was coded and what the gold says, for one wrong field."""
    got: object
    if f == "date":
        gd = g.get("date") or {}
        return f"[got {ev.date.value} ({ev.date.source}), gold {gd.get('value')}]"
    if f == "place":
        loc, gl = ev.location, g.get("location") or {}
        got = f"{loc.name} ({loc.country})" if loc else None
        return f"[got {got}, gold {gl.get('name')} ({gl.get('country')})]"
    if f in COUNTS:
        return f"[got {getattr(ev.counts, f)}, gold {g.get(f)}]"
    if f in ("actor_sector", "recipient_sector"):
        role = f.removesuffix("_sector")
        got = getattr(getattr(ev, role), "sector", None)
        return f"[got {got}, gold {(g.get(role) or {}).get('sector')}]"
    if f in ("mode", "acled_sub"):
        got = ev.mode if f == "mode" else ev.acled_sub_event_type
        want = g.get("mode") if f == "mode" else (g.get("acled") or {}).get("sub_event_type")
        return f"[got {got}, gold {want}]"
    return f"[gold {g.get('event_type')}/{g.get('status')}]"


def _describe(ev: Event) -> str:
    text = " ".join(ev.evidence.text.split())[:90]
    return f"{ev.event_type}/{ev.mode}/{ev.status} {ev.acled_sub_event_type} «{text}»"


def evaluate(articles: list[GoldArticle], extractor: Extractor) -> Score:
    total = Score()
    for art in articles:
        events, sentences, clean = extractor(art.text, art.published)
        score_article(replace(art, text=clean), events, total, sentences)
    return total


def pipeline_extractor() -> Extractor:
    from eventlens.model import Article
    from eventlens.pipeline import Pipeline

    pipe = Pipeline()

    def run(text: str, published: date | None) -> tuple[list[Event], list[tuple[int, int]], str]:
        art = Article(
            id=Article.make_id(None, text), content=text, published=published, origin="<gold>"
        )
        doc = pipe(art)
        return list(doc.events), [(s.start, s.end) for s in doc.sentences], doc.text

    return run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="folder of NAME.txt + NAME.gold.json")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--errors", action="store_true", help="list misses, false events and field errors"
    )


def run(args: argparse.Namespace) -> int:
    articles = load_folder(args.folder)
    score = evaluate(articles, pipeline_extractor())
    figs = score.figures()
    if args.format == "json":
        json.dump(figs, sys.stdout, indent=2)
        print()
        return 0
    print(f"{len(articles)} articles, {figs['coded']} coded events, {score.core} core gold events")
    for k in (
        "precision",
        "precision_confidence_0.8",
        "recall",
        "recall_type_right",
        "exact",
        "repeats",
    ):
        print(f"  {k:<28} {figs[k]}")
    print(
        f"  {'false events on negatives':<28} {figs['false_events_on_negatives']}"
        f" (on {figs['negative_articles']} articles with no event)"
    )
    print("  per field, on matched events:")
    for f in FIELDS:
        print(f"    {f:<26} {figs['fields'][f]}  (n={figs['fields_scored'][f]})")
    if args.errors:
        for title, rows in (
            ("missed core events", score.misses),
            ("unmatched coded events", score.false_events),
            ("field errors", score.field_errors),
        ):
            print(f"-- {title} ({len(rows)})")
            for r in rows:
                print(f"   {r}")
    return 0
