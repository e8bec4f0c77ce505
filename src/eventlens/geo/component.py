"""The geoparsing stage: ``Document.places`` from the clean text and its spaCy parse."""

from __future__ import annotations

from dataclasses import replace

from eventlens.model import Document
from eventlens.pipeline import Resources
from eventlens.settings import Settings


class GeoStage:
    name = "eventlens.geo.v1"
    requires: tuple[str, ...] = ("text", "nlp")
    provides: tuple[str, ...] = ("places",)

    def __init__(self, settings: Settings, resources: Resources) -> None:
        self.settings = settings
        self.resources = resources

    def warm_up(self) -> None:
        _ = self.resources.geoparser

    def __call__(self, doc: Document) -> Document:
        places = self.resources.geoparser.parse(doc.text, doc.nlp)
        return replace(doc, places=tuple(places))


def make_geo(settings: Settings, resources: Resources) -> GeoStage:
    return GeoStage(settings, resources)
