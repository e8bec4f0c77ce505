"""Last stage: ontology mappings, contexts and ids.

Adds the CAMEO root and the ACLED event / sub-event type of each event's
type, mode and status (``data/ontology.yaml``) and PLOVER contexts cued by
words in its sentence.  The confidence cut (``settings.min_confidence``) is
made once, by the merge stage, before mentions are merged, so that a weak
candidate never merges into a kept event; this stage requires it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from eventlens.model import Document, Event, stable_id
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage


class Finalizer(Stage):
    name = "eventlens.finalize.v1"
    requires: tuple[str, ...] = ("events", "merged")
    provides: tuple[str, ...] = ("final",)

    def __call__(self, doc: Document) -> Document:
        onto = self.resources.lexicon.ontology
        cue_re = _cue_pattern(tuple(onto.context_cues))
        out: list[Event] = []
        for ev in doc.events:
            entry = onto.lookup(ev.event_type, ev.mode)
            # the trigger's offset makes the id unique within the article and stable across runs
            anchor = ev.trigger[0] if ev.trigger else ev.evidence.start
            acled = (
                (ev.acled_event_type, ev.acled_sub_event_type)
                if ev.coded
                else onto.acled(ev.event_type, ev.mode, ev.status)
            )
            sentence = (
                doc.sentences[ev.evidence.sentence].text if doc.sentences else ev.evidence.text
            )
            contexts = set(entry.contexts)
            for m in cue_re.finditer(sentence.lower()):
                contexts.add(onto.context_cues[m.group(0)])
            out.append(
                replace(
                    ev,
                    id=stable_id(doc.article.id, ev.event_type, ev.status, str(anchor)),
                    cameo_root=entry.cameo_root,
                    acled_event_type=acled[0],
                    acled_sub_event_type=acled[1],
                    contexts=tuple(sorted(contexts)),
                )
            )
        out.sort(key=lambda e: (e.evidence.start, e.event_type))
        return replace(doc, events=tuple(out))


def _cue_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


def make_finalizer(settings: Settings, resources: Resources) -> Finalizer:
    return Finalizer(settings, resources)
