"""Actor resolution: an actor's noun phrase to canonical name, country and sector.

Driven by ``data/actors.yaml``: named groups (aliases -> canonical name,
PLOVER sector, country) and sector keywords for generic actors.  Countries
come from demonyms and country names in the phrase (through the gazetteer)
and from places named inside it ("Istanbul Security Directorate").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from eventlens.lexicon import load_yaml
from eventlens.model import Actor, Document
from eventlens.syntax import Token, char_span, phrase_tokens

log = logging.getLogger(__name__)

CountryCode = Callable[[str], "str | None"]
CountryName = Callable[[str], "str | None"]

PRONOUNS = frozenset(
    {
        "he",
        "she",
        "they",
        "him",
        "her",
        "them",
        "it",
        "who",
        "whom",
        "we",
        "i",
        "you",
        "his",
        "their",
        "its",
    }
)


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    sector: str | None
    country: str | None


class ActorResolver:
    """Resolves actor phrases; built once per pipeline from package data."""

    def __init__(
        self,
        data: dict[str, Any],
        country_code: CountryCode,
        country_name: CountryName,
    ) -> None:
        self.country_code = country_code
        self.country_name = country_name
        groups: dict[str, Group] = {}
        exact = set(data.get("exact_case", []))
        ci_aliases: list[str] = []
        cs_aliases: list[str] = []
        for name, spec in data["groups"].items():
            g = Group(name, spec.get("sector"), spec.get("country"))
            for alias in spec["aliases"]:
                if alias in exact:
                    groups[alias] = g
                    cs_aliases.append(alias)
                else:
                    groups[alias.lower()] = g
                    ci_aliases.append(alias)
        self._groups = MappingProxyType(groups)
        self._ci = _alternation(ci_aliases, re.IGNORECASE)
        self._cs = _alternation(cs_aliases, 0) if cs_aliases else None
        sectors: dict[str, str] = {}
        for sector, words in data["sectors"].items():
            for w in words:
                sectors[str(w).lower()] = sector
        self._sectors = MappingProxyType(sectors)
        self._sector_re = _alternation(list(sectors), re.IGNORECASE)
        self.state_sectors = frozenset(data.get("state_sectors", ()))
        self.foreign_missions = frozenset(data.get("foreign_missions", ()))
        self.forces_sectors = frozenset(data.get("forces_sectors", ()))
        self.role_sector = MappingProxyType(
            {k: MappingProxyType(v) for k, v in (data.get("role_sector") or {}).items()}
        )
        self.sector_labels = MappingProxyType(dict(data.get("sector_labels", {})))

    @classmethod
    def load(cls, country_code: CountryCode, country_name: CountryName) -> ActorResolver:
        return cls(load_yaml("actors.yaml"), country_code, country_name)

    # -- lookups on plain text -------------------------------------------------------

    def group_in(self, text: str) -> Group | None:
        """The first named group mentioned in ``text``."""
        hits: list[tuple[int, Group]] = []
        m = self._ci.search(text)
        if m:
            hits.append((m.start(), self._groups[m.group(0).lower()]))
        if self._cs is not None:
            m2 = self._cs.search(text)
            if m2:
                hits.append((m2.start(), self._groups[m2.group(0)]))
        return min(hits, key=lambda h: h[0])[1] if hits else None

    def sector_in(self, text: str, head: str | None = None) -> str | None:
        """The sector of a generic actor phrase: its head word first, then the
        longest keyword phrase in it."""
        if head is not None and head.lower() in self._sectors:
            return self._sectors[head.lower()]
        best: tuple[int, str] | None = None
        for m in self._sector_re.finditer(text):
            key = m.group(0).lower()
            if best is None or len(key) > best[0]:
                best = (len(key), self._sectors[key])
        return best[1] if best else None

    def label(self, sector: str | None, country: str | None) -> str | None:
        """A readable canonical name for a generic actor: "Turkey police"."""
        if sector is None:
            return None
        label = self.sector_labels.get(sector, sector)
        cname = self.country_name(country) if country else None
        return f"{cname} {label}" if cname else label

    def with_role(self, actor: Actor, event_key: str) -> Actor:
        """Adjust a generic actor's sector for its role ("authorities" arresting -> COP)."""
        table = self.role_sector.get(event_key)
        if not table or actor.sector not in table:
            return actor
        from dataclasses import replace

        sector = table[actor.sector]
        name = self.label(sector, actor.country) if self._generic(actor) else actor.name
        return replace(actor, sector=sector, name=name)

    def _generic(self, actor: Actor) -> bool:
        return actor.name is None or actor.name == self.label(actor.sector, actor.country)

    # -- resolution of a parsed phrase ------------------------------------------------

    def resolve(self, head: Token, doc: Document, exclude: frozenset[int] = frozenset()) -> Actor:
        toks = phrase_tokens(head, exclude=exclude)
        start, end = char_span(toks)
        text = doc.text[start:end]
        if head.lower_ in PRONOUNS:
            return Actor(text=text, start=start, end=end)
        # look a little further than the displayed phrase for group names
        # ("two suspects belonging to the ISIS organization")
        banned = {x.i for e in exclude if e != head.i for x in head.doc[e].subtree}
        sub = [t for t in head.subtree if t.i not in banned][:30] or [head]
        wide = doc.text[min(t.idx for t in sub) : max(t.idx + len(t) for t in sub)]
        group = self.group_in(text) or self.group_in(wide)
        person = head.ent_type_ == "PERSON"
        sector = group.sector if group else self.sector_in(text, head.lower_)
        if sector is None and not person:
            sector = self.sector_in(wide, None) if len(sub) <= 12 else None
        country = self._country(toks, doc, start, end) or (group.country if group else None)
        if country is None and sector in self.state_sectors:
            country = self.place_country(doc, start, end)
        if group:
            name: str | None = group.name
        elif person:
            name = " ".join(t.text for t in toks if t.ent_type_ == "PERSON") or None
        else:
            name = self.label(sector, country)
        return Actor(text=text, start=start, end=end, name=name, country=country, sector=sector)

    def _country(self, toks: list[Token], doc: Document, start: int, end: int) -> str | None:
        for t in toks:
            if (
                t.ent_type_ in ("NORP", "GPE")
                or (t.pos_ == "ADJ" and t.text[:1].isupper())
                or (t.pos_ == "PROPN")
            ):
                code = self.country_code(t.text)
                if code:
                    return code
        for ent_start, ent_end in _entities(toks):
            code = self.country_code(doc.text[ent_start:ent_end])
            if code:
                return code
        return None

    def place_country(self, doc: Document, start: int, end: int) -> str | None:
        """The country of a place named inside the phrase: "Istanbul Security
        Directorate" is Turkish.  Only for state bodies; a place in a
        non-state actor's phrase says where it was, not whose it is."""
        for p in doc.places:
            if p.start >= start and p.end <= end and p.country:
                return p.country
        return None


def _entities(toks: list[Token]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    seen: set[int] = set()
    for t in toks:
        if t.ent_iob_ == "B" and t.ent_type_ in ("NORP", "GPE") and t.i not in seen:
            ent = next((e for e in t.doc.ents if e.start == t.i), None)
            if ent is not None:
                out.append((ent.start_char, ent.end_char))
                seen.update(range(ent.start, ent.end))
    return out


def _alternation(words: list[str], flags: int) -> re.Pattern[str]:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)
