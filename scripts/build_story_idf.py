"""Build ``src/eventlens/data/dedup/idf.tsv``: document frequencies for story text similarity.

    .venv/bin/python scripts/build_story_idf.py [--shared ../shared]

Counts, for every content word (as :func:`eventlens.stories.text.terms` sees it, with
the stopwords of ``data/dedup/stopwords.txt``), in how many documents of two general
news corpora it occurs:

- the NGEC synthetic news stories (``train/ngec-synthetic``: 4,500 texts
  written by a language model, MIT, ahalterman/NGEC-2025);
- the WikiNews sample (``corpora/wikinews/wikinews.jsonl``: 465 real
  articles, CC BY 2.5 / CC BY 4.0 / public domain, per article).

Only words in at least ``--min-df`` documents are kept (rarer words take the
highest weight anyway).  No evaluation set (ECB+, realnews-dev, the seed) is
read.  The table holds word counts, not text.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

from eventlens.knowledge import Knowledge
from eventlens.stories.text import terms

ROOT = Path(__file__).resolve().parent.parent


def texts(shared: Path) -> list[str]:
    out: list[str] = []
    z = zipfile.ZipFile(shared / "train/ngec-synthetic/gpt_synthetic_events_2023-10-19_19.csv.zip")
    with z.open(z.namelist()[0]) as f:
        out += [r["text"] for r in csv.DictReader(io.TextIOWrapper(f, "utf-8")) if r.get("text")]
    with (shared / "corpora/wikinews/wikinews.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            out.append(f"{row.get('title') or ''}\n{row.get('text') or ''}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "src/eventlens/data/dedup/idf.tsv")
    args = ap.parse_args()
    docs = texts(args.shared)
    stopwords = Knowledge().stories.stopwords
    df: Counter[str] = Counter()
    for t in docs:
        df.update(set(terms(t, stopwords)))
    lines = [
        "# Document frequencies of content words for story text similarity",
        "# (scripts/build_story_idf.py; NGEC synthetic stories, MIT, and WikiNews, CC BY 2.5/4.0).",
        f"documents\t{len(docs)}",
    ]
    lines += [
        f"{w}\t{n}" for w, n in sorted(df.items(), key=lambda x: (-x[1], x[0])) if n >= args.min_df
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(lines) - 3} words from {len(docs)} documents")


if __name__ == "__main__":
    main()
