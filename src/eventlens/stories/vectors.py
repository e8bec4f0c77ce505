"""Article text as TF-IDF vectors, and their cosine and centre."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from eventlens.stories.memo import Memo
from eventlens.stories.params import ARTICLE_TERMS
from eventlens.stories.report import Report, TermVector
from eventlens.stories.tables import Idf
from eventlens.stories.text import terms


class ArticleVectors:
    """TF-IDF vectors (sublinear term frequency) of articles' texts, their
    ``ARTICLE_TERMS`` heaviest terms, normalised; remembered per text."""

    def __init__(self, idf: Idf, stopwords: frozenset[str]) -> None:
        self.idf = idf
        self.stopwords = stopwords
        self._memo: Memo[str, TermVector] = Memo(self._vector, 4096)

    def __call__(self, text: str) -> TermVector:
        return self._memo(text)

    def of(self, r: Report) -> TermVector:
        """The report's article as a vector; empty when unknown."""
        return self._memo(r.article) if r.article else ()

    def _vector(self, text: str) -> TermVector:
        counts: dict[str, int] = defaultdict(int)
        for t in terms(text, self.stopwords):
            counts[t] += 1
        weighted = sorted(
            ((t, (1.0 + math.log(n)) * self.idf.weight(t)) for t, n in counts.items()),
            key=lambda x: (-x[1], x[0]),
        )[:ARTICLE_TERMS]
        return _normalised(weighted)


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
