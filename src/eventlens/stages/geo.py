"""The geoparsing stage: ``Document.places`` from the clean text and its spaCy parse.

Where the article comes from informs resolution ("Arlington" in a Fort Worth
paper is Arlington, Texas): the article's ``source_place``, else the run's
``Settings.source_place``, else the country of the site's two-letter top-level
domain (``.tr``, ``.co.uk``; not the ones sold worldwide, listed in
``data/geo/cctlds.tsv``, read into the ``places`` section of the knowledge).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from eventlens.geo.gazetteer import Gazetteer
from eventlens.model import Article, Document
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage


def url_country(
    url: str | None, gazetteer: Gazetteer, cctlds: Mapping[str, str | None]
) -> str | None:
    """ISO3 code of the country a site's two-letter top-level domain names, or None.

    ``cctlds`` maps the domains that do not name their ISO 3166-1 country
    (:attr:`eventlens.geo.words.PlaceWords.cctlds`)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    tld = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or not tld.isalpha():
        return None
    code = cctlds.get(tld, tld.upper())
    return gazetteer.iso3(code) if code else None


class GeoStage(Stage):
    name = "eventlens.geo.v1"
    requires: tuple[str, ...] = ("text", "nlp")
    provides: tuple[str, ...] = ("places",)

    def __init__(self, settings: Settings, resources: Resources) -> None:
        super().__init__(settings, resources)
        self.cctlds = resources.knowledge.places.cctlds

    def warm_up(self) -> None:
        _ = self.resources.geoparser

    def source(self, article: Article) -> tuple[str | None, tuple[str, ...]]:
        """Where ``article`` comes from: a place name, else the ISO3 code of its site's country."""
        place = article.source_place  # the run's default is applied by clean
        if place:
            return place, ()
        iso3 = url_country(article.url, self.resources.gazetteer, self.cctlds)
        return None, (iso3,) if iso3 else ()

    def __call__(self, doc: Document) -> Document:
        place, countries = self.source(doc.article)
        places = self.resources.geoparser.parse(
            doc.text, doc.nlp, countries=countries, source=place
        )
        return replace(doc, places=tuple(places))


def make_geo(settings: Settings, resources: Resources) -> GeoStage:
    return GeoStage(settings, resources)
