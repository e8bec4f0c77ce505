"""Toponym recognition: spaCy entities checked against the gazetteer, and the gazetteer alone.

spaCy's small English model finds most places as ``GPE``/``LOC`` but also
tags "Izmir" as a person and "Kayseri provinces" as a nationality, and leaves
places inside organisation names ("Mansfield Police Department") and many
small towns untagged.  So:

- ``GPE`` and ``LOC`` entities are toponyms (a leading "the" and a trailing
  possessive are trimmed; bare demonyms are not places).
- ``NORP``, ``PERSON``, ``ORG``, ``FAC`` and other entities are toponyms when
  the gazetteer knows the name under its own name or an English alias and the
  context says place: a preposition such as "in" or "near" before it, a type
  word ("province"), a container after it ("Izmir, Turkey"), or the name is
  a country or first-level region.
- Inside organisation names, a leading or trailing place name is a toponym
  ("the Istanbul Security Directorate", "University of Kentucky");
  ``toponyms_in_orgs=False`` turns this off.
- A one-word ``PERSON`` or ``ORG`` entity that is the own name of a town of
  20,000 or more is that town when used as a place: "A Gainesville man",
  "Gainesville residents", "over Gainesville", "residents of Huntsville".
- Capitalised words no entity covers are toponyms under the same gazetteer
  and context test, abbreviations after a comma ("Alexandria, La."), and
  all-caps datelines ("MANSFIELD --", "BEIRUT:").

A name the text uses for a person is not a place, unless it names a country
or first-level region: the surname of a multi-word ``PERSON`` entity
("Mikheil Saakashvili" … "Saakashvili said")
or a capitalised word after a title ("Sheriff Farrin", "Ms. Petrova"), where
the mention itself has no place context ("in", "Clinton, Iowa").  The
small model tags such surnames as ``GPE`` when they stand alone.

Words listed in ``data/geo/not_places.txt`` (months, titles, common nouns)
are never proposed by the gazetteer alone.  The words read around a name
(prepositions, type words, titles, qualifiers) are in
``data/geo/place_words.yaml``, compiled once into a
:class:`~eventlens.geo.patterns.PlacePatterns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eventlens.geo.gazetteer import (
    MATCH_ABBREVIATION,
    MATCH_ALIAS,
    MATCH_PRIMARY,
    Candidate,
    Gazetteer,
)
from eventlens.geo.names import name_key
from eventlens.geo.patterns import PlacePatterns

_PLACE_LABELS = frozenset({"GPE", "LOC"})
_MAYBE_LABELS = frozenset({"NORP", "PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"})
_SKIP_LABELS = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE", "LAW"}
)
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’\-.]*")
_MAX_NGRAM = 5
_POSSESSIVE_END = re.compile(r"['’]s$")
_TOWNS = frozenset({"city", "locality"})
_HYPHEN_AFTER = re.compile(r"(?:-[^\W\d_][\w'’]*){1,4}(?![\w-])")
_HYPHEN_BEFORE = re.compile(r"(?<![\w-])(?:[^\W\d_][\w'’]*-){1,4}$")
_COMMA_NAME = re.compile(r"\s*,\s*([A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,2})")
LONE_CITY_POP = 20_000
"""A one-word PERSON/ORG entity naming a town this large is taken as the town."""


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    sent_start: bool


def _strong(cands: tuple[Candidate, ...], *, min_population: int = 0) -> list[Candidate]:
    """Candidates matched by own name or English alias (not a foreign alternate name)."""
    out = []
    for c in cands:
        if c.match not in (MATCH_PRIMARY, MATCH_ALIAS):
            continue
        major = c.feature in ("country", "admin1", "continent", "region", "admin2", "facility")
        if major or c.population >= min_population:
            out.append(c)
    return out


def _is_major(cands: list[Candidate]) -> bool:
    """A country, continent, region, first-level subdivision or facility (airport) name."""
    return any(c.feature in ("country", "admin1", "continent", "region", "facility") for c in cands)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the", a trailing possessive and punctuation."""
    span = text[start:end]
    m = re.match(r"(?i)the\s+", span)
    if m:
        start += m.end()
    span = text[start:end]
    m = re.search(r"['’]s?$", span)
    if m:
        end = start + m.start()
    while end > start and text[end - 1] in ' ,;:-–—"“”)(':
        end -= 1
    while start < end and text[start] in ' "“”(':
        start += 1
    return start, end


class _Recognizer:
    def __init__(
        self,
        text: str,
        doc: Any,
        gazetteer: Gazetteer,
        rules: PlacePatterns,
        toponyms_in_orgs: bool,
    ) -> None:
        self.rules = rules
        self.not_places = rules.not_places
        self.text = text
        self.doc = doc
        self.g = gazetteer
        self.orgs = toponyms_in_orgs
        self.spans: list[tuple[int, int]] = []
        self.covered = bytearray(len(text))
        self.in_entity = bytearray(len(text))
        self.tagged_places: set[str] = set()
        self.entity_spans: list[tuple[int, int, str]] = (
            [(e.start_char, e.end_char, e.label_) for e in doc.ents] if doc is not None else []
        )
        self.tokens = self._tokens()
        self.person_names = self._person_names()

    def _person_names(self) -> frozenset[str]:
        """Words the text uses as a person's name (see the module docstring)."""
        names: set[str] = set()
        for start, end, label in self.entity_spans:
            words = _POSSESSIVE_END.sub("", self.text[start:end]).split()
            if (
                label == "PERSON"
                and 1 < len(words) <= 3
                and not self.rules.qualifier.match(words[0] + " ")  # "Historic Dublin"
            ):
                names.add(words[-1])
        names.update(m.group(1) for m in self.rules.title_name.finditer(self.text))
        return frozenset(n for n in names if n[:1].isupper() and len(n) > 2)

    def is_person(self, start: int, end: int) -> bool:
        """A one-word name the text uses for a person and not for a major place."""
        raw = self.text[start:end]
        if " " in raw or raw not in self.person_names:
            return False
        if self.locative_before(start) or self.container_after(end) or self.type_after(end):
            return False  # "in Gainesville", "Clinton, Iowa": this mention is the place
        return not _is_major(_strong(self.lookup(start, end)))

    def _tokens(self) -> list[_Token]:
        if self.doc is not None:
            return [
                _Token(t.idx, t.idx + len(t.text), t.text, bool(t.is_sent_start))
                for t in self.doc
                if not t.is_space
            ]
        out = []
        prev_end = 0
        for m in _WORD.finditer(self.text):
            gap = self.text[prev_end : m.start()]
            sent_start = prev_end == 0 or bool(re.search(r"[.!?]\s*$|\n\s*\n", gap))
            word = m.group()
            end = m.end()
            # keep "St." / "W.Va." whole, but not a sentence's final period
            if word.endswith(".") and not re.fullmatch(r"(?:[A-Z][a-z]{0,4}\.)+", word):
                word, end = word[:-1], end - 1
            out.append(_Token(m.start(), end, word, sent_start))
            prev_end = end
        return out

    # ----- helpers -----

    def lookup(self, start: int, end: int) -> tuple[Candidate, ...]:
        return self.g.lookup(self.text[start:end])

    def add(self, start: int, end: int) -> None:
        start, end = self._hyphenated(*_trim(self.text, start, end))
        start, end = self._core(start, end)
        if self.is_person(start, end):
            return
        # "W.Va" + "." : spaCy leaves an abbreviation's last period outside
        abbreviation = "." in self.text[start:end] and self.text[end : end + 1] == "."
        if abbreviation and self.g.lookup(self.text[start : end + 1]):
            end += 1
        if end <= start or any(self.covered[start:end]):
            return
        self.spans.append((start, end))
        for i in range(start, end):
            self.covered[i] = 1

    def _core(self, start: int, end: int) -> tuple[int, int]:
        """The place name inside "Northeast Georgia", "Historic Dublin", "Fargo City".

        A leading direction or qualifier, or a trailing "City", is dropped when
        the gazetteer knows the rest and not the whole ("Kansas City" stays).
        """
        raw = self.text[start:end]
        if self.g.lookup(raw):
            m = self.rules.town_suffix.search(raw)
            if not m:
                return start, end
            whole = max(
                (c.population for c in self.g.lookup(raw) if c.feature in _TOWNS), default=0
            )
            part = max(
                (c.population for c in self.g.lookup(raw[: m.start()]) if c.feature in _TOWNS),
                default=-1,
            )
            return (start, start + m.start()) if part >= whole else (start, end)
        m = self.rules.qualifier.match(raw)
        if m and self.g.lookup(raw[m.end() :]):
            return start + m.end(), end
        m = self.rules.town_suffix.search(raw)
        if m and self.g.lookup(raw[: m.start()]):
            return start, start + m.start()
        return start, end

    def propagate(self) -> None:
        """One sense per document: every other capitalised mention of a recognised name."""
        names = {
            n
            for n in self.tagged_places
            if len(n) > 2
            and n[:1].isupper()
            and "." not in n
            and not self.g.is_demonym(n)
            and name_key(n) not in self.not_places
            and _strong(self.g.lookup(n), min_population=1000)
        }
        if not names:
            return
        pattern = re.compile(
            r"(?<![\w.])("
            + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            + r")(?:['’]s)?(?![\w])"
        )
        for m in pattern.finditer(self.text):
            s, e = m.start(1), m.end(1)
            if any(self.covered[s:e]) or self._in_person_name(s, e):
                continue
            self.add(s, e)

    def _in_person_name(self, start: int, end: int) -> bool:
        """Inside a multi-word PERSON entity ("Tom Jackson")."""
        for es, ee, label in self.entity_spans:
            if label == "PERSON" and es <= start and end <= ee and (es, ee) != (start, end):
                return True
        return False

    def locative_before(self, start: int, *, weak: bool = False) -> bool:
        """A preposition such as "in" or "near" (with ``weak``, also "to", "of") before."""
        before = self.text[max(0, start - 25) : start]
        m = re.search(r"([A-Za-z]+)\s+(?:the\s+)?$", before)
        if not m:
            return False
        word = m.group(1).lower()
        return word in self.rules.locatives or (weak and word in self.rules.weak_locatives)

    def container_after(self, end: int) -> bool:
        m = _COMMA_NAME.match(self.text[end : end + 40])
        if not m:
            return False
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[:n])
            for c in self.g.lookup(phrase if len(phrase) <= 8 else phrase.rstrip(".")):
                if c.feature in ("country", "admin1") and c.match != 2:
                    return True
        return False

    def type_after(self, end: int) -> bool:
        return bool(self.rules.type_after.match(self.text[end : end + 20]))

    def is_demonym(self, start: int, end: int) -> bool:
        return self.g.is_demonym(self.text[start:end])

    def placey(self, start: int, end: int, *, min_population: int) -> bool:
        """A gazetteer name in a place context."""
        raw = self.text[start:end]
        if name_key(raw) in self.not_places:
            return False
        strong = _strong(self.lookup(start, end), min_population=min_population)
        if not strong:
            return False
        if _is_major(strong) and not self.is_demonym(start, end):
            return True
        return self.locative_before(start) or self.container_after(end) or self.type_after(end)

    def lone_city(self, start: int, end: int) -> bool:
        """A one-word ``PERSON``/``ORG`` that is a town's own name ("A Gainesville man")."""
        raw = self.text[start:end]
        if " " in raw or not raw[:1].isupper() or raw.isupper() or raw in self.person_names:
            return False
        if name_key(raw) in self.not_places or self.is_demonym(start, end):
            return False
        if not (
            self.rules.resident_after.match(self.text, end)
            or self.locative_before(start, weak=True)
            or self.rules.over_before.search(self.text[max(0, start - 10) : start])
        ):
            return False
        return any(
            c.match == MATCH_PRIMARY and c.feature in _TOWNS and c.population >= LONE_CITY_POP
            for c in self.lookup(start, end)
        )

    # ----- passes -----

    def entities(self) -> None:
        if self.doc is None:
            return
        for e in self.doc.ents:
            label = e.label_
            start, end = self._hyphenated(*_trim(self.text, e.start_char, e.end_char))
            for i in range(min(start, e.start_char), max(end, e.end_char)):
                self.in_entity[i] = 1
            if end <= start or label in _SKIP_LABELS:
                continue
            if label in _PLACE_LABELS:
                if self.is_demonym(start, end) and not _strong(self.lookup(start, end)):
                    continue
                core = self.rules.type_word_end.sub("", self.text[start:end])
                if core != self.text[start:end] and name_key(core) in self.not_places:
                    continue  # "Police District 9" is not the town of Police
                self.add(start, end)
                self.tagged_places.add(self.text[start:end])
            elif label in _MAYBE_LABELS:
                self.maybe_entity(start, end, label)

    def _hyphenated(self, start: int, end: int) -> tuple[int, int]:
        """The whole hyphenated name an entity is a piece of, when the gazetteer
        knows it: the tagger gives "Croix" of "Croix-des-Bouquets", "Saint-Louis"
        of "Saint-Louis-du-Nord"."""
        if end <= start:
            return start, end
        before = _HYPHEN_BEFORE.search(self.text, max(0, start - 40), start)
        after = _HYPHEN_AFTER.match(self.text, end)
        if before is None and after is None:
            return start, end
        starts = [start] + ([before.start()] if before else [])
        ends = [end] + ([after.end()] if after else [])
        best = (start, end)
        for s in starts:
            for e in ends:
                if e - s > best[1] - best[0] and self.g.lookup(self.text[s:e]):
                    best = (s, e)
        return best

    def maybe_entity(self, start: int, end: int, label: str) -> None:
        raw = self.text[start:end]
        if label == "NORP":
            if self.is_demonym(start, end):
                return
            m = self.rules.norp_type.search(raw)
            if m and _strong(self.g.lookup(raw[: m.start()])):
                self.add(start, start + m.start())
                return
        if label in ("NORP", "PERSON", "ORG", "FAC") and self.placey(
            start, end, min_population=10_000
        ):
            self.add(start, end)
            return
        if label in ("PERSON", "ORG") and self.lone_city(start, end):
            self.add(start, end)
            return
        if label in ("ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT") and self.orgs:
            self.inside_name(start, end)

    def inside_name(self, start: int, end: int) -> None:
        """A place name leading or closing an organisation's name."""
        words = [m for m in _WORD.finditer(self.text, start, end)]
        if len(words) < 2:
            return
        # leading: "Istanbul Security Directorate", "Mansfield Police Department"
        for n in range(min(_MAX_NGRAM, len(words) - 1), 0, -1):
            s, e = words[0].start(), words[n - 1].end()
            if self._org_place(s, e):
                self.add(s, e)
                return
        # closing: "University of Kentucky", "Bank of America" is a known case of noise
        for i in range(1, len(words)):
            if words[i - 1].group().lower() in self.rules.org_prepositions and i < len(words):
                s, e = words[i].start(), words[-1].end()
                if self._org_place(s, e):
                    self.add(s, e)
                    return

    def _org_place(self, start: int, end: int) -> bool:
        raw = _POSSESSIVE_END.sub("", self.text[start:end].rstrip("."))
        if not raw[:1].isupper() or name_key(raw) in self.not_places:
            return False
        if self.g.is_demonym(raw):
            return False
        strong = _strong(self.g.lookup(raw), min_population=2000)
        return bool(strong)

    def gazetteer_scan(self) -> None:
        """Capitalised runs no entity covers, and abbreviations after a comma."""
        toks = self.tokens
        i = 0
        not_places = self.not_places
        while i < len(toks):
            t = toks[i]
            if self.covered[t.start] or self.in_entity[t.start] or not _capitalised(t.text):
                i += 1
                continue
            matched = False
            hs, he = self._hyphenated(t.start, t.end)
            if he > t.end and not any(self.covered[hs:he]) and not any(self.in_entity[hs:he]):
                # "Ivano-Frankivsk": the tokenizer splits what the gazetteer knows whole
                raw = self.text[hs:he]
                key = name_key(raw)
                cands = self.g.lookup_key(key) if key and key not in not_places else ()
                if cands and self._scan_accept(hs, he, raw, cands, t.sent_start):
                    self.add(hs, he)
                    while i < len(toks) and toks[i].start < he:
                        i += 1
                    continue
            for n in range(_MAX_NGRAM, 0, -1):
                if i + n > len(toks):
                    continue
                last = toks[i + n - 1]
                if not _capitalised(last.text) or any(
                    not _capitalised(x.text) and x.text.lower() not in self.rules.connectors
                    for x in toks[i : i + n]
                ):
                    continue
                if any(self.covered[x.start] or self.in_entity[x.start] for x in toks[i : i + n]):
                    continue
                start, end = t.start, last.end
                raw = self.text[start:end]
                key = name_key(raw)
                if not key or key in not_places:
                    continue
                cands = self.g.lookup_key(key)
                if not cands:
                    continue
                if self._scan_accept(start, end, raw, cands, t.sent_start):
                    self.add(start, end)
                    i += n
                    matched = True
                    break
            if not matched:
                i += 1

    def prefixed_names(self) -> None:
        """Names after a lower-case Arabic article ("the city of el-Fasher"), which
        the capitalised scan does not see: a known town of 1,000 people or more
        after a locative, or of 20,000 or more."""
        for m in self.rules.prefixed_name.finditer(self.text):
            start, end = m.span()
            if any(self.covered[start:end]):
                continue
            strong = _strong(self.lookup(start, end), min_population=1000)
            if not strong:
                continue
            big = any(c.population >= 20_000 for c in strong)
            if big or self.locative_before(start, weak=True):
                self.add(start, end)

    def _scan_accept(
        self, start: int, end: int, raw: str, cands: tuple[Candidate, ...], sent_start: bool
    ) -> bool:
        if self.is_demonym(start, end) and not _strong(cands):
            return False
        abbreviations = [c for c in cands if c.match == MATCH_ABBREVIATION]
        if abbreviations and not _strong(cands):
            # "La." or "GA" only right after "Town, "
            before = self.text[max(0, start - 3) : start]
            return bool(re.search(r",\s*$", before)) and (raw.endswith(".") or raw.isupper())
        strong = _strong(cands, min_population=1000)
        if not strong:
            return False
        if raw.isupper() and len(raw) <= 3:
            return False
        if _is_major(strong) and not sent_start:
            return True
        if self.locative_before(start) or self.container_after(end) or self.type_after(end):
            return True
        big = _strong(cands, min_population=20_000)
        if big and self.locative_before(start, weak=True):
            return True
        # All-caps datelines: "MANSFIELD -- ...", "BEIRUT: ..."
        return bool(raw.isupper() and re.match(r"\s*(?:--|—|–|\(|,|:)", self.text[end : end + 4]))


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def recognize(
    text: str,
    doc: Any,
    gazetteer: Gazetteer,
    rules: PlacePatterns,
    *,
    toponyms_in_orgs: bool = True,
) -> list[tuple[int, int]]:
    """Character spans of the toponyms in ``text``, in text order.

    ``doc`` is a spaCy ``Doc`` of ``text`` or None (gazetteer-only recognition);
    ``rules`` hold the words read around a name (:meth:`PlacePatterns.from_words`):
    its ``not_places`` are never proposed by the gazetteer alone, its
    ``never_places`` are dropped whatever spaCy says, unless a container
    follows ("Hurricane, W.Va.").
    """
    r = _Recognizer(text, doc, gazetteer, rules, toponyms_in_orgs)
    r.entities()
    r.gazetteer_scan()
    r.prefixed_names()
    r.propagate()
    blocked: list[tuple[int, int]] = []
    if rules.never is not None:
        for m in rules.never.finditer(text):
            if m.group()[:1].isupper() and not r.container_after(m.end()):
                blocked.append((m.start(), m.end()))
    return sorted((s, e) for s, e in r.spans if not any(s < be and bs < e for bs, be in blocked))
