"""What knowing an article's source place is worth, measured on LGL with an oracle.

LGL's articles come from local newspapers, but the corpus does not say where
each paper is.  This experiment stands in for that knowledge: each article's
source place is taken from its own gold annotations (the first-level region,
with its country, that most of its gold toponyms lie in) and given to the
geoparser as ``source``, as ``--source-place`` or a JSONL ``source_place``
would.  The figure is an upper bound for what a source place brings, not an
evaluation of the geoparser: the source is read from the answers.

    .venv/bin/python scripts/geo_source_oracle.py ../shared/eval/lgl/lgl.xml

Prints accuracy@161 km on the gold spans without and with the source place.
"""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from eventlens.evaluate.geo import ACCURACY_KM, read_corpus
from eventlens.geo.distance import haversine_km
from eventlens.geo.geoparser import Geoparser
from eventlens.settings import Settings


def gold_regions(path: Path) -> dict[str, str]:
    """Article id -> "Region, Country" most of its gold toponyms lie in."""
    out: dict[str, str] = {}
    for art in ET.parse(path).getroot().iter("article"):
        regions: Counter[str] = Counter()
        for tag in art.iter("gaztag"):
            admin1, country = tag.findtext("admin1"), tag.findtext("country")
            if admin1 and country:
                regions[f"{admin1}, {country}"] += 1
        if regions:
            out[art.get("docid") or ""] = regions.most_common(1)[0][0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    geoparser = Geoparser.from_settings(Settings())
    sources = gold_regions(args.corpus)
    hits = {"without": 0, "with": 0}
    n = 0
    for article in read_corpus(args.corpus):
        gold = [t for t in article.toponyms if t.lat is not None and t.lon is not None]
        if not gold:
            continue
        spans = [(t.start, t.end) for t in gold]
        n += len(gold)
        for label, source in (("without", None), ("with", sources.get(article.id))):
            places = geoparser.resolve_spans(article.text, spans, source=source)
            for t, p in zip(gold, places, strict=True):
                assert t.lat is not None and t.lon is not None
                if p.lat is not None and p.lon is not None:
                    hits[label] += haversine_km(t.lat, t.lon, p.lat, p.lon) < ACCURACY_KM
    print(f"gold toponyms {n}; articles with a gold region {len(sources)}")
    print(f"accuracy@161km without a source place: {hits['without'] / n:.3f}")
    print(f"accuracy@161km with the gold region as source place: {hits['with'] / n:.3f}")


if __name__ == "__main__":
    main()
