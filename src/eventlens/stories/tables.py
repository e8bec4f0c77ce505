"""The tables of story clustering (``data/dedup``), parsed once per :class:`Knowledge`.

:class:`StoryTables` is the ``stories`` section of
:class:`eventlens.knowledge.Knowledge`; it reads its files only through
:mod:`eventlens.knowledge.loader`.  The trigger words left out of the
compared sentences come from the ``lexicon`` section, the named groups and
sector labels from ``actor_tables`` (:meth:`GroupNames.of`,
:meth:`GenericActors.with_labels`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from eventlens.knowledge import loader
from eventlens.stories.text import alternation, norm, stem

if TYPE_CHECKING:
    from eventlens.actors import ActorTables


@dataclass(frozen=True, slots=True)
class GenericActors:
    """Words and names of actors that name nobody in particular
    (``data/dedup/generic_actors.tsv``, and with :meth:`with_labels` the
    sector labels of ``actors.yaml``)."""

    nouns: frozenset[str]
    skip: frozenset[str]
    classes: frozenset[str]

    def with_labels(self, actors: ActorTables) -> GenericActors:
        """These, with the sector labels ("civilians", "rebels") as classes."""
        labels = {norm(str(v)) for v in actors.sector_labels.values()}
        return GenericActors(self.nouns, self.skip, self.classes | labels)


@dataclass(frozen=True, slots=True)
class Idf:
    """Document frequencies of general news (``data/dedup/idf.tsv``)."""

    documents: int
    df: Mapping[str, int]

    def weight(self, term: str) -> float:
        """Inverse document frequency; a word the table lacks is rare (the top weight)."""
        return math.log((self.documents + 1) / (self.df.get(term, 0) + 1)) + 1.0


@dataclass(frozen=True, slots=True)
class GenericRules:
    """What makes an event too generic to seed or join a story
    (``data/dedup/generic_events.yaml``)."""

    quoted_types: frozenset[str]
    first_person: frozenset[str]
    sports_types: frozenset[str]
    sports_words: frozenset[str]
    sports_min: int
    quotes: str


@dataclass(frozen=True, slots=True)
class GroupNames:
    """The named groups of ``actors.yaml`` and their aliases."""

    names: Mapping[str, str]
    """alias (lower case, or as written for exact-case aliases) -> canonical name"""
    ci: re.Pattern[str] | None
    cs: re.Pattern[str] | None

    @classmethod
    def of(cls, actors: ActorTables) -> GroupNames:
        names: dict[str, str] = {}
        ci: list[str] = []
        cs: list[str] = []
        for group in actors.groups:
            for alias in group.aliases:
                if alias in actors.exact_case:
                    names[alias] = group.name
                    cs.append(alias)
                else:
                    names[alias.lower()] = group.name
                    ci.append(alias)
        return cls(MappingProxyType(names), alternation(ci, re.IGNORECASE), alternation(cs, 0))


def _rows(name: str) -> list[tuple[str, str]]:
    """(first column, the rest of the line) of each row of a TSV file."""
    return [(row[0], "\t".join(row[1:])) for row in loader.tsv_rows(name)]


def _sector_groups() -> MappingProxyType[str, str]:
    out: dict[str, str] = {}
    for group, sectors in _rows("dedup/sector_groups.tsv"):
        for code in sectors.split():
            out[code] = group
    return MappingProxyType(out)


def _generic_actors() -> GenericActors:
    table: dict[str, set[str]] = defaultdict(set)
    for kind, words in _rows("dedup/generic_actors.tsv"):
        if kind == "class":
            table[kind].add(norm(words))
        else:
            table[kind].update(w.casefold() for w in words.split())
    return GenericActors(
        frozenset(table["noun"]), frozenset(table["skip"]), frozenset(table["class"])
    )


def _stopwords() -> frozenset[str]:
    text = loader.read_text("dedup/stopwords.txt")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _idf() -> Idf:
    n = 0
    df: dict[str, int] = {}
    for line in loader.read_text("dedup/idf.tsv").splitlines():
        if not line or line.startswith("#"):
            continue
        word, _, count = line.partition("\t")
        if word == "documents":
            n = int(count)
        else:
            df[word] = int(count)
    return Idf(max(n, 1), MappingProxyType(df))


def _generic_rules() -> GenericRules:
    d = loader.load_yaml("dedup/generic_events.yaml") or {}
    return GenericRules(
        frozenset(d.get("quoted_types") or ()),
        frozenset(str(w).casefold() for w in d.get("first_person") or ()),
        frozenset(d.get("sports_types") or ()),
        frozenset(stem(str(w).lower()) for w in d.get("sports_words") or ()),
        int(d.get("sports_min", 2)),
        str(d.get("quotes") or '"'),
    )


@dataclass(frozen=True, slots=True)
class StoryTables:
    """The tables of ``data/dedup`` story clustering reads: sector groups,
    generic actors, stopwords, document frequencies and generic-event rules."""

    sector_groups: Mapping[str, str]
    """Sector code -> group name (``data/dedup/sector_groups.tsv``)."""
    generic_actors: GenericActors
    """Without the sector labels of actors.yaml (:meth:`GenericActors.with_labels`)."""
    stopwords: frozenset[str]
    """Words ignored when comparing evidence (``data/dedup/stopwords.txt``)."""
    idf: Idf
    generic_rules: GenericRules

    @classmethod
    def load(cls) -> StoryTables:
        return cls(
            sector_groups=_sector_groups(),
            generic_actors=_generic_actors(),
            stopwords=_stopwords(),
            idf=_idf(),
            generic_rules=_generic_rules(),
        )
