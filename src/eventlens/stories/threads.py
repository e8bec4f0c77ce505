"""Threads: the articles of many outlets that report the same happening.

An event story (:mod:`eventlens.stories.clustering`) joins *events*; many
articles that report a happening give no event of interest at all (an award
ceremony, an earthquake, a court ruling), or give it in words the coder
misses.  A thread joins *articles*, by their texts alone, so that the
coverage of one happening can be found together whatever the coder made of
it.  The rules:

- an article is a TF-IDF vector of its heaviest terms
  (:class:`eventlens.stories.vectors.ArticleVectors`, with names, numbers and
  the headline and lead weighted up: they tell one earthquake from another);
  an article with fewer than ``min_terms`` terms says too little and joins
  no thread;
- two articles are as similar as their vectors' cosine; two whose
  publication dates are both known and more than ``max_days`` apart cannot
  share a thread (dates narrow, never exclude what they cannot judge: an
  undated article is judged by its text);
- threads are the clusters of **average linkage** at ``link``: two groups
  join only when the mean similarity of all their pairs reaches it, so an
  article agrees with a thread as a whole, never with its nearest member
  alone, and no chain of near neighbours links two happenings;
- the store receives articles one at a time, so each new article re-clusters
  its **neighbourhood**: the threads that share its heaviest terms (their
  newest members, at most ``max_local`` articles in all) are clustered again
  with it, and each cluster keeps the id of the thread most of it came from.
  Clustering a set does not depend on the order its articles came in, which
  keeps the threads nearly the same whatever the arrival order.

:class:`ThreadClusterer` does this in memory (the tests, the tuning script);
:mod:`eventlens.store.thread_writer` against the store's tables; both with
:class:`ThreadRules`.  The thresholds were chosen on ``data/threads/``
(articles written for the purpose: ``scripts/tune_threads.py``), never on
an evaluation set.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from eventlens.model import stable_id
from eventlens.stories.memo import Memo
from eventlens.stories.report import TermVector
from eventlens.stories.vectors import ArticleVectors

if TYPE_CHECKING:
    from eventlens.knowledge import Knowledge
    from eventlens.stories.tables import StoryTables


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadParams:
    """Thresholds of thread assignment (module docstring)."""

    names: float = 2.0
    """Weight of a name's term over another term's of the same TF-IDF
    (:func:`eventlens.stories.text.name_stems`)."""
    numbers: float = 1.0
    """Weight of a number's term ("#15", "#2024") over another term's."""
    keep: int = 64
    """How many of an article's heaviest terms its vector keeps."""
    lead: float = 1.0
    """How many times a term of the headline and lead counts
    (:class:`eventlens.stories.vectors.ArticleVectors`)."""
    link: float = 0.30
    """Least mean similarity of all pairs of two groups for them to be one thread."""
    max_days: int = 10
    """Articles published further apart than this (both dates known) are apart."""
    min_terms: int = 12
    """An article with fewer terms than this joins no thread."""
    search_terms: int = 12
    """How many of an article's heaviest terms find its candidate threads."""
    max_candidates: int = 20
    """The most candidate threads an article is judged against."""
    max_members: int = 50
    """The most members of one thread re-clustered with a new article (the newest)."""
    max_local: int = 150
    """The most articles re-clustered with a new article."""


DEFAULT_THREAD_PARAMS = ThreadParams()


@dataclass(frozen=True, slots=True)
class ThreadMember:
    """An article as thread assignment sees it: its vector, and the vector's
    terms hashed to integers with their weights (computed once, when not given)."""

    article_id: str
    vector: TermVector
    published: date | None = None
    index: Indexed | None = None

    def __post_init__(self) -> None:
        if self.index is None:
            object.__setattr__(self, "index", indexed(self.vector))


Indexed = tuple[np.ndarray, np.ndarray]
"""A vector's terms as integers (``zlib.crc32``) and their weights."""


def indexed(vector: TermVector) -> Indexed:
    ids = np.fromiter(
        (zlib.crc32(t.encode()) for t, _ in vector), dtype=np.int64, count=len(vector)
    )
    weights = np.fromiter((w for _, w in vector), dtype=np.float32, count=len(vector))
    return ids, weights


def new_thread_id(article_id: str) -> str:
    return stable_id("thread", article_id)


def vector_json(vector: TermVector) -> str:
    """A vector as the store keeps it (``articles.terms``)."""
    return json.dumps([[t, round(w, 5)] for t, w in vector], ensure_ascii=False)


def vector_from_json(raw: str | None) -> TermVector:
    """A stored vector; empty when there is none or it cannot be read."""
    if not raw:
        return ()
    try:
        return tuple((str(t), float(w)) for t, w in json.loads(raw))
    except (ValueError, TypeError):
        return ()


def _parse(raw: str | None) -> tuple[TermVector, Indexed]:
    v = vector_from_json(raw)
    return v, indexed(v)


def thread_vectors(tables: StoryTables, params: ThreadParams) -> ArticleVectors:
    """The article vectors threads (and story clustering) compare: the story
    tables' IDF and stopwords, the weights of ``params``."""
    return ArticleVectors(
        tables.idf,
        tables.stopwords,
        names=params.names,
        numbers=params.numbers,
        keep=params.keep,
        lead=params.lead,
    )


class ThreadRules:
    """Whether an article joins a thread (module docstring)."""

    def __init__(self, knowledge: Knowledge, params: ThreadParams = DEFAULT_THREAD_PARAMS) -> None:
        self.params = params
        self.vectors = thread_vectors(knowledge.stories, params)
        self.parsed: Memo[str | None, tuple[TermVector, Indexed]] = Memo(_parse, 8192)
        """A stored vector (JSON), parsed and indexed; remembered (members are
        read again and again)."""

    def vector_of(self, raw: str | None) -> TermVector:
        """A stored vector (JSON), through the memo of :attr:`parsed`."""
        return self.parsed(raw)[0]

    def vector(self, text: str) -> TermVector:
        """An article's text as the vector threads compare."""
        return self.vectors(text) if text else ()

    def usable(self, vector: TermVector) -> bool:
        """The article says enough to be compared."""
        return len(vector) >= self.params.min_terms

    def search_terms(self, vector: TermVector) -> list[str]:
        """The terms its candidate threads are found by."""
        return [t for t, _ in vector[: self.params.search_terms]]

    def similarities(self, members: Sequence[ThreadMember]) -> np.ndarray:
        """Pairwise similarity: the cosine of two articles' vectors, or
        ``APART`` when both dates are known and more than ``max_days`` apart."""
        n = len(members)
        parts = [m.index or indexed(m.vector) for m in members]
        ids = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
        weights = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.float32)
        rows = np.repeat(np.arange(n), [len(p[0]) for p in parts])
        terms, cols = np.unique(ids, return_inverse=True)
        x = np.zeros((n, max(1, len(terms))), dtype=np.float32)
        x[rows, cols] = weights
        sims = (x @ x.T).astype(float)
        days = np.array([m.published.toordinal() if m.published else -1 for m in members])
        known = days >= 0
        far = np.abs(days[:, None] - days[None, :]) > self.params.max_days
        sims[far & known[:, None] & known[None, :]] = APART
        return sims

    def recluster(
        self, local: Sequence[tuple[ThreadMember, str | None]]
    ) -> list[tuple[str | None, list[str]]]:
        """Cluster a neighbourhood again: each cluster (its article ids) with
        the thread id it keeps (that of the thread most of it came from; None
        for a new thread).  Articles are taken in id order, so the result
        depends on the set only."""
        ordered = sorted(local, key=lambda x: x[0].article_id)
        labels = average_linkage(self.similarities([m for m, _ in ordered]), self.params.link)
        clusters: dict[int, list[int]] = defaultdict(list)
        for i, lab in enumerate(labels):
            clusters[lab].append(i)
        # Each old thread id goes to the cluster that holds most of its articles.
        overlap: list[tuple[int, str, int]] = []
        for lab, idx in clusters.items():
            counts: dict[str, int] = defaultdict(int)
            for i in idx:
                old = ordered[i][1]
                if old is not None:
                    counts[old] += 1
            overlap.extend((n, tid, lab) for tid, n in counts.items())
        overlap.sort(key=lambda x: (-x[0], x[1], x[2]))
        kept: dict[int, str] = {}
        used: set[str] = set()
        for _, tid, lab in overlap:
            if lab not in kept and tid not in used:
                kept[lab] = tid
                used.add(tid)
        return [
            (kept.get(lab), [ordered[i][0].article_id for i in idx])
            for lab, idx in sorted(clusters.items(), key=lambda x: x[1][0])
        ]


APART = -np.inf
"""The similarity of two articles published too far apart: any group holding
both has a mean of minus infinity, so they are never one thread."""


def average_linkage(sims: np.ndarray, link: float) -> list[int]:
    """Labels of average-linkage clusters: the two groups whose pairs are most
    similar on average join while that mean is at least ``link`` (ties: the
    first pair in index order)."""
    n = sims.shape[0]
    labels = list(range(n))
    if n < 2:
        return labels
    a = sims.astype(float).copy()
    np.fill_diagonal(a, -np.inf)
    size = np.ones(n)
    while True:
        k = int(np.argmax(a))
        i, j = divmod(k, n)
        if not a[i, j] >= link:
            break
        i, j = min(i, j), max(i, j)
        merged = (a[i] * size[i] + a[j] * size[j]) / (size[i] + size[j])
        a[i, :] = merged
        a[:, i] = merged
        a[i, i] = -np.inf
        a[j, :] = -np.inf
        a[:, j] = -np.inf
        size[i] += size[j]
        labels = [i if lab == j else lab for lab in labels]
    return labels


class ThreadClusterer:
    """Incremental threads in memory, the same rules and candidate search the store uses."""

    def __init__(
        self, knowledge: Knowledge | None = None, params: ThreadParams = DEFAULT_THREAD_PARAMS
    ) -> None:
        from eventlens.knowledge import Knowledge

        self.rules = ThreadRules(knowledge or Knowledge(), params)
        self.params = params
        self._members: dict[str, list[ThreadMember]] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        self.thread_of: dict[str, str | None] = {}

    def candidates(self, vector: TermVector) -> list[str]:
        """Threads sharing most of the vector's search terms, best first."""
        hits: dict[str, int] = defaultdict(int)
        for t in self.rules.search_terms(vector):
            for tid in self._postings.get(t, ()):
                if tid in self._members:
                    hits[tid] += 1
        return sorted(hits, key=lambda tid: (-hits[tid], tid))[: self.params.max_candidates]

    def add(self, article: ThreadMember) -> str | None:
        """Assign one article (re-clustering its neighbourhood); its thread,
        or None when it says too little."""
        if not self.rules.usable(article.vector):
            self.thread_of[article.article_id] = None
            return None
        local = neighbourhood(
            article,
            (
                (tid, self._members[tid][-self.params.max_members :])
                for tid in self.candidates(article.vector)
            ),
            self.params.max_local,
        )
        by_id = {m.article_id: m for m, _ in local}
        for kept, ids in self.rules.recluster(local):
            tid = kept or self._fresh(ids[0])
            for aid in ids:
                old = self.thread_of.get(aid)
                if old == tid:
                    continue
                if old is not None and old in self._members:
                    rest = [m for m in self._members[old] if m.article_id != aid]
                    if rest:
                        self._members[old] = rest
                    else:
                        del self._members[old]
                self._members.setdefault(tid, []).append(by_id[aid])
                self.thread_of[aid] = tid
                for t in self.rules.search_terms(by_id[aid].vector):
                    self._postings[t].add(tid)
        return self.thread_of[article.article_id]

    def _fresh(self, article_id: str) -> str:
        tid, n = new_thread_id(article_id), 0
        while tid in self._members:
            n += 1
            tid = new_thread_id(f"{article_id}/{n}")
        return tid

    def threads(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for article_id, tid in self.thread_of.items():
            if tid is not None:
                out[tid].append(article_id)
        return dict(out)


def neighbourhood(
    article: ThreadMember,
    threads: Iterable[tuple[str, Sequence[ThreadMember]]],
    limit: int,
) -> list[tuple[ThreadMember, str | None]]:
    """The new article and the members of its candidate threads (best first),
    each with its thread, at most ``limit`` articles (whole threads only)."""
    local: list[tuple[ThreadMember, str | None]] = [(article, None)]
    for tid, members in threads:
        fresh = [m for m in members if m.article_id != article.article_id]
        if len(local) + len(fresh) > limit:
            break
        local.extend((m, tid) for m in fresh)
    return local
