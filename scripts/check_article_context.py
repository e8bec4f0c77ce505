"""What the coder's article-context rule drops, on a corpus of whole articles.

    .venv/bin/python scripts/check_article_context.py ../shared/corpora/wikinews/wikinews.jsonl

The rule (``src/eventlens/data/coder/article_context.yaml``, applied in
``eventlens.stages.code``) drops an unsure violent candidate with no named perpetrator
from an article whose other candidates the coder reads as accidents or disasters.  Its
figures were chosen on WikiNews (training text, never an evaluation set) with this
script: it prints every candidate the rule drops, with the article, so that a reader can
check that each is part of an accident or a disaster, then the totals.

Input: JSONL articles as ``eventlens extract`` reads them (``id``, ``text``, ``title``,
``published``, ...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eventlens.inputs import read_articles
from eventlens.pipeline import Pipeline

MARK = "the article reports"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("articles", type=Path, help="JSONL of articles (id, title, published, text)")
    args = ap.parse_args(argv)
    pipeline = Pipeline()
    n_articles = n_dropped = 0
    hit: set[str] = set()
    for result in pipeline.process(read_articles([str(args.articles)], "jsonl")):
        n_articles += 1
        if result.doc is None:
            continue
        art_id = result.doc.article.id
        for ev, why in result.doc.dropped:
            if MARK not in why:
                continue
            n_dropped += 1
            hit.add(art_id)
            snippet = " ".join(ev.evidence.text.split())[:90]
            print(f"{art_id[:70]}\t{ev.event_type}\t{ev.confidence:.2f}\t{snippet}")
    print(
        f"{n_articles} articles; the rule drops {n_dropped} candidates in {len(hit)} articles",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
