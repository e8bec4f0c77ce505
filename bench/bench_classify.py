"""Benchmark: the sentence event-type classifier's load time and inference speed.

    .venv/bin/python bench/bench_classify.py [--articles 300] [--sentences 30] [--repeat 3]

Articles: the bundled synthetic stories (``eventlens/samples/synthetic.jsonl``),
each cut or repeated to ``--sentences`` sentences, scored one article per
call (as the extractor does).  Runs in this one process, single-threaded
(numpy's BLAS is not involved: inference is gathers and sums).  Prints
figures; asserts nothing.  The budget the pipeline gives the classifier is
20 ms per article of about 30 sentences.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import eventlens  # noqa: F401
except ModuleNotFoundError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from eventlens.classify import SentenceClassifier  # noqa: E402

SAMPLES = ROOT / "src" / "eventlens" / "samples" / "synthetic.jsonl"
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"])")


def articles(n: int, sentences: int) -> list[list[str]]:
    out: list[list[str]] = []
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        sents = [s for s in _BREAK.split(text.replace("\n", " ")) if s.strip()]
        if sents:
            out.append((sents * (sentences // len(sents) + 1))[:sentences])
    while len(out) < n:
        out = out + out
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--sentences", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    model = SentenceClassifier.load()
    load_ms = (time.perf_counter() - t0) * 1000
    docs = articles(args.articles, args.sentences)
    chars = statistics.mean(len(s) for d in docs for s in d)
    model.predict_proba(docs[0])  # warm
    per_article: list[float] = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        for d in docs:
            model.predict_proba(d)
        per_article.append((time.perf_counter() - t) / len(docs) * 1000)
    best = min(per_article)
    print(f"model: {len(model.vocabulary)} features x {len(model.labels)} labels")
    print(f"load: {load_ms:.1f} ms")
    print(
        f"inference: {best:.2f} ms per article of {args.sentences} sentences "
        f"(mean sentence {chars:.0f} chars; best of {args.repeat} runs over "
        f"{len(docs)} articles; all runs: {', '.join(f'{x:.2f}' for x in per_article)} ms)"
    )
    print(f"throughput: {args.sentences / best * 1000:.0f} sentences/s on one core")


if __name__ == "__main__":
    main()
