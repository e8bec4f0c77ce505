"""Benchmark: geoparser start-up, memory and speed on the LGL corpus, one core.

    OPENBLAS_NUM_THREADS=1 taskset -c 0 .venv/bin/python bench/bench_geo.py [--build]

- load: opening the built gazetteer index and the geoparser (a fresh process),
  and that process's peak RSS;
- build (``--build``): building the index from scratch in a temporary folder;
- resolution alone: the corpus' gold spans, context from the gazetteer;
- recognition + resolution: ``Geoparser.parse`` on each article's spaCy
  parse (parsing itself is timed apart: it is the NLP stage's cost).

``--corpus`` names another LGL/GeoVirus-format file.  Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LGL = ROOT.parent / "shared/eval/lgl/lgl.xml"

_LOAD = """
import resource, time
t = time.perf_counter()
from eventlens.geo.geoparser import Geoparser
from eventlens.settings import Settings
g = Geoparser.from_settings(Settings())
g.resolve_spans("Gunmen attacked Kirkuk, Iraq.", [(16, 22)])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=LGL)
    ap.add_argument("--build", action="store_true", help="also time a build from scratch")
    args = ap.parse_args()

    from eventlens.geo.build import ensure_built
    from eventlens.settings import Settings

    settings = Settings()
    ensure_built(settings.cache_dir)  # so the load below measures a warm cache
    out = subprocess.run(
        [sys.executable, "-c", _LOAD], capture_output=True, text=True, check=True
    ).stdout.split()
    seconds, rss_mb = float(out[0]), int(out[1]) / 1024
    print(f"load (import + open + first resolve): {seconds:.3f} s, peak RSS {rss_mb:.0f} MB")
    if args.build:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            ensure_built(Path(tmp))
            print(f"build from scratch: {time.perf_counter() - t:.1f} s")

    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}; speed not measured")
        return 0
    from eventlens.evaluate.geo import read_corpus
    from eventlens.geo.geoparser import Geoparser

    geoparser = Geoparser.from_settings(settings)
    articles = read_corpus(args.corpus)
    spans = [[(t.start, t.end) for t in a.toponyms if t.lat is not None] for a in articles]
    n_spans = sum(len(s) for s in spans)
    t = time.perf_counter()
    for a, s in zip(articles, spans, strict=True):
        if s:
            geoparser.resolve_spans(a.text, s)
    dt = time.perf_counter() - t
    print(
        f"resolution alone ({len(articles)} documents, {n_spans} gold toponyms): "
        f"{dt:.2f} s, {len(articles) / dt:.0f} documents/s, {n_spans / dt:.0f} toponyms/s"
    )

    import spacy

    nlp = spacy.load(settings.spacy_model)
    t = time.perf_counter()
    docs = [nlp(a.text) for a in articles]
    dt_nlp = time.perf_counter() - t
    found = 0
    t = time.perf_counter()
    for a, d in zip(articles, docs, strict=True):
        found += len(geoparser.parse(a.text, d))
    dt = time.perf_counter() - t
    print(
        f"recognition + resolution ({len(articles)} documents, {found} toponyms found): "
        f"{dt:.2f} s, {len(articles) / dt:.0f} documents/s, {found / dt:.0f} toponyms/s"
    )
    print(
        f"spaCy parse ({settings.spacy_model}), for comparison: {dt_nlp:.1f} s, "
        f"{len(articles) / dt_nlp:.0f} documents/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
