"""Regenerate the bundled WikiNews sample in ``src/eventlens/samples/``.

    .venv/bin/python scripts/make_wikinews_sample.py \\
        --data ../shared/corpora/wikinews/wikinews.jsonl

Writes ``wikinews.jsonl`` (one article a line: ``id, corpus_id, title, text,
url, published, source, license``) and ``WIKINEWS.md`` (each article's title,
URL and licence).  Chosen: every article the corpus marks
``violence_crime_protest_disaster`` (a keyword guess) and every
``EVERY``-th of the others in id order, so the demo also shows what the
coder leaves alone; only articles whose licence allows bundling with
attribution (CC BY 2.5, CC BY 4.0, public domain).  The output is the same
every run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventlens" / "samples"
EVERY = 8
SOURCE = "Wikinews"
# Licences that allow bundling with attribution, by how the corpus names them.
ALLOWED = ("CC BY 2.5", "CC BY 4.0", "Public domain")


def licence(raw: str) -> str | None:
    """The licence an article may be bundled under, or None."""
    if raw.startswith("CC BY 4.0"):
        return "CC BY 4.0 (MEANTIME corpus; Wikinews text CC BY 2.5)"
    if raw.startswith("CC BY 2.5"):
        return "CC BY 2.5"
    if raw.startswith("Public domain"):
        return "Public domain (Wikinews, before 25 September 2005)"
    return None


def pick(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    ok = [r for r in rows if licence(str(r.get("license", ""))) and r.get("text")]
    ok.sort(key=lambda r: str(r["id"]))
    violent = [r for r in ok if r.get("violence_crime_protest_disaster")]
    others = [r for r in ok if not r.get("violence_crime_protest_disaster")]
    return sorted(violent + others[::EVERY], key=lambda r: str(r["id"]))


def short_id(r: dict[str, Any]) -> str:
    """A stable id under the store's 64 characters: a hash of the corpus id."""
    return "wikinews-" + hashlib.sha1(str(r["id"]).encode()).hexdigest()[:12]


def record(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": short_id(r),
        "corpus_id": r["id"],
        "title": r["title"],
        "text": r["text"],
        "url": r["url"],
        "published": r.get("published"),
        "source": SOURCE,
        "license": licence(str(r["license"])),
    }


def readme(items: Sequence[dict[str, Any]]) -> str:
    lines = [
        "# `wikinews.jsonl` — real news from Wikinews",
        "",
        f"{len(items)} English Wikinews articles (2004–2020), bundled with attribution under",
        "their licences: the articles the corpus guessed to be about attacks, crime,",
        "protests and disasters, and one in eight of the others (politics, business,",
        "science, sport), so the demo also shows articles with no event to code.",
        "Regenerate with `scripts/make_wikinews_sample.py`.",
        "",
        "Wikinews text is © its contributors, licensed",
        "[CC BY 2.5](https://creativecommons.org/licenses/by/2.5/) (articles before",
        "25 September 2005 are in the public domain). Articles taken from the MEANTIME",
        "corpus (FBK, VU Amsterdam, EHU) are distributed under",
        "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/). Text was cleaned of",
        "wiki markup and the articles' source lists by the corpora it came through;",
        "nothing else was changed.",
        "",
        "| id | corpus id | title | published | licence | URL |",
        "|---|---|---|---|---|---|",
    ]
    for it in items:
        title = str(it["title"]).replace("|", "\\|")
        cells = (it["id"], it["corpus_id"], title, it["published"] or "", it["license"], it["url"])
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="wikinews.jsonl of ../shared")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    try:
        rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    except (OSError, json.JSONDecodeError) as e:
        print(f"make_wikinews_sample: cannot read {args.data}: {e}", file=sys.stderr)
        return 2
    items = [record(r) for r in pick(rows)]
    with (args.out / "wikinews.jsonl").open("w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    (args.out / "WIKINEWS.md").write_text(readme(items), encoding="utf-8")
    print(f"wrote {len(items)} articles to {args.out / 'wikinews.jsonl'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
