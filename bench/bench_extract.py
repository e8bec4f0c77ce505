"""Benchmark: extraction speed, start-up time and peak memory, in one process.

    .venv/bin/python bench/bench_extract.py [--n 600] [--data PATH]

Articles: the synthetic stories in ../shared/train (zip, 4,500 stories) when
present, else the bundled samples.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZIP = ROOT.parent / "shared/train/ngec-synthetic/gpt_synthetic_events_2023-10-19_19.csv.zip"
SAMPLES = ROOT / "src/eventlens/samples/synthetic.jsonl"


def load_texts(n: int, data: Path | None) -> list[str]:
    path = data or (ZIP if ZIP.exists() else SAMPLES)
    texts: list[str] = []
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            name = z.namelist()[0]
            rows = csv.DictReader(io.TextIOWrapper(z.open(name), encoding="utf-8"))
            texts = [r["text"] for r in rows]
    else:
        texts = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line]
    while len(texts) < n:
        texts = texts + texts
    return texts[:n]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--data", type=Path)
    args = ap.parse_args()
    texts = load_texts(args.n, args.data)

    # Start-up: a fresh interpreter running the CLI on one short article.
    sample = "Police arrested five protesters in Nairobi on Monday."
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "eventlens.cli", "extract", "-", "--format", "jsonl"],
        input=sample.encode(),
        check=True,
        capture_output=True,
    )
    cli_first = time.perf_counter() - t0

    t0 = time.perf_counter()
    from eventlens.model import Article
    from eventlens.pipeline import Pipeline

    pipe = Pipeline()
    pipe.warm_up()
    pipe(Article(id="warm", content=sample))
    startup = time.perf_counter() - t0

    chars = sum(len(t) for t in texts)
    events = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for i, text in enumerate(texts):
        doc = pipe(Article(id=f"a{i}", content=text))
        events += len(doc.events)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"articles:               {len(texts)} ({chars / len(texts):.0f} chars on average)")
    print(f"events:                 {events}")
    print(f"throughput:             {len(texts) / elapsed:.1f} articles/s (one process, one core)")
    print(f"throughput (CPU time):  {len(texts) / cpu:.1f} articles/s (steadier on a busy machine)")
    print(f"start-up (in process):  {startup:.2f} s (load models + first article)")
    print(f"start-up (CLI, cold):   {cli_first:.2f} s (new interpreter, one short article)")
    print(f"peak RSS:               {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
