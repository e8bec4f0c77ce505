"""What the coder's article-context rule drops, on a corpus of whole articles.

    .venv/bin/python scripts/check_article_context.py ../shared/corpora/wikinews/wikinews.jsonl

The rule (``src/eventlens/data/coder/article_context.yaml``, applied in
``eventlens.stages.code``) drops an unsure violent candidate with no named perpetrator
from an article whose other candidates the coder reads as accidents or disasters.  Its
figures were chosen on WikiNews (training text, never an evaluation set) with this
script: it prints every candidate the rule drops, with the article, so that a reader can
check that each is part of an accident or a disaster, then the totals.

Input: JSONL with ``id``, ``text`` and optional ``title`` and ``published`` (ISO date).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from eventlens.model import Article
from eventlens.pipeline import Pipeline

MARK = "the article reports"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("articles", type=Path, help="JSONL of articles (id, title, published, text)")
    args = ap.parse_args(argv)
    pipeline = Pipeline()
    n_articles = n_dropped = 0
    hit: set[str] = set()
    with args.articles.open(encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            pub = a.get("published")
            text = f"{a['title']}\n\n{a['text']}" if a.get("title") else a["text"]
            art = Article(
                id=str(a["id"]),
                content=text,
                published=date.fromisoformat(pub[:10]) if pub else None,
            )
            result = pipeline.run(art)
            n_articles += 1
            if result.doc is None:
                continue
            for ev, why in result.doc.dropped:
                if MARK not in why:
                    continue
                n_dropped += 1
                hit.add(art.id)
                snippet = " ".join(ev.evidence.text.split())[:90]
                print(f"{art.id[:70]}\t{ev.event_type}\t{ev.confidence:.2f}\t{snippet}")
    print(
        f"{n_articles} articles; the rule drops {n_dropped} candidates in {len(hit)} articles",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
