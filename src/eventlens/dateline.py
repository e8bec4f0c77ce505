"""The article's dateline: "KABUL -", "LONDON, March 4 (Reuters) -",
"BAGHDAD (AP) —", "MOGADISHU, Somalia, Jan. 5 --".

A dateline says where (and sometimes when) the report was filed.  It is a
fallback for an event's place and date, after the event's own sentence; it is
never part of an actor's, a recipient's or an evidence text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventlens.knowledge.loader import load_yaml

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_CAPS = r"[A-Z][A-Z'\.\-]+(?:\s+[A-Z][A-Z'\.\-]+){0,3}"
_TITLE = r"[A-Z][\w'\.\-]+(?:\s+[A-Z][\w'\.\-]+){0,3}"
_SEP = r"\s*(?:--|[-\u2013\u2014])\s*"
_AGENCY = r"\((?P<agency>[A-Za-z][\w .&'/-]{0,40})\)"
_AGENCY2 = _AGENCY.replace("agency", "agency2")

DATELINE = re.compile(
    rf"^(?P<place>{_CAPS}(?:,\s*(?P<region>{_TITLE}))?)"
    rf"(?:,?\s+(?P<date>{_DATE}))?\s*(?:{_AGENCY})?{_SEP}(?=\S)"
    rf"|^(?P<place2>{_TITLE}(?:,\s*{_TITLE})?)(?:,?\s+(?P<date2>{_DATE}))?\s*{_AGENCY2}{_SEP}(?=\S)",
    re.MULTILINE,
)
LOOK = 3  # the dateline is in one of the first lines (after the headline)


@dataclass(frozen=True, slots=True)
class DatelineWords:
    """Words that open a line like a dateline but name no place (``data/dateline.yaml``)."""

    not_places: frozenset[str]

    @classmethod
    def load(cls) -> DatelineWords:
        data = load_yaml("dateline.yaml")
        return cls(frozenset(str(w).upper() for w in data["not_places"]))


@dataclass(frozen=True, slots=True)
class Dateline:
    start: int
    end: int
    """Character offset just past the dateline (its separator included)."""
    place: str
    place_start: int
    place_end: int
    date: str | None
    agency: str | None


def find_dateline(text: str, words: DatelineWords) -> Dateline | None:
    """The dateline opening one of the text's first paragraphs, or None.

    The nlp stage finds it once per document (``Document.dateline``)."""
    pos = 0
    for _ in range(LOOK):
        while pos < len(text) and text[pos] == "\n":
            pos += 1
        nl = text.find("\n", pos)
        line_end = len(text) if nl < 0 else nl
        m = DATELINE.match(text, pos, line_end)
        if m is not None and _plausible(m, words):
            key = "place" if m.group("place") else "place2"
            date = m.group("date") or m.group("date2")
            agency = m.group("agency") or m.group("agency2")
            return Dateline(
                start=m.start(),
                end=m.end(),
                place=m.group(key),
                place_start=m.start(key),
                place_end=m.end(key),
                date=date,
                agency=agency,
            )
        if nl < 0:
            break
        pos = nl + 1
    return None


def _plausible(m: re.Match[str], words: DatelineWords) -> bool:
    place = m.group("place") or m.group("place2") or ""
    letters = [c for c in place if c.isalpha()]
    if len(letters) < 3:
        return False
    # "UPDATE -", "BREAKING -": not a place
    return place.strip().upper() not in words.not_places


def strip_dateline(text: str, start: int, end: int, dateline: Dateline | None) -> tuple[int, int]:
    """A span moved past the dateline when it starts inside it."""
    if dateline is not None and start < dateline.end <= end and start >= dateline.start:
        start = dateline.end
    return start, end
