"""Article text as TF-IDF vectors, and their cosine and centre."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from eventlens.stories.memo import Memo
from eventlens.stories.params import ARTICLE_TERMS
from eventlens.stories.report import Report, TermVector
from eventlens.stories.tables import Idf
from eventlens.stories.text import name_stems, terms


class ArticleVectors:
    """TF-IDF vectors (sublinear term frequency) of articles' texts, their
    ``keep`` heaviest terms, normalised; remembered per text.  A name's weight
    (:func:`eventlens.stories.text.name_stems`) is multiplied by ``names``,
    a number's ("#15", "#2024") by ``numbers``; each occurrence of a term in
    the article's first ``lead_chars`` characters (its headline and lead,
    where news says who did what where) counts ``lead`` times."""

    def __init__(
        self,
        idf: Idf,
        stopwords: frozenset[str],
        *,
        names: float = 1.0,
        numbers: float = 1.0,
        keep: int = ARTICLE_TERMS,
        lead: float = 1.0,
        lead_chars: int = 400,
    ) -> None:
        self.idf = idf
        self.stopwords = stopwords
        self.names = names
        self.numbers = numbers
        self.keep = keep
        self.lead = lead
        self.lead_chars = lead_chars
        self._memo: Memo[str, TermVector] = Memo(self._vector, 4096)

    def __call__(self, text: str) -> TermVector:
        return self._memo(text)

    def of(self, r: Report) -> TermVector:
        """The report's article as a vector (the one the store kept, when it
        has one); empty when unknown."""
        if r.vector:
            return r.vector
        return self._memo(r.article) if r.article else ()

    def _vector(self, text: str) -> TermVector:
        counts: dict[str, float] = defaultdict(float)
        for t in terms(text, self.stopwords):
            counts[t] += 1.0
        if self.lead != 1.0:
            cut = text.rfind(" ", 0, self.lead_chars) if len(text) > self.lead_chars else len(text)
            for t in terms(text[: max(cut, 0)], self.stopwords):
                counts[t] += self.lead - 1.0
        named = name_stems(text, self.stopwords) if self.names != 1.0 else frozenset()
        weighted = sorted(
            (
                (t, (1.0 + math.log(n)) * self.idf.weight(t) * self._boost(t, named))
                for t, n in counts.items()
            ),
            key=lambda x: (-x[1], x[0]),
        )[: self.keep]
        return _normalised(weighted)

    def _boost(self, term: str, named: frozenset[str]) -> float:
        if term.startswith("#"):
            return self.numbers
        return self.names if term in named else 1.0


def _normalised(weighted: list[tuple[str, float]]) -> TermVector:
    norm = math.sqrt(sum(w * w for _, w in weighted)) or 1.0
    return tuple((t, w / norm) for t, w in weighted)


def cosine(a: TermVector, b: TermVector) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    other = dict(large)
    return sum(w * other.get(t, 0.0) for t, w in small)


def centre(vectors: Iterable[TermVector], keep: int = ARTICLE_TERMS) -> TermVector:
    """The normalised mean of several vectors (a story's centre)."""
    total: dict[str, float] = defaultdict(float)
    for v in vectors:
        for t, w in v:
            total[t] += w
    return _normalised(sorted(total.items(), key=lambda x: (-x[1], x[0]))[:keep])
