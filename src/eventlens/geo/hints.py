"""Hint words around a name: "Kayseri province", "the town of Mansfield", "the Turkish capital".

A hint says what kind of place a name is (a region or a town) and may be part
of the span itself ("the state of Kayseri", "Harris Co."): the resolver looks
the name up without it, asking for that kind.  The words are data
(``place_words.yaml``); the patterns are a :class:`PlacePatterns`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Literal

from eventlens.geo.patterns import PlacePatterns

Hint = Literal["admin", "city", "country"]
"""What a word next to a name says it is."""


def context_hint(p: PlacePatterns, text: str, start: int, end: int) -> Hint | None:
    """The hint the words around ``text[start:end]`` give."""
    after = text[end : end + 30]
    before = text[max(0, start - 30) : start]
    if (
        p.after_admin.match(after)
        or p.before_admin.search(before)
        or p.after_admin_list.match(text[end : end + 60])
    ):
        return "admin"
    if p.after_city.match(after) or p.before_city.search(before):
        return "city"
    return None


def attempts(p: PlacePatterns, text: str, hint: Hint | None) -> list[tuple[str, Hint | None]]:
    """The forms to look a span up under, in order: as it stands, then without a
    leading or trailing hint word (with that hint), then abbreviations spelled out."""
    out: list[tuple[str, Hint | None]] = [(text, hint)]
    m = p.leading_admin.match(text)
    if m:
        out.append((text[m.end() :], "admin"))
    m = p.leading_city.match(text)
    if m:
        out.append((text[m.end() :], "city"))
    m = p.trailing_admin.search(text)
    if m:
        out.append((text[: m.start()], "admin"))
    m = p.trailing_city.search(text)
    if m:
        out.append((text[: m.start()], "city"))
    for pattern, full in p.abbreviations:
        if pattern.search(text):
            out.append((pattern.sub(_literal(" " + full), text), "admin"))
    return out


def capitals(p: PlacePatterns, text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, country words) of each "the <country> capital" phrase."""
    for m in p.capital_phrase.finditer(text):
        yield m.start(1), m.end(), m.group(1)


def _literal(replacement: str) -> Callable[[re.Match[str]], str]:
    """A replacement function giving ``replacement`` as it stands (no group references)."""
    return lambda _m: replacement
