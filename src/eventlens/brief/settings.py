"""What the brief shows and the spike rule, from ``eventlens/data/brief.yaml``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from eventlens.errors import ResourceError, UsageError
from eventlens.knowledge.loader import load_yaml

Call = Literal["spike", "drop"]


@dataclass(frozen=True, slots=True)
class SpikeRule:
    """When a count differs from its baseline by more than the baseline's variation."""

    z: float
    min_count: int
    min_spread: float

    def spread(self, baseline: tuple[int, ...]) -> float:
        """The larger of the baseline's standard deviation and √mean (Poisson), at least
        ``min_spread``."""
        if not baseline:
            return self.min_spread
        m = sum(baseline) / len(baseline)
        sd = (
            math.sqrt(sum((b - m) ** 2 for b in baseline) / (len(baseline) - 1))
            if len(baseline) > 1
            else 0.0
        )
        return max(sd, math.sqrt(m), self.min_spread)

    def call(self, count: int, baseline: tuple[int, ...]) -> Call | None:
        """``spike``, ``drop``, or None when the baseline's variation explains ``count``."""
        if not baseline:
            return None
        m = sum(baseline) / len(baseline)
        s = self.spread(baseline)
        if count >= self.min_count and count > m + self.z * s:
            return "spike"
        if m >= self.min_count and count < m - self.z * s:
            return "drop"
        return None

    def words(self, n_periods: int, days: int) -> str:
        """The rule as a sentence for the brief."""
        return (
            f"A count is called a spike when it is at least {self.min_count} and more than "
            f"{self.z:g} spreads above the mean of the baseline (the {n_periods} periods of "
            f"{days} days before this one, periods without events counted as zero), and a "
            f"drop when the baseline mean is at least {self.min_count} and the count is more "
            f"than {self.z:g} spreads below it; the spread is the larger of the baseline's "
            f"standard deviation and the square root of its mean (the variation of a count "
            f"of independent events), and at least {self.min_spread:g}. Anything else is "
            "within what the baseline's variation explains."
        )


@dataclass(frozen=True, slots=True)
class Region:
    key: str
    name: str
    countries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BriefSettings:
    spike: SpikeRule
    baseline_periods: int
    top_stories: int
    per_status: int
    quotes_per_story: int
    quote_chars: int
    cite_ids: int
    map_points: int
    not_happened: tuple[str, ...]
    happened: tuple[str, ...]
    regions: tuple[Region, ...]
    status_words: dict[str, str]

    def region(self, name: str) -> Region:
        """The region called ``name`` (its key or its name, any case)."""
        want = name.strip().lower()
        for r in self.regions:
            if want in (r.key, r.name.lower()):
                return r
        known = ", ".join(r.key for r in self.regions)
        raise UsageError(f"unknown region {name!r}; known regions: {known}")

    @classmethod
    def load(cls) -> BriefSettings:
        """The settings shipped in ``eventlens/data/brief.yaml``, read now: hold the object
        (a brief passes it from :func:`build_brief` to its renderer) rather than reloading."""
        raw = load_yaml("brief.yaml")
        try:
            return _parse(raw)
        except (KeyError, TypeError, ValueError) as e:
            raise ResourceError(f"eventlens/data/brief.yaml is malformed: {e}") from None


def _parse(raw: Any) -> BriefSettings:
    s = raw["spike"]
    return BriefSettings(
        spike=SpikeRule(float(s["z"]), int(s["min_count"]), float(s["min_spread"])),
        baseline_periods=int(raw["baseline_periods"]),
        top_stories=int(raw["top_stories"]),
        per_status=int(raw["per_status"]),
        quotes_per_story=int(raw["quotes_per_story"]),
        quote_chars=int(raw["quote_chars"]),
        cite_ids=int(raw["cite_ids"]),
        map_points=int(raw["map_points"]),
        not_happened=tuple(raw["not_happened"]),
        happened=tuple(raw["happened"]),
        regions=tuple(
            Region(k, str(v["name"]), tuple(str(c).upper() for c in v["countries"]))
            for k, v in raw["regions"].items()
        ),
        status_words={str(k): str(v) for k, v in raw["status_words"].items()},
    )


def brief_settings() -> BriefSettings:
    """The settings shipped in ``eventlens/data/brief.yaml`` (:meth:`BriefSettings.load`;
    read on each call, so a caller that needs them twice holds the object)."""
    return BriefSettings.load()
