"""The event finder's word lists (``data/event_words.yaml``), parsed once per
:class:`eventlens.knowledge.Knowledge` (its ``event_words`` section)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from eventlens.knowledge.loader import load_yaml

WordSet = frozenset[str]
"""A set of lemmas or lower-case words, matched whole."""


@dataclass(frozen=True, slots=True)
class EventWords:
    """Words that decide roles, status and counts (see the comments in the file)."""

    demand_modals: WordSet
    carrier_preps: WordSet
    speech_act_types: WordSet
    media_nouns: WordSet
    actor_nouns: WordSet
    owner_nouns: WordSet
    reporting_verbs: WordSet
    statement_verbs: WordSet
    own_action_verbs: WordSet
    own_action_types: WordSet
    launch_verbs: WordSet
    launch_target_preps: WordSet
    person_possessives: WordSet
    verb_recipient_preps: WordSet
    nominal_actor_preps: WordSet
    nominal_target_preps: WordSet
    cause_preps: WordSet
    governing_preps: WordSet
    ability_adjectives: WordSet
    report_verbs: WordSet
    kill_words: WordSet
    injure_words: WordSet
    intransitive_harm: WordSet
    toll_preps: WordSet
    participant_words: WordSet
    participant_numbers: WordSet
    of_count_heads: WordSet
    singular_pronouns: WordSet
    indefinite_articles: WordSet
    new_event_words: WordSet
    back_reference_nouns: WordSet
    back_reference_determiners: WordSet
    back_reference_types: WordSet
    stopping_modes: WordSet
    local_force_sectors: WordSet

    @classmethod
    def load(cls) -> EventWords:
        data: dict[str, Any] = load_yaml("event_words.yaml")
        return cls(
            **{
                name: frozenset(str(w) for w in data[name])
                for name in (f.name for f in fields(cls))
            }
        )
