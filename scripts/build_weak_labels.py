"""Weak relevance labels from Wikipedia Current Events categories, for the coder's training.

    .venv/bin/python scripts/build_weak_labels.py \\
        ../shared/corpora/current-events/wcep_items.jsonl.gz \\
        --per-category 700 --out data/coder/weak/wcep_weak.jsonl

Each sampled item (seed 7; items already hand-labelled in ``data/coder/corpus/wcep.jsonl``
are left out) is run through the pipeline up to the trigger lexicon; every candidate it
proposes gets the item's category as a *weak* relevance label:

- "Armed conflicts and attacks" -> relevant;
- "Disasters and accidents" -> not relevant (disaster), "Sports" -> sports,
  "Business and economy" -> business, "Health and environment" -> disease,
  "Arts and culture" and "Science and technology" -> generic.

"Law and crime", "Politics and elections" and "International relations" are mixed (the
hand labels disagree with any one mapping on about half of "Law and crime"), so they are
not used.  Weak records train the relevance head only, never any other head, and never
enter the dev or test split.  The items are CC BY-SA 4.0 (Wikipedia, "Portal:Current
events/<date>"); each line keeps its id and attribution.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventlens.model import Article  # noqa: E402
from eventlens.pipeline import Pipeline  # noqa: E402
from eventlens.settings import Settings  # noqa: E402

MAPPING: dict[str, str] = {
    "Armed conflicts and attacks": "relevant",
    "Disasters and accidents": "disaster",
    "Sports": "sports",
    "Business and economy": "business",
    "Health and environment": "disease",
    "Arts and culture": "generic",
    "Science and technology": "generic",
}
STAGES = ("eventlens.clean.v1", "eventlens.nlp.v1", "eventlens.geo.v1", "eventlens.events.v1")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("items", type=Path)
    ap.add_argument("--per-category", type=int, default=700)
    ap.add_argument(
        "--out", type=Path, default=ROOT / "data" / "coder" / "weak" / "wcep_weak.jsonl"
    )
    args = ap.parse_args(argv)
    labelled: set[str] = set()
    hand = ROOT / "data" / "coder" / "corpus" / "wcep.jsonl"
    if hand.is_file():
        for line in hand.read_text(encoding="utf-8").splitlines():
            if line.strip():
                labelled.add(str(json.loads(line).get("source_id")))
    by_cat: dict[str, list[dict[str, str]]] = {c: [] for c in MAPPING}
    with gzip.open(args.items, "rt", encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if item.get("category") in MAPPING and item["id"] not in labelled:
                by_cat[item["category"]].append(item)
    rng = random.Random(7)
    pipe = Pipeline(Settings(pipeline=STAGES, check_language=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with args.out.open("w", encoding="utf-8") as out:
        for cat, items in by_cat.items():
            # armed conflicts give about as many candidates as the six other categories together
            n = args.per_category * (2 if MAPPING[cat] == "relevant" else 1)
            for item in rng.sample(items, min(n, len(items))):
                art = Article(id=item["id"], content=item["text"], origin=item["id"])
                try:
                    doc = pipe(art)
                except Exception as e:  # one bad item never stops the build
                    print(f"{item['id']}: skipped ({type(e).__name__})", file=sys.stderr)
                    continue
                seen: set[str] = set()
                for ev in doc.events:
                    sent = doc.sentences[ev.evidence.sentence]
                    t0, t1 = ev.trigger or (ev.evidence.start, ev.evidence.end)
                    trigger = doc.text[t0:t1]
                    if sent.text.count(trigger) != 1 or trigger in seen:
                        continue
                    seen.add(trigger)
                    label = MAPPING[cat]
                    rec = {
                        "id": f"WW-{item['id']}-{t0}",
                        "text": sent.text,
                        "trigger": trigger,
                        "relevant": label == "relevant",
                        "not_event": None if label == "relevant" else label,
                        "source": "wcep-weak",
                        "source_id": item["id"],
                        "weak_category": cat,
                        "license": "CC BY-SA 4.0",
                        "attribution": f"Wikipedia, Portal:Current events/{item['date']}",
                        "group": f"WW-{item['id']}",
                    }
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    written += 1
            print(f"{cat}: {written} candidates so far", flush=True)
    print(f"wrote {written} weak records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
