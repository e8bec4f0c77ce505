"""Regenerate the bundled sample data in ``src/eventlens/samples/``.

    .venv/bin/python scripts/make_samples.py \\
        --data ../shared/train/ngec-synthetic/gpt_synthetic_events_2023-10-19_19.csv.zip \\
        --seed-article ../shared/seed/000_9c2b090c7ed604d2.txt

Writes ``synthetic.jsonl``: 300 synthetic stories, the same every run, all
from the classifier's held-out test templates (``train_classifier.split_stories``),
so none was trained on; taken round-robin over the 16 PLOVER labels so every
type is represented.  Each line is ``{"id", "title", "text", "source",
"url": null, "published": null}``; ``id`` is ``synthetic-NNNN`` with NNNN the
story's row in the source CSV (where its label and mode can be looked up).
With ``--seed-article`` it also copies the seed article to ``seed-article.txt``.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_classifier import SEED, Story, load_stories, split_stories

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventlens" / "samples"
COUNT = 300
SOURCE = "SYNTHETIC story (LLM-generated, ahalterman/NGEC-2025, MIT) — not real news"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def pick(stories: Sequence[Story], count: int, seed: int) -> list[Story]:
    """``count`` stories, round-robin over labels, each label's stories in a seeded order."""
    by_label: dict[str, list[Story]] = collections.defaultdict(list)
    for s in stories:
        by_label[s.label].append(s)
    queues = []
    for label in sorted(by_label):
        items = sorted(by_label[label], key=lambda s: s.index)
        random.Random(f"samples:{seed}:{label}").shuffle(items)
        queues.append(collections.deque(items))
    chosen: list[Story] = []
    while len(chosen) < count and any(queues):
        for q in queues:
            if q and len(chosen) < count:
                chosen.append(q.popleft())
    return sorted(chosen, key=lambda s: s.index)


def record(s: Story) -> dict[str, object]:
    title: str | None = s.title
    if not title or _PLACEHOLDER.search(title):
        title = None  # never ship a template with unfilled placeholders
    return {
        "id": f"synthetic-{s.index:04d}",
        "title": title,
        "text": s.text,
        "source": SOURCE,
        "url": None,
        "published": None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="the zipped synthetic-stories CSV")
    ap.add_argument("--seed-article", type=Path, help="the seed article text to bundle")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--count", type=int, default=COUNT)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)

    _, test = split_stories(load_stories(args.data), args.seed)
    chosen = pick(test, args.count, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "synthetic.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for s in chosen:
            f.write(json.dumps(record(s), ensure_ascii=False) + "\n")
    labels = collections.Counter(s.label for s in chosen)
    print(f"wrote {path}: {len(chosen)} stories, {path.stat().st_size / 1e3:.0f} kB")
    print("labels: " + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())))
    if args.seed_article:
        target = args.out / "seed-article.txt"
        shutil.copyfile(args.seed_article, target)
        print(f"copied {args.seed_article} to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
