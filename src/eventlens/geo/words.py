"""The geoparser's words: which words are (not) places, and the words around a place name.

:class:`PlaceWords` is the ``places`` section of :class:`eventlens.knowledge.Knowledge`,
read from ``data/geo`` through :mod:`eventlens.knowledge.loader`:

- ``not_places.txt``: capitalised words that are gazetteer names but in news
  almost never name a place (never proposed by the gazetteer alone);
- ``never_places.txt``: names that are places in the gazetteer but in news
  mean something else (dropped whatever spaCy says, unless a container follows);
- ``place_words.yaml``: the place-type words ("province", "town") and their
  uses, and the word lists the recogniser and the resolver read around a name;
- ``cctlds.tsv``: top-level domains that do not say where a site is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eventlens.errors import ResourceError
from eventlens.geo.names import name_key
from eventlens.knowledge.loader import load_yaml, read_text, tsv_rows

WORDS_FILE = "geo/place_words.yaml"

TYPE_USES = frozenset({"admin", "city", "list", "after", "norp", "end", "capital"})
"""The uses a place-type word may have (see ``place_words.yaml``)."""

WORD_LISTS = (
    "not_town_hints",
    "locatives",
    "weak_locatives",
    "over_words",
    "resident_words",
    "connectors",
    "qualifiers",
    "town_suffixes",
    "titles",
    "org_place_prepositions",
    "articles",
    "elsewhere_before",
    "border_after",
    "report_heads",
    "event_nouns",
    "actor_verbs",
    "name_prefixes",
)
"""The plain word lists of ``place_words.yaml``."""


@dataclass(frozen=True)
class PlaceWords:
    """Words that are or are not places, and the words read around a place name."""

    not_places: frozenset[str]
    """Name keys never proposed by the gazetteer alone."""
    never_places: frozenset[str]
    """Name keys dropped whatever spaCy says, unless a container follows."""
    place_types: Mapping[str, frozenset[str]]
    """Place-type word -> its uses (see :data:`TYPE_USES`)."""
    lists: Mapping[str, tuple[str, ...]]
    """The word lists of :data:`WORD_LISTS`, by name."""
    type_abbreviations: Mapping[str, str]
    """Abbreviation of a place-type word -> the word ("Co" -> "County")."""
    cctlds: Mapping[str, str | None]
    """Top-level domain -> ISO 3166-1 alpha-2 code (None: says nothing of the country)."""

    @classmethod
    def load(cls) -> PlaceWords:
        raw = load_yaml(WORDS_FILE)
        if not isinstance(raw, dict):
            raise ResourceError(f"data file {WORDS_FILE} is not a mapping")
        types = {
            _word(word, "place_types"): frozenset(_strings(uses, f"place_types.{word}"))
            for word, uses in _mapping(raw, "place_types").items()
        }
        for word, uses in types.items():
            if not uses <= TYPE_USES:
                raise ResourceError(
                    f"data file {WORDS_FILE}: {word} has unknown uses {sorted(uses - TYPE_USES)}"
                )
        return cls(
            not_places=_name_keys("geo/not_places.txt"),
            never_places=_name_keys("geo/never_places.txt"),
            place_types=types,
            lists={name: tuple(_strings(raw.get(name), name)) for name in WORD_LISTS},
            type_abbreviations={
                _word(k, "type_abbreviations"): _word(v, "type_abbreviations")
                for k, v in _mapping(raw, "type_abbreviations").items()
            },
            cctlds=_cctlds(),
        )

    def types(self, use: str) -> tuple[str, ...]:
        """The place-type words with this use, in file order."""
        return tuple(w for w, uses in self.place_types.items() if use in uses)

    def words(self, name: str) -> tuple[str, ...]:
        """One of the plain word lists (:data:`WORD_LISTS`)."""
        return self.lists[name]

    def alternation(self, words: Iterable[str]) -> str:
        """A regular-expression alternation of ``words`` (escaped, longest first)."""
        return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _name_keys(name: str) -> frozenset[str]:
    """The name keys of a one-per-line list (``#`` comment lines and blank lines skipped)."""
    return frozenset(
        name_key(line)
        for line in read_text(name).splitlines()
        if line.strip() and not line.startswith("#")
    )


def _cctlds() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for row in tsv_rows("geo/cctlds.tsv"):
        tld, code = [*row, ""][:2]
        out[tld.strip().lower()] = code.strip().upper() or None
    return out


def _mapping(raw: dict[str, Any], key: str) -> dict[Any, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise ResourceError(f"data file {WORDS_FILE}: {key} is not a mapping")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise ResourceError(f"data file {WORDS_FILE}: {where} is not a list")
    return [_word(v, where) for v in value]


def _word(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ResourceError(f"data file {WORDS_FILE}: {where} holds {value!r}, not a word")
    return value
