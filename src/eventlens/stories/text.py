"""The words story clustering compares: tokens, stems and word-set overlap.

Pure functions of their arguments; the word lists they are given (stopwords)
come from :class:`eventlens.stories.tables.StoryTables`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
NUMBER = re.compile(r"(?<![\w.,])\d{2,}(?:[.,]\d+)?(?![\w])")


def stem(w: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def norm(s: str) -> str:
    return " ".join(s.casefold().split())


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _stems(text: str, stopwords: frozenset[str]) -> list[str]:
    return [
        stem(w)
        for w in (m.group().lower() for m in WORD.finditer(text))
        if len(w) > 2 and w not in stopwords
    ]


def content_words(text: str, stopwords: frozenset[str]) -> frozenset[str]:
    """Content words of a text, stemmed."""
    return frozenset(_stems(text, stopwords))


def terms(text: str, stopwords: frozenset[str]) -> list[str]:
    """The content words of a text, stemmed, in order, with its numbers of
    two digits or more ("15", "2013"): what article similarity compares."""
    out = _stems(text, stopwords)
    out.extend("#" + m.group().replace(",", "") for m in NUMBER.finditer(text))
    return out


_SENTENCE_END = re.compile(r"[.!?:\n\"'“”]\s*$")


def name_stems(text: str, stopwords: frozenset[str]) -> frozenset[str]:
    """The stems of words a text writes capitalised inside a sentence more
    often than in lower case: names of people, places, organisations
    ("Kisumu", "Ortega"), which tell one happening from another of its kind."""
    upper: dict[str, int] = {}
    lower: dict[str, int] = {}
    for m in WORD.finditer(text):
        w = m.group()
        low = w.lower()
        if len(low) <= 2 or low in stopwords:
            continue
        key = stem(low)
        if w[0].isupper():
            if _SENTENCE_END.search(text, max(0, m.start() - 3), m.start()) or m.start() == 0:
                continue  # a sentence's first word says nothing
            upper[key] = upper.get(key, 0) + 1
        else:
            lower[key] = lower.get(key, 0) + 1
    return frozenset(k for k, n in upper.items() if n > lower.get(k, 0))


def alternation(words: Iterable[str], flags: int) -> re.Pattern[str] | None:
    """One pattern matching any of ``words`` as a whole word, longest first."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return None
    body = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)
