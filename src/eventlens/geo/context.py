"""Resolution in context: the names of a document settle each other's senses.

A :class:`Group` is every span of one name (and hint), resolved together; its
candidates carry prior scores (see the geoparser).  :class:`Context` then lets
the groups vote, pass after pass, for the countries, regions and places near
each other's candidates; :func:`keep_prominent` undoes what moved a capital or
a big city to a small namesake without a qualifier; :func:`stray` tells a
small place nothing else in the text supports.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from eventlens.geo.distance import haversine_km
from eventlens.geo.gazetteer import (
    CAPITAL_ADMIN1,
    CAPITAL_ADMIN2,
    CAPITAL_COUNTRY,
    MATCH_ALIAS,
    MATCH_PRIMARY,
    Candidate,
)
from eventlens.geo.hints import Hint
from eventlens.geo.weights import Weights


@dataclass(slots=True)
class Span:
    start: int
    end: int
    text: str
    key: str | None = None
    hint: Hint | None = None
    container: Candidate | None = None


@dataclass(slots=True)
class Group:
    """All spans of one name (and hint): resolved together, one sense per document."""

    key: str
    hint: Hint | None
    candidates: list[Candidate]
    spans: list[Span] = field(default_factory=list)
    containers: list[Candidate] = field(default_factory=list)
    prior: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    best: int = 0
    confidence: float = 0.0
    country_named: bool = False
    """A country has this name (by its own name or an English alias)."""
    peers: list[int] = field(default_factory=list)
    """The groups named next to this one in a list ("Oregon, Washington and Idaho")."""
    listed: bool = False
    """Whether the chosen place is of the kind its list peers chose (set by :class:`Context`)."""


def choose(g: Group, temperature: float) -> None:
    top = max(g.scores)
    exps = [math.exp((s - top) / temperature) for s in g.scores]
    g.best = max(range(len(g.scores)), key=lambda i: g.scores[i])
    g.confidence = exps[g.best] / sum(exps)


class Context:
    """Resolution in context, by soft votes (mean field).

    Each pass turns every name's scores into probabilities over its
    candidates; a candidate then gains from the probability mass the *other*
    names put on its country, its first- and second-level regions, and on
    places near it.  A few passes let unambiguous names settle ambiguous ones.
    """

    def __init__(self, groups: list[Group], votes_fixed: dict[str, float], w: Weights) -> None:
        self.groups = groups
        self.w = w
        self.fixed = votes_fixed
        self.fixed_total = sum(votes_fixed.values())
        cands = [(gi, c) for gi, g in enumerate(groups) for c in g.candidates]
        self.grp = np.array([gi for gi, _ in cands], dtype=np.int64)
        self.country = [c.country for _, c in cands]
        self.a1 = [c.pid if c.feature == "admin1" else c.admin1_pid for _, c in cands]
        self.a2 = [c.pid if c.feature == "admin2" else c.admin2_pid for _, c in cands]
        lat = np.radians(np.array([c.lat for _, c in cands]))
        lon = np.radians(np.array([c.lon for _, c in cands]))
        self.gw = np.array([1.0 + math.log(len(g.spans)) for g in groups])
        self.pointlike = [c.feature in ("city", "locality", "admin2", "admin1") for _, c in cands]
        n = len(cands)
        if len(groups) > 1 and n > 0:
            dlat = lat[:, None] - lat[None, :]
            dlon = lon[:, None] - lon[None, :]
            a = (
                np.sin(dlat / 2) ** 2
                + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
            )
            km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
            self.q = np.clip(1.0 - np.log1p(km / 10.0) / math.log1p(150.0), 0.0, 1.0)
            pid = np.array([c.pid for _, c in cands])
            self.q[pid[:, None] == pid[None, :]] = 0.0  # two names, one place: no support
        else:
            self.q = np.zeros((n, n))
        self.onehot = np.zeros((n, len(groups)))
        self.onehot[np.arange(n), self.grp] = 1.0
        self.kind = [_list_kind(c) for _, c in cands]
        self.offset = np.cumsum([0, *(len(g.candidates) for g in groups)])

    def peer_support(self, p: np.ndarray) -> np.ndarray:
        """Per candidate: the share of its list peers' probability on places of its
        kind (a country; a first- or second-level subdivision of the same country)."""
        out = np.zeros(len(p))
        for gi, g in enumerate(self.groups):
            if not g.peers:
                continue
            lo, hi = int(self.offset[gi]), int(self.offset[gi + 1])
            mass: dict[tuple[str, str | None], float] = defaultdict(float)
            for o in g.peers:
                for j in range(int(self.offset[o]), int(self.offset[o + 1])):
                    kind = self.kind[j]
                    if kind is not None:
                        mass[kind] += float(p[j]) / len(g.peers)
            for i in range(lo, hi):
                kind = self.kind[i]
                if kind is not None:
                    out[i] = mass.get(kind, 0.0)
        return out

    def probabilities(self) -> np.ndarray:
        t = self.w.temperature
        parts = []
        for g in self.groups:
            sc = np.array(g.scores)
            e = np.exp((sc - sc.max()) / t)
            parts.append(e / e.sum())
        return np.concatenate(parts)

    def run(self) -> None:
        w = self.w
        n_groups = len(self.groups)
        for _ in range(w.passes if n_groups > 1 or self.fixed_total > 0 else 0):
            p = self.probabilities()
            mass = p * self.gw[self.grp]
            totals: list[dict[object, float]] = [defaultdict(float) for _ in range(3)]
            own: list[dict[tuple[int, object], float]] = [defaultdict(float) for _ in range(3)]
            for i, keys in enumerate(zip(self.country, self.a1, self.a2, strict=True)):
                gi = int(self.grp[i])
                for level, k in enumerate(keys):
                    if k is not None:
                        totals[level][k] += float(mass[i])
                        own[level][(gi, k)] += float(mass[i])
            other_weight = self.gw.sum() - self.gw + self.fixed_total
            # expected nearness to each other name, averaged over the other names
            near = self.q @ (self.onehot * p[:, None])  # (candidates, groups)
            near_own = near[np.arange(len(p)), self.grp]
            prox = (near @ self.gw - near_own * self.gw[self.grp]) / np.maximum(
                self.gw.sum() - self.gw[self.grp], 1e-9
            )
            peer = self.peer_support(p) * w.list_peer
            i = 0
            for gi, g in enumerate(self.groups):
                denom = other_weight[gi]
                scores = []
                for prior in g.prior:
                    s = prior
                    if denom > 0:
                        k = self.country[i]
                        if k is not None:
                            v = totals[0][k] - own[0][(gi, k)] + self.fixed.get(k, 0.0)
                            s += w.country_share * v / denom
                        k1 = self.a1[i]
                        if k1 is not None:
                            s += w.admin1_share * (totals[1][k1] - own[1][(gi, k1)]) / denom
                        k2 = self.a2[i]
                        if k2 is not None:
                            s += w.admin2_share * (totals[2][k2] - own[2][(gi, k2)]) / denom
                    if n_groups > 1 and self.pointlike[i]:
                        s += w.proximity * float(prox[i])
                    s += float(peer[i])
                    scores.append(s)
                    i += 1
                g.scores = scores
        for g in self.groups:
            choose(g, w.temperature)
        if any(g.peers for g in self.groups):
            support = self.peer_support(self.probabilities())
            for gi, g in enumerate(self.groups):
                g.listed = bool(support[int(self.offset[gi]) + g.best] >= 0.5)


def _list_kind(c: Candidate) -> tuple[str, str | None] | None:
    """What a list of names shares: countries, or one country's subdivisions of a
    level, or its towns ("Kharkiv and Ivano-Frankivsk" are two cities, not the two
    provinces named after them)."""
    if c.feature == "country":
        return ("country", None)
    if c.feature in ("admin1", "admin2", "city"):
        return (c.feature, c.country)
    return None


_SENTENCE_END = re.compile(r"(?<![A-Z][a-z])(?<!\b[A-Z])[.!?][\"'”’)]*\s+(?=[A-Z\"“])|\n\s*")


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start (a light splitter: abbreviations
    such as "Ky." or "St." and initials do not end a sentence)."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def sentence_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _prominent(c: Candidate, population: int = 1_000_000) -> bool:
    return (
        c.feature in ("city", "locality")
        and c.match in (MATCH_PRIMARY, MATCH_ALIAS)
        and (c.capital == CAPITAL_COUNTRY or c.population >= population)
    )


def keep_prominent(groups: list[Group], starts: list[int], text_end: int, w: Weights) -> None:
    """Undo context that moved a capital or a big city to a small namesake.

    "London" stays the capital of the United Kingdom in a story that names
    Ohio towns elsewhere; only a qualifier in the mention ("London, Ohio",
    a hint word) or a place of its own sentence within ``km`` of the namesake
    or in its first-level region moves it (and, if ``w.prominent_local`` is
    set, that many places of other sentences that are both).
    The source's place (spans from ``text_end``) counts as part of every sentence,
    as a dateline would.  ``w.prominent_km``
    is that distance and ``w.prominent_population`` the size of a big city.
    """
    km, pop = w.prominent_km, w.prominent_population
    sentences = [
        {sentence_of(starts, s.start) if s.start < text_end else -1 for s in g.spans}
        for g in groups
    ]
    for gi, g in enumerate(groups):
        c = g.candidates[g.best]
        if _prominent(c, pop) or g.containers or g.hint is not None or g.listed:
            continue
        big = [i for i, o in enumerate(g.candidates) if _prominent(o, pop) and o.pid != c.pid]
        if not big:
            continue
        local = 0
        supported = False
        for oi, o in enumerate(groups):
            if oi == gi or o.confidence < 0.3:
                continue
            oc = o.candidates[o.best]
            same_region = c.admin1_pid is not None and c.admin1_pid in (oc.admin1_pid, oc.pid)
            near = (
                oc.feature in ("city", "locality", "admin2")
                and haversine_km(c.lat, c.lon, oc.lat, oc.lon) < km
            )
            if sentences[oi] & sentences[gi] or -1 in sentences[oi]:
                if same_region or near:
                    supported = True
                    break
            elif same_region and near:
                local += 1
        if w.prominent_local is not None and local >= w.prominent_local:
            supported = True
        if supported:
            continue
        best = max(big, key=lambda i: g.scores[i])
        g.best = best
        g.confidence = max(0.5, g.confidence)


def stray(
    g: Group,
    c: Candidate,
    groups: list[Group],
    votes: dict[str, float],
    km: float,
) -> bool:
    """Whether the winner is a village or small town that nothing else in the text supports.

    "Piccadilly" in a London story has one gazetteer candidate, a hamlet in
    Western Australia: when the best a name can do is a place under 5,000
    people, in a country no other name, demonym or hint of the text points to,
    and more than ``km`` from every other place the text names (at least two),
    the name is left unresolved rather than put on another continent.
    """
    if c.feature != "locality" or g.containers or g.hint == "city":
        return False
    others = [o.candidates[o.best] for o in groups if o is not g and o.confidence >= 0.5]
    if len(others) < 2 or c.country in votes:
        return False
    if any(o.country == c.country for o in others):
        return False
    return all(haversine_km(c.lat, c.lon, o.lat, o.lon) > km for o in others)


def has_seat(admin: Candidate, cands: list[Candidate]) -> bool:
    """Whether a candidate city of the same name is this region's seat (Istanbul in Istanbul)."""
    want = CAPITAL_ADMIN1 if admin.feature == "admin1" else CAPITAL_ADMIN2
    for c in cands:
        if c.feature not in ("city", "locality") or c.capital not in (want, CAPITAL_COUNTRY):
            continue
        if (admin.feature == "admin1" and c.admin1_pid == admin.pid) or (
            admin.feature == "admin2" and c.admin2_pid == admin.pid
        ):
            return True
    return False


def inside(c: Candidate, container: Candidate) -> bool:
    if container.feature == "country":
        return c.country == container.country and c.feature != "country"
    if container.feature == "admin1":
        return c.admin1_pid == container.pid and c.pid != container.pid
    return False
