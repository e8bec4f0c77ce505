"""The actor dictionary and actor word lists as parsed tables: news outlets
(``data/media.yaml``), what an actor phrase can be (``data/actor_words.yaml``), and
named groups and sector keywords (``data/actors.yaml``, ``data/armed_groups.yaml``).
Sections of :class:`eventlens.knowledge.Knowledge`; used by :mod:`eventlens.actors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from eventlens.knowledge.loader import load_yaml


@dataclass(frozen=True, slots=True)
class MediaWords:
    """News outlets and the nouns a place can locate (``data/media.yaml``)."""

    outlet_words: frozenset[str]
    outlets: tuple[str, ...]
    place_heads: frozenset[str]
    actor_suffixes: frozenset[str]
    outlet_prefixes: tuple[str, ...]
    not_outlet_after_place: frozenset[str]

    @classmethod
    def load(cls) -> MediaWords:
        data: dict[str, Any] = load_yaml("media.yaml")
        return cls(
            outlet_words=frozenset(str(w).lower() for w in data["outlet_words"]),
            outlets=tuple(str(w) for w in data["outlets"]),
            place_heads=frozenset(str(w).lower() for w in data["place_heads"]),
            actor_suffixes=frozenset(str(w).lower() for w in data["actor_suffixes"]),
            outlet_prefixes=tuple(str(w) for w in data["outlet_prefixes"]),
            not_outlet_after_place=frozenset(
                str(w).lower() for w in data["not_outlet_after_place"]
            ),
        )


@dataclass(frozen=True, slots=True)
class ActorWords:
    """What an actor phrase can be (``data/actor_words.yaml``)."""

    quantity_heads: frozenset[str]
    bare_numbers: frozenset[str]
    instruments: MappingProxyType[str, str | None]
    media_heads: frozenset[str]
    event_heads: frozenset[str]
    not_sector: tuple[str, ...]
    person_nouns: frozenset[str]
    pronoun_window: int
    pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    person_pronouns: frozenset[str]
    no_antecedent: frozenset[str]
    collective_heads: frozenset[str]
    target_preps: frozenset[str]
    kept_preps: frozenset[str]
    force_heads: frozenset[str]
    head_over_group: frozenset[str]

    @classmethod
    def load(cls) -> ActorWords:
        data: dict[str, Any] = load_yaml("actor_words.yaml")

        def words(key: str) -> frozenset[str]:
            return frozenset(str(w) for w in data[key])

        return cls(
            quantity_heads=words("quantity_heads"),
            bare_numbers=words("bare_numbers"),
            instruments=MappingProxyType(
                {str(k).lower(): (str(v) if v else None) for k, v in data["instruments"].items()}
            ),
            media_heads=words("media_heads"),
            event_heads=words("event_heads"),
            not_sector=tuple(str(w).lower() for w in data["not_sector"]),
            person_nouns=words("person_nouns"),
            pronoun_window=int(data.get("pronoun_window", 1)),
            pronouns=words("pronouns"),
            plural_pronouns=words("plural_pronouns"),
            person_pronouns=words("person_pronouns"),
            no_antecedent=words("no_antecedent"),
            collective_heads=words("collective_heads"),
            target_preps=words("target_preps"),
            kept_preps=words("kept_preps"),
            force_heads=words("force_heads"),
            head_over_group=words("head_over_group"),
        )


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A named organisation of the actor dictionary, with its aliases in file order."""

    name: str
    sector: str | None
    country: str | None
    aliases: tuple[str, ...]


def _group_specs(raw: dict[str, Any] | None) -> tuple[GroupSpec, ...]:
    return tuple(
        GroupSpec(
            str(name),
            spec.get("sector"),
            spec.get("country"),
            tuple(str(a) for a in spec["aliases"]),
        )
        for name, spec in (raw or {}).items()
    )


@dataclass(frozen=True, slots=True)
class ActorTables:
    """The actor dictionary as parsed tables (``data/actors.yaml`` and
    ``data/armed_groups.yaml``; see the comments there)."""

    groups: tuple[GroupSpec, ...]
    """The named groups of actors.yaml (organisations, agencies, media)."""
    exact_case: frozenset[str]
    armed_groups: tuple[GroupSpec, ...]
    """The armed groups of armed_groups.yaml (actors.yaml wins where both name one)."""
    armed_exact_case: frozenset[str]
    sectors: tuple[tuple[str, tuple[str, ...]], ...]
    """(sector, keywords) in file order."""
    state_sectors: frozenset[str]
    non_state_sectors: frozenset[str]
    forces_sectors: frozenset[str]
    foreign_missions: frozenset[str]
    role_sector: MappingProxyType[str, MappingProxyType[str, str]]
    sector_labels: MappingProxyType[str, str]
    antecedent_sectors: MappingProxyType[tuple[str, str], frozenset[str]]
    """(event type, role) -> the sectors an anaphoric participant's antecedent may have."""

    @classmethod
    def load(cls) -> ActorTables:
        data: dict[str, Any] = load_yaml("actors.yaml")
        armed: dict[str, Any] = load_yaml("armed_groups.yaml")
        state = frozenset(str(s) for s in data.get("state_sectors", ()))
        non_state = frozenset(str(s) for s in data.get("non_state_sectors", ()))
        named = {"state": state, "non_state": non_state}
        antecedents: dict[tuple[str, str], frozenset[str]] = {}
        for key, members in (data.get("antecedent_sectors") or {}).items():
            event_type, _, role = str(key).partition(" ")
            out: set[str] = set()
            for m in members:
                out.update(named.get(str(m), {str(m)}))
            antecedents[(event_type, role)] = frozenset(out)
        return cls(
            groups=_group_specs(data["groups"]),
            exact_case=frozenset(str(w) for w in data.get("exact_case", ())),
            armed_groups=_group_specs(armed.get("groups")),
            armed_exact_case=frozenset(str(w) for w in armed.get("exact_case", ())),
            sectors=tuple(
                (str(k), tuple(str(w).lower() for w in v)) for k, v in data["sectors"].items()
            ),
            state_sectors=state,
            non_state_sectors=non_state,
            forces_sectors=frozenset(str(s) for s in data.get("forces_sectors", ())),
            foreign_missions=frozenset(str(w) for w in data.get("foreign_missions", ())),
            role_sector=MappingProxyType(
                {
                    str(k): MappingProxyType({str(a): str(b) for a, b in v.items()})
                    for k, v in (data.get("role_sector") or {}).items()
                }
            ),
            sector_labels=MappingProxyType(
                {str(k): str(v) for k, v in (data.get("sector_labels") or {}).items()}
            ),
            antecedent_sectors=MappingProxyType(antecedents),
        )
