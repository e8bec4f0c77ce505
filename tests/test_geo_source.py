"""Where an article comes from, as context for its places (stages/geo.py)."""

from __future__ import annotations

import pytest

from eventlens.geo.words import PlaceWords
from eventlens.model import Article
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings
from eventlens.stages.geo import GeoStage, url_country


@pytest.fixture(scope="module")
def stage() -> GeoStage:
    pipe = Pipeline(Settings(source_place="Ankara"))
    return next(c for c in pipe.components if isinstance(c, GeoStage))


@pytest.mark.parametrize(
    ("url", "iso3"),
    [
        ("https://www.hurriyet.com.tr/gundem/x", "TUR"),
        ("https://www.bbc.co.uk/news/world", "GBR"),  # .uk is not an ISO code
        ("https://www.spiegel.de/politik/", "DEU"),
        ("https://news.example.tv/a", None),  # sold worldwide
        ("https://example.io/a", None),
        ("https://www.example.com/a", None),
        ("https://europa.eu/a", None),  # not a country
        ("http://[::1/broken", None),
        (None, None),
    ],
)
def test_url_country(stage: GeoStage, url: str | None, iso3: str | None) -> None:
    assert url_country(url, stage.resources.gazetteer, PlaceWords.load().cctlds) == iso3


def test_source_prefers_the_article_then_the_settings_then_the_site(stage: GeoStage) -> None:
    own = Article(id="1", content="x", url="https://a.com.tr/", source_place="Izmir")
    assert stage.source(own) == ("Izmir", ())
    # the run's default reaches the geo stage on the article, where the clean stage put it
    clean = Pipeline(Settings(source_place="Ankara", pipeline=("eventlens.clean.v1",)))
    text = "Police said two men were arrested near the border on Monday after a long chase."
    cleaned = clean(Article(id="2", content=text, url="https://a.com.tr/")).article
    assert stage.source(cleaned) == ("Ankara", ())
    kept = clean(Article(id="2b", content=text, source_place="Izmir")).article
    assert kept.source_place == "Izmir"
    bare = Pipeline(Settings())
    geo = next(c for c in bare.components if isinstance(c, GeoStage))
    assert geo.source(Article(id="3", content="x", url="https://a.com.tr/")) == (None, ("TUR",))
    assert geo.source(Article(id="4", content="x")) == (None, ())


def test_the_article_source_place_reaches_event_locations() -> None:
    from eventlens import extract

    pipe = Pipeline(Settings())
    text = "Gunmen shot dead two police officers in Arlington on Monday, officials said."
    texas = extract(text, source_place="Fort Worth, Texas", pipeline=pipe)
    virginia = extract(text, source_place="Alexandria, Virginia", pipeline=pipe)
    assert texas and virginia
    assert texas[0].location is not None and texas[0].location.admin1 == "Texas"
    assert virginia[0].location is not None and virginia[0].location.admin1 == "Virginia"
