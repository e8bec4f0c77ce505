"""The patterns the geoparser reads around a name, compiled once from :class:`PlaceWords`.

The words are data (``data/geo/place_words.yaml``, ``never_places.txt``,
``not_places.txt``); the shapes of the phrases they stand in ("X province",
"the state of X", "in X", "Sheriff X") are here, used by the recogniser
(:mod:`eventlens.geo.recognize`) and the resolver's hints
(:mod:`eventlens.geo.hints`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventlens.geo.words import PlaceWords

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class PlacePatterns:
    """Word sets and compiled patterns; see ``place_words.yaml`` for what each word does."""

    # ----- recognition -----
    not_places: frozenset[str]
    """Name keys never proposed by the gazetteer alone (``not_places`` and ``never_places``)."""
    never_places: frozenset[str]
    never: re.Pattern[str] | None
    """Any of ``never_places`` in running text."""
    locatives: frozenset[str]
    weak_locatives: frozenset[str]
    connectors: frozenset[str]
    org_prepositions: frozenset[str]
    type_after: re.Pattern[str]
    type_word_end: re.Pattern[str]
    norp_type: re.Pattern[str]
    town_suffix: re.Pattern[str]
    qualifier: re.Pattern[str]
    title_name: re.Pattern[str]
    """A title and the capitalised name after it (group 1)."""
    resident_after: re.Pattern[str]
    over_before: re.Pattern[str]
    prefixed_name: re.Pattern[str]
    """A lower-case Arabic article joined to a name: "el-Fasher", "al-Bab"."""
    # ----- resolution hints -----
    after_admin: re.Pattern[str]
    after_city: re.Pattern[str]
    after_admin_list: re.Pattern[str]
    before_admin: re.Pattern[str]
    before_city: re.Pattern[str]
    trailing_admin: re.Pattern[str]
    trailing_city: re.Pattern[str]
    leading_admin: re.Pattern[str]
    leading_city: re.Pattern[str]
    abbreviations: tuple[tuple[re.Pattern[str], str], ...]
    """A trailing abbreviation ("Co.") and the type word it stands for ("County")."""
    capital_phrase: re.Pattern[str]
    """ "the Turkish capital", "Afghanistan's capital": group 1 names the country."""
    article: re.Pattern[str]
    """A leading article ("The Kenyan police")."""

    @classmethod
    def from_words(cls, words: PlaceWords) -> PlacePatterns:
        alt, w, t = words.alternation, words.words, words.types
        admin, city = alt(t("admin")), alt(t("city"))
        return cls(
            not_places=words.not_places | words.never_places,
            never_places=words.never_places,
            never=_never(words.never_places),
            locatives=frozenset(w("locatives")),
            weak_locatives=frozenset(w("weak_locatives")),
            connectors=frozenset(w("connectors")),
            org_prepositions=frozenset(w("org_place_prepositions")),
            type_after=re.compile(rf"\s+(?:{alt(t('after'))})\b", _I),
            type_word_end=re.compile(rf"\s+(?:{alt(t('end'))})\b.*$", _I),
            norp_type=re.compile(rf"\s+(?:{alt(t('norp'))})$", _I),
            town_suffix=re.compile(rf"\s+(?:{alt(w('town_suffixes'))})$"),
            qualifier=re.compile(rf"(?:{alt(w('qualifiers'))})\s+"),
            title_name=re.compile(rf"\b(?:{alt(w('titles'))})\.?\s+([A-Z][a-z][\w'’\-]+)\b"),
            resident_after=re.compile(rf"(?:['’]s)?\s+(?:{alt(w('resident_words'))})\b"),
            over_before=re.compile(rf"\b(?:{alt(w('over_words'))})\s+$"),
            prefixed_name=re.compile(
                rf"(?<![\w-])(?:{alt(w('name_prefixes'))})-[A-Z][\w'’]+(?:-[A-Z][\w'’]+)?"
            ),
            after_admin=re.compile(rf"^\s+(?:{admin})\b", _I),
            after_city=re.compile(rf"^\s+(?:{city})\b(?!\s+(?:{alt(w('not_town_hints'))}))", _I),
            after_admin_list=re.compile(
                r"^\s*(?:,|and|or|&)\s+(?:[A-Z][\w'’\-]*\s+){1,3}" rf"(?:{alt(t('list'))})\b"
            ),
            before_admin=re.compile(rf"\b(?:{admin})\s+of\s+(?:the\s+)?$", _I),
            before_city=re.compile(rf"\b(?:{city})\s+of\s+$", _I),
            trailing_admin=re.compile(rf"\s+(?:{admin})$", _I),
            trailing_city=re.compile(rf"\s+(?:{city})$", _I),
            leading_admin=re.compile(rf"^(?:the\s+)?(?:{admin})\s+of\s+(?:the\s+)?", _I),
            leading_city=re.compile(rf"^(?:the\s+)?(?:{city})\s+of\s+", _I),
            abbreviations=tuple(
                (re.compile(rf"\s+{re.escape(short)}\.?$"), full)
                for short, full in words.type_abbreviations.items()
            ),
            capital_phrase=re.compile(
                r"\b(?:the|The) ([A-Z][\w-]+(?: [A-Z][\w-]+)?)(?:'s)? "
                rf"(?:{alt(t('capital'))})\b"
            ),
            article=re.compile(rf"(?:{alt(w('articles'))})\s+"),
        )


def _never(keys: frozenset[str]) -> re.Pattern[str] | None:
    """Any of these name keys as words of a text (a space in a key: spaces or hyphens)."""
    if not keys:
        return None
    ordered = sorted(keys, key=lambda k: (-len(k), k))
    pattern = "|".join(re.escape(k).replace(r"\ ", r"[\s\-]+") for k in ordered)
    return re.compile(rf"\b(?:{pattern})\b", _I)
