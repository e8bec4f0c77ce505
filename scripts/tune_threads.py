"""Choose the thresholds of article threads on ``data/threads/`` (written for it).

Every article of ``data/threads/*.jsonl`` (title and text, as a user's JSONL
line gives them) is clustered incrementally with
:class:`eventlens.stories.threads.ThreadClusterer`, in the file order and in
``--orders`` shuffled orders, twice: with the articles' publication dates and
with none (ECB+-like input).  For each setting of the grid the script prints
document-pair precision, recall and F1 (the worst order of either run) and
names the setting whose worst F1 is highest.  Nothing here reads an
evaluation set.

    .venv/bin/python scripts/tune_threads.py            # the grid
    .venv/bin/python scripts/tune_threads.py --defaults # the shipped thresholds only
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

from eventlens.evaluate.stories import score_documents
from eventlens.knowledge import Knowledge
from eventlens.stories.threads import (
    DEFAULT_THREAD_PARAMS,
    ThreadClusterer,
    ThreadMember,
    ThreadParams,
    thread_vectors,
)

ROOT = Path(__file__).resolve().parent.parent / "data" / "threads"


def load(root: Path) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for path in sorted(root.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def worst(
    knowledge: Knowledge,
    rows: list[dict[str, str | None]],
    vectors: dict[str, tuple[tuple[str, float], ...]],
    params: ThreadParams,
    orders: int,
    dated: bool,
) -> tuple[float, float, float]:
    gold = {str(r["id"]): str(r["story"]) for r in rows}
    topic = {str(r["id"]): str(r["topic"]) for r in rows}
    rng = random.Random(0)
    out: list[tuple[float, float, float]] = []
    for i in range(orders + 1):
        order = list(rows)
        if i:
            rng.shuffle(order)
        c = ThreadClusterer(knowledge, params)
        for r in order:
            pub = date.fromisoformat(str(r["published"])) if dated and r["published"] else None
            c.add(ThreadMember(str(r["id"]), vectors[str(r["id"])], pub))
        found = {a: [t] for a, t in c.thread_of.items() if t}
        s = score_documents(gold, topic, found)
        out.append((s.f1, s.pairs.precision, s.pairs.recall))
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT)
    ap.add_argument("--orders", type=int, default=5)
    ap.add_argument("--defaults", action="store_true", help="score the shipped thresholds only")
    args = ap.parse_args()
    rows = load(args.data)
    knowledge = Knowledge()
    print(f"{len(rows)} articles, {len({r['story'] for r in rows})} stories")
    grid: list[ThreadParams]
    if args.defaults:
        grid = [DEFAULT_THREAD_PARAMS]
    else:
        grid = [
            replace(
                DEFAULT_THREAD_PARAMS,
                names=n,
                numbers=u,
                lead=d,
                keep=k,
                link=j,
            )
            for n, u, d, k, j in itertools.product(
                (1.0, 2.0, 3.0),
                (1.0, 2.0),
                (1.0, 2.0),
                (64, 128),
                (0.2, 0.25, 0.3, 0.35, 0.4),
            )
        ]
    cache: dict[tuple[float, float, float, int], dict[str, tuple[tuple[str, float], ...]]] = {}
    best: tuple[float, ThreadParams] | None = None
    for p in grid:
        key = (p.names, p.numbers, p.lead, p.keep)
        if key not in cache:
            vec = thread_vectors(knowledge.stories, p)
            cache[key] = {str(r["id"]): vec(f"{r['title'] or ''}\n\n{r['text']}") for r in rows}
        a = worst(knowledge, rows, cache[key], p, args.orders, dated=True)
        b = worst(knowledge, rows, cache[key], p, args.orders, dated=False)
        score = min(a[0], b[0])
        print(
            f"names {p.names:.1f} numbers {p.numbers:.1f} lead {p.lead:.1f} "
            f"keep {p.keep:3d} link {p.link:.2f}"
            f"  dated F1 {a[0]:.3f} (P {a[1]:.3f} R {a[2]:.3f})"
            f"  undated F1 {b[0]:.3f} (P {b[1]:.3f} R {b[2]:.3f})"
        )
        if best is None or score > best[0] + 1e-9:
            best = (score, p)
    if best is not None:
        p = best[1]
        print(
            f"best worst-order F1 {best[0]:.3f}: names {p.names} numbers {p.numbers} "
            f"lead {p.lead} keep {p.keep} link {p.link}"
        )


if __name__ == "__main__":
    main()
