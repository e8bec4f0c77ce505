"""The resolver's scoring weights, hand-set (see :mod:`eventlens.geo.geoparser`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weights:
    """The resolver's scoring weights (see the geoparser's module docstring)."""

    population: float = 0.35
    """Per factor of ten in population."""
    feature: tuple[tuple[str, float], ...] = (
        ("country", 1.6),
        ("continent", 1.6),
        ("admin1", 1.1),
        ("region", 2.5),
        ("facility", 2.0),
        ("admin2", 0.2),
        ("city", 0.3),
        ("locality", 0.0),
    )
    capital: tuple[float, float, float, float] = (0.0, 1.2, 0.35, 0.1)
    """Bonus by ``Candidate.capital``: none, country capital, admin1 seat, admin2 seat."""
    match: tuple[float, float, float, float] = (0.0, -0.15, -1.3, -0.2)
    """Bonus by ``Candidate.match``: own name, alias, alternate name, abbreviation."""
    country_share: float = 2.2
    admin1_share: float = 2.5
    proximity: float = 4.0
    container: float = 3.0
    container_miss: float = -2.5
    hint: float = 1.5
    """For the feature a hint word asks for ("the state of X", "X province")."""
    seat_shadow: float = -0.9
    """For an admin region whose seat shares its name, read without a hint."""
    country_shadow: float = -1.0
    """For any other place named like a country ("Niger" the Nigerian state, "China" the town)."""
    big_alternate: float = 0.3
    """Per factor of ten above 10,000 people, taken off the alternate-name penalty
    (large cities' alternate names are often English exonyms: "Mecca", "Cologne")."""
    list_peer: float = 1.0
    """For a place of the kind the names listed with it are ("Manitoba, Ontario and
    New Brunswick": provinces of one country), times their share of that kind."""
    demonym_vote: float = 0.5
    hint_country_vote: float = 2.0
    admin2_share: float = 1.0
    temperature: float = 0.5
    passes: int = 4
    max_candidates: int = 400
    context_candidates: int = 60
    """Candidates per name kept for context (best priors first)."""
    prominent_population: int = 1_000_000
    """A capital, or a city at least this large, is only displaced by a qualifier
    in the mention or its own sentence (see :func:`eventlens.geo.context.keep_prominent`)."""
    prominent_km: float = 250.0
    """How near a same-sentence place must be to a smaller namesake to support it."""
    prominent_local: int | None = None
    """If set, this many places of other sentences in the namesake's first-level
    region and that near it also move a capital or big city (a local cluster).
    Off by default: only the mention or its own sentence does (issue 13)."""
    stray_km: float = 1000.0
    """A small place this far from all the text's other places, in none of their
    countries, is left unresolved (see :func:`eventlens.geo.context.stray`)."""
