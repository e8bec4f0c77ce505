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
from dataclasses import dataclass, replace
from types import MappingProxyType

from eventlens.actor_tables import ActorTables, ActorWords, GroupSpec, MediaWords
from eventlens.model import Actor, Document
from eventlens.syntax import Token, char_span, phrase_tokens

log = logging.getLogger(__name__)

__all__ = [
    "ActorResolver",
    "ActorTables",
    "ActorWords",
    "GroupSpec",
    "MediaWords",
    "clean_span",
]

CountryCode = Callable[[str], "str | None"]
CountryName = Callable[[str], "str | None"]


MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss"})
# parts of a phrase that describe the actor rather than name it ("wearing military uniforms")
DESCRIPTIVE_DEPS = frozenset({"acl", "relcl", "appos", "advcl"})


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    sector: str | None
    country: str | None


class ActorResolver:
    """Resolves actor phrases; built once per pipeline from the actor tables and
    word lists of :class:`eventlens.knowledge.Knowledge` and the gazetteer's
    country lookups."""

    def __init__(
        self,
        tables: ActorTables,
        words: ActorWords,
        media: MediaWords,
        country_code: CountryCode,
        country_name: CountryName,
    ) -> None:
        self.words = words
        self.media = media
        self.country_code = country_code
        self.country_name = country_name
        groups: dict[str, Group] = {}
        exact = set(tables.exact_case) | tables.armed_exact_case
        ci_aliases: list[str] = []
        cs_aliases: list[str] = []
        all_groups = {g.name: g for g in tables.armed_groups}
        all_groups.update((g.name, g) for g in tables.groups)
        for spec in all_groups.values():
            g = Group(spec.name, spec.sector, spec.country)
            for alias in spec.aliases:
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
        for sector, keywords in tables.sectors:
            for w in keywords:
                sectors[w] = sector
        self._sectors = MappingProxyType(sectors)
        self._sector_re = _alternation(list(sectors), re.IGNORECASE)
        self.state_sectors = tables.state_sectors
        self.foreign_missions = tables.foreign_missions
        self.forces_sectors = tables.forces_sectors
        self.role_sector = tables.role_sector
        self.sector_labels = tables.sector_labels

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
        low = text.lower()
        masked = False
        for phrase in self.words.not_sector:
            if phrase in low:
                low = low.replace(phrase, " " * len(phrase))
                masked = True
        best: tuple[int, str] | None = None
        ending: tuple[int, str] | None = None
        h = head.lower() if head is not None else None
        for m in self._sector_re.finditer(low):
            key = m.group(0).lower()
            if best is None or len(key) > best[0]:
                best = (len(key), self._sectors[key])
            ends_in_head = h is not None and key != h and key.endswith(" " + h)
            if ends_in_head and (ending is None or len(key) > ending[0]):
                ending = (len(key), self._sectors[key])
        if ending is not None:
            return ending[1]  # "armed men", "aid workers": the phrase ending in the head
        if (
            h is not None
            and h in self._sectors
            and (not masked or re.search(rf"(?<![\w-]){re.escape(h)}(?![\w-])", low))
        ):
            return self._sectors[h]
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
        table = self.role_sector.get(event_key) or self.role_sector.get(event_key.split("/")[0])
        if not table or actor.sector is None or actor.sector not in table:
            return actor
        sector = table[actor.sector]
        name = self.label(sector, actor.country) if self._generic(actor) else actor.name
        return replace(actor, sector=sector, name=name)

    def _generic(self, actor: Actor) -> bool:
        return actor.name is None or actor.name == self.label(actor.sector, actor.country)

    # -- resolution of a parsed phrase ------------------------------------------------

    def actor_head(
        self, tok: Token, recipient: bool = False
    ) -> tuple[Token | None, list[Token] | None, str | None]:
        """What stands for the actor in a phrase headed by ``tok``: (head, tokens to
        show or None for the head's phrase, sector the phrase implies).

        "dozens of the wounded" -> "the wounded"; "U.S.-led coalition aircraft" ->
        "U.S.-led coalition" (military, from the aircraft); "the video", "the war",
        a bare number -> nothing."""
        aw = self.words
        for _ in range(4):
            if tok.lower_ not in aw.quantity_heads and not tok.like_num and tok.pos_ != "NUM":
                break
            of = [
                p
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for p in c.children
                if p.dep_ == "pobj"
            ]
            if of:
                tok = of[0]
                continue
            if tok.lower_ in aw.bare_numbers or tok.like_num or tok.pos_ == "NUM":
                return None, None, None
            break
        lemma, low = tok.lemma_.lower(), tok.lower_
        prev = tok.doc[tok.i - 1].lower_ if tok.i > tok.sent.start else ""
        key = next(
            (k for k in (f"{prev} {low}", low, lemma) if k in aw.instruments),
            None,
        )
        if key is not None and not recipient:
            implied = aw.instruments[key]
            mods = [
                c
                for c in tok.children
                if c.dep_ in MODIFIER_DEPS
                and c.i < tok.i
                and c.lower_ not in aw.instruments
                and (c.pos_ in ("NOUN", "PROPN") or c.ent_type_ in ("NORP", "GPE", "ORG"))
            ]
            if mods:
                left = [c for c in tok.children if c.dep_ in MODIFIER_DEPS and c.i < tok.i]
                first = min(
                    (x for m in left for x in m.subtree if x.i < tok.i), key=lambda x: int(x.i)
                )
                toks = [t for t in tok.doc[first.i : tok.i] if t.dep_ != "punct" or t.i > first.i]
                return max(mods, key=lambda m: int(m.i)), toks, implied
            if implied is not None:
                return tok, None, implied
            return None, None, None
        if lemma in aw.media_heads or low in aw.media_heads:
            return None, None, None
        if key is not None:
            return tok, None, None  # a target: "struck two vehicles"
        if (lemma in aw.event_heads or low in aw.event_heads) and tok.ent_type_ not in ("ORG",):
            return None, None, None
        return tok, None, None

    def resolve(
        self,
        head: Token,
        doc: Document,
        exclude: frozenset[int] = frozenset(),
        tokens: list[Token] | None = None,
        implied: str | None = None,
    ) -> Actor | None:
        """The actor a phrase names; None for a pronoun with no antecedent or a news
        organisation (it reports, it does not act)."""
        if head.lower_ in self.words.pronouns:
            ante = self._antecedent(head, exclude)
            if ante is None:
                return None
            return self.resolve(ante, doc, exclude)
        dl = doc.dateline
        if dl is not None and dl.start <= head.idx < dl.end:
            # "BESLAN, Russia — Armed militants ... stormed": the actor follows the dateline
            after = [
                t
                for t in head.subtree
                if t.idx >= dl.end and t.pos_ in ("NOUN", "PROPN") and t.head.idx < dl.end
            ]
            return self.resolve(after[0], doc, exclude) if after else None
        full = tokens or phrase_tokens(head, exclude=exclude)
        toks = tokens or _naming_tokens(head, full, self.words.kept_preps)
        start, end = clean_span(doc, *char_span(toks), head.idx)
        text = doc.text[start:end]
        if not text.strip():
            return None
        # look a little further than the displayed phrase for group names
        # ("two suspects belonging to the ISIS organization"), but not into its targets
        banned = {x.i for e in exclude if e != head.i for x in head.doc[e].subtree}
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in self.words.target_preps:
                banned.update(x.i for x in c.subtree)
        sub = [t for t in head.subtree if t.i not in banned][:30] or [head]
        wide_start, wide_end = clean_span(
            doc, min(t.idx for t in sub), max(t.idx + len(t) for t in sub), head.idx
        )
        wide = doc.text[wide_start:wide_end]
        group = self.group_in(text) or self.group_in(wide)
        if (group is not None and group.sector == "MED") or self.news_outlet(head, text):
            return None
        person = head.ent_type_ == "PERSON"
        own = self._sectors.get(head.lower_)
        if group is not None and own is not None and not self._names_head(group, head):
            group = None  # "five policemen and a Peshmerga fighter": the head says who
        sector = group.sector if group else self.sector_in(text, head.lower_)
        if group is not None and own in self.words.head_over_group:
            sector = own  # "Taliban police": the police of the authority the group holds
        fstart, fend = clean_span(doc, *char_span(full), head.idx)
        if sector is None and not person and group is None:
            # "the entrance to the parliament": the phrase's object may say who
            described = _naming_tokens(head, full, self.words.kept_preps, keep_preps=True)
            if head.lemma_.lower() not in self.media.place_heads:  # "a government-held town"
                sector = self.sector_in(" ".join(t.text for t in described), None)
            sector = sector or implied
        if sector is None and group is None and (person or head.pos_ == "PROPN"):
            # "Lee, leader of the opposition party": the person's title says who
            sector = self._title_sector(head)
        country = self._country(full, doc, fstart, fend) or (group.country if group else None)
        if sector is None and group is None and not person and country is not None:
            sector = self._state_sector(head, text, country, armed=tokens is not None)
        if country is None and sector in self.state_sectors:
            country = self.place_country(doc, fstart, fend)
        if group:
            name: str | None = group.name
        elif person:
            name = " ".join(t.text for t in toks if t.ent_type_ == "PERSON") or None
        else:
            name = self.label(sector, country)
        return Actor(text=text, start=start, end=end, name=name, country=country, sector=sector)

    def _title_sector(self, head: Token) -> str | None:
        """The sector a person's appositive title states: "X, leader of the party"."""
        for c in head.children:
            if c.dep_ == "appos":
                got = self.sector_in(" ".join(t.text for t in c.subtree), c.lower_)
                if got is not None:
                    return got
        return None

    def _state_sector(
        self, head: Token, text: str, country: str, armed: bool = False
    ) -> str | None:
        """A country acting ("Rwanda denied") is its government; a country's forces
        ("Congolese forces", "Israeli forces") and weapons ("Russian missiles",
        ``armed``: the phrase is a country's instrument) are its military."""
        if head.lower_ in self.words.force_heads:
            return "MIL"
        if armed and head.ent_type_ in ("NORP", "GPE"):
            return "MIL"
        if head.ent_type_ in ("GPE", "NORP") and self.country_code(text) == country:
            return "GOV"  # "Rwanda denied"; "Russian strikes": the state (by role, its forces)
        return None

    def _names_head(self, group: Group, head: Token) -> bool:
        """Is the group named in the head's own words ("ISIS militants", "Taliban")?"""
        words = [c for c in head.children if c.dep_ in MODIFIER_DEPS and c.i < head.i]
        own = " ".join(t.text for c in words for t in c.subtree) + " " + head.text
        return self.group_in(own) == group

    def news_outlet(self, head: Token, text: str) -> bool:
        """ "the Washington Post", "Reuters", "state television": a news organisation."""
        mw = self.media
        if any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text) for o in mw.outlets):
            return True
        ent = next((e for e in head.doc.ents if e.start <= head.i < e.end), None)
        if ent is not None and ent.label_ == "ORG":
            return any(t.lower_ in mw.outlet_words for t in ent[1:])
        return False

    def _antecedent(self, pron: Token, exclude: frozenset[int]) -> Token | None:
        """The nearest earlier noun a pronoun can stand for, in its sentence or the one
        before: "they" a plural or a collective, "he"/"she" a person, "it" a body."""
        low = pron.lower_
        if low in self.words.no_antecedent:
            return None
        doc = pron.doc
        sent = pron.sent
        first = sent.start
        for _ in range(self.words.pronoun_window):
            if first > 0:
                first = doc[first - 1].sent.start
        for i in range(pron.i - 1, first - 1, -1):
            t = doc[i]
            if t.i in exclude or t.pos_ not in ("NOUN", "PROPN") or t.dep_ in MODIFIER_DEPS:
                continue
            # a subject pronoun stands for a subject; an object pronoun for either
            wanted = (
                ("nsubj", "nsubjpass")
                if pron.dep_ in ("nsubj", "nsubjpass")
                else ("nsubj", "nsubjpass", "dobj", "pobj")
            )
            if t.dep_ not in wanted:
                continue
            if t.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "MONEY"):
                continue
            if t.lemma_.lower() in self.words.event_heads:
                continue
            lemma = t.lemma_.lower()
            named = self.group_in(t.text) is not None
            if low in self.words.plural_pronouns:
                ok = t.tag_ in ("NNS", "NNPS") or lemma in self.words.collective_heads or named
            elif low in self.words.person_pronouns:
                ok = t.ent_type_ == "PERSON" or (
                    t.tag_ == "NN" and t.lemma_.lower() in self.words.person_nouns
                )
            else:  # it, its
                ok = t.tag_ in ("NN", "NNP") and (
                    t.ent_type_ in ("ORG", "NORP") or named or lemma in self.words.collective_heads
                )
            if not ok:
                continue
            if t.ent_type_ == "PERSON" or named or self.sector_in(t.text, t.lower_) is not None:
                return t
        return None

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


def _naming_tokens(
    head: Token, toks: list[Token], kept: frozenset[str], keep_preps: bool = False
) -> list[Token]:
    """The phrase without the parts that describe rather than name the actor:
    "attackers wearing military uniforms" is "attackers"; "police in Lagos" is
    "police"; "members of the police" stays."""
    drop: set[int] = set()
    for t in toks:
        if t.i == head.i or t.head.i != head.i:
            continue
        if t.dep_ in DESCRIPTIVE_DEPS or (
            t.dep_ == "prep" and t.lower_ not in kept and not keep_preps
        ):
            drop.update(x.i for x in t.subtree)
    out = [t for t in toks if t.i not in drop]
    return out or [head]


def clean_span(doc: Document, start: int, end: int, keep: int) -> tuple[int, int]:
    """A span cut to the line holding ``keep``, past the dateline, without edge
    punctuation or spaces: no newline or dateline in an actor or evidence text."""
    text = doc.text
    line_start = text.rfind("\n", 0, keep) + 1
    nl = text.find("\n", keep)
    line_end = len(text) if nl < 0 else nl
    start, end = max(start, line_start), min(end, line_end)
    dl = doc.dateline
    if dl is not None and start < dl.end <= keep:
        start = max(start, dl.end)
    while start < end and (text[start].isspace() or text[start] in "-\u2013\u2014,;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "-\u2013\u2014,;:"):
        end -= 1
    return start, end


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
