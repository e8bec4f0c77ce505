"""Knowledge kept as data: trigger, status-cue and ontology tables.

The YAML files under ``eventlens/data`` are read (through
:mod:`eventlens.knowledge.loader`) once per pipeline into immutable lookups.
Nothing here knows any particular article.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from eventlens.errors import ResourceError
from eventlens.knowledge.loader import load_yaml
from eventlens.model import EVENT_TYPES, STATUSES


@dataclass(frozen=True, slots=True)
class TriggerSense:
    """What a trigger word announces."""

    event_type: str
    mode: str | None
    weight: float


def parse_sense(spec: str, where: str) -> TriggerSense:
    """Parse ``TYPE``, ``TYPE/mode`` or ``TYPE/mode@weight``."""
    body, _, weight = spec.partition("@")
    event_type, _, mode = body.partition("/")
    event_type = event_type.strip().upper()
    if event_type not in EVENT_TYPES:
        raise ResourceError(f"{where}: unknown event type {event_type!r} in {spec!r}")
    try:
        w = float(weight) if weight else 0.8
    except ValueError:
        raise ResourceError(f"{where}: bad weight in {spec!r}") from None
    return TriggerSense(event_type, mode.strip() or None, w)


def _senses(table: dict[str, str], where: str) -> MappingProxyType[str, TriggerSense]:
    return MappingProxyType({k.lower(): parse_sense(v, f"{where}:{k}") for k, v in table.items()})


@dataclass(frozen=True, slots=True)
class Lexicon:
    verbs: MappingProxyType[str, TriggerSense]
    nouns: MappingProxyType[str, TriggerSense]
    phrases: MappingProxyType[str, TriggerSense]
    light_verbs: frozenset[str]
    noun_modifiers: MappingProxyType[str, MappingProxyType[str, TriggerSense]]
    violent_light_objects: MappingProxyType[str, TriggerSense]
    of_is_actor: frozenset[str]
    compound_heads: frozenset[str]
    non_violent_causes: frozenset[str]
    status: StatusCues
    ontology: Ontology

    @classmethod
    def load(cls) -> Lexicon:
        t = load_yaml("triggers.yaml")
        mods = {
            noun.lower(): _senses(table, f"triggers.yaml:noun_modifiers:{noun}")
            for noun, table in t["noun_modifiers"].items()
        }
        return cls(
            verbs=_senses(t["verbs"], "triggers.yaml:verbs"),
            nouns=_senses(t["nouns"], "triggers.yaml:nouns"),
            phrases=_senses(t["phrases"], "triggers.yaml:phrases"),
            light_verbs=frozenset(t["light_verbs"]),
            noun_modifiers=MappingProxyType(mods),
            violent_light_objects=_senses(t["violent_light_objects"], "triggers.yaml"),
            of_is_actor=frozenset(t["of_is_actor"]),
            compound_heads=frozenset(t.get("compound_heads", ())),
            non_violent_causes=frozenset(t.get("non_violent_causes", ())),
            status=StatusCues.load(),
            ontology=Ontology.load(),
        )


@dataclass(frozen=True, slots=True)
class StatusCues:
    """Words that change an event's status (see ``data/status.yaml``)."""

    governors: MappingProxyType[str, str]
    noun_governors: MappingProxyType[str, str]
    modifiers: MappingProxyType[str, str]
    modals: MappingProxyType[str, str]
    sentence_foil_patterns: tuple[str, ...]
    priority: tuple[str, ...]
    anaphors: frozenset[str]
    intent_to_cooperate: frozenset[str]
    cooperative_types: frozenset[str]
    absorbing_types: frozenset[str]
    hostile_types: frozenset[str]
    intent_to_act: frozenset[str]
    protest_absorbs: frozenset[str]

    @classmethod
    def load(cls) -> StatusCues:
        d = load_yaml("status.yaml")

        def invert(section: str) -> MappingProxyType[str, str]:
            out: dict[str, str] = {}
            for status, words in d[section].items():
                if status not in STATUSES:
                    raise ResourceError(f"status.yaml:{section}: unknown status {status!r}")
                for w in words:
                    out[w.lower()] = status
            return MappingProxyType(out)

        return cls(
            governors=invert("governors"),
            noun_governors=invert("noun_governors"),
            modifiers=invert("modifiers"),
            modals=invert("modals"),
            sentence_foil_patterns=tuple(d["sentence_foil_patterns"]),
            priority=tuple(d["priority"]),
            anaphors=frozenset(d["anaphors"]),
            intent_to_cooperate=frozenset(d["intent_to_cooperate"]),
            cooperative_types=frozenset(d["cooperative_types"]),
            absorbing_types=frozenset(d["absorbing_types"]),
            hostile_types=frozenset(d["hostile_types"]),
            intent_to_act=frozenset(d["intent_to_act"]),
            protest_absorbs=frozenset(d["protest_absorbs"]),
        )


@dataclass(frozen=True, slots=True)
class OntologyEntry:
    cameo_root: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    contexts: tuple[str, ...]


VIOLENT_TYPES = frozenset({"ASSAULT"})
"""Types whose attempts, plots and threats ACLED codes by status."""


@dataclass(frozen=True, slots=True)
class Ontology:
    """PLOVER type/mode -> CAMEO root, ACLED type, default contexts."""

    types: MappingProxyType[str, OntologyEntry]
    modes: MappingProxyType[str, OntologyEntry]
    status_acled: MappingProxyType[str, tuple[str | None, str | None]]
    context_cues: MappingProxyType[str, str]

    @classmethod
    def load(cls) -> Ontology:
        d = load_yaml("ontology.yaml")

        def entry(v: dict[str, Any], base: OntologyEntry | None = None) -> OntologyEntry:
            acled = v.get("acled")
            return OntologyEntry(
                cameo_root=str(v["cameo"]) if "cameo" in v else (base.cameo_root if base else None),
                acled_event_type=acled[0] if acled else (base.acled_event_type if base else None),
                acled_sub_event_type=acled[1]
                if acled
                else (base.acled_sub_event_type if base else None),
                contexts=tuple(v.get("contexts", base.contexts if base else ())),
            )

        types: dict[str, OntologyEntry] = {}
        modes: dict[str, OntologyEntry] = {}
        for t, v in d["types"].items():
            types[t] = entry(v)
            for m, mv in (v.get("modes") or {}).items():
                modes[f"{t}/{m}"] = entry(mv or {}, types[t])
        status_acled = {
            s: (v[0], v[1]) if v else (None, None) for s, v in d["status_acled"].items()
        }
        cues = {w.lower(): ctx for ctx, words in d["context_cues"].items() for w in words}
        return cls(
            MappingProxyType(types),
            MappingProxyType(modes),
            MappingProxyType(status_acled),
            MappingProxyType(cues),
        )

    def lookup(self, event_type: str, mode: str | None) -> OntologyEntry:
        if mode and f"{event_type}/{mode}" in self.modes:
            return self.modes[f"{event_type}/{mode}"]
        return self.types.get(event_type, OntologyEntry(None, None, None, ()))

    def acled(
        self, event_type: str, mode: str | None, status: str
    ) -> tuple[str | None, str | None]:
        """ACLED (event type, sub-event type) of an event of this type, mode and status.

        An event that did not occur has none, except a violent one, which
        takes its status' type ("foiled" attack: Strategic developments /
        Disrupted weapons use).
        """
        if status == "occurred":
            entry = self.lookup(event_type, mode)
            return entry.acled_event_type, entry.acled_sub_event_type
        by_status = self.status_acled.get(status, (None, None))
        return by_status if event_type in VIOLENT_TYPES and by_status[0] else (None, None)
