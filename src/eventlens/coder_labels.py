"""The event coder's label file (``coder/labels.yaml``) and the readers of its sections.

Each reader takes the parsed file (:func:`load_labels`, parsed once per model) and turns
one section into the table the coder decides with; a malformed section is a one-line
:class:`ResourceError` naming the file and the section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from eventlens.errors import ResourceError
from eventlens.knowledge.loader import data_path, load_yaml
from eventlens.model import STATUSES, Status

NO_ACLED = "none"

LABELS_FILE = "coder/labels.yaml"


def load_labels() -> Any:
    """``labels.yaml``, parsed once per model; the section readers below take it."""
    return load_yaml(LABELS_FILE)


def _unreadable(section: str, e: Exception) -> ResourceError:
    return ResourceError(f"{data_path(LABELS_FILE)}: cannot read {section} ({e})")


def load_compatibility(data: Mapping[str, Any] | None = None) -> dict[str, frozenset[str]]:
    """Which ACLED types (or ``Type|Sub`` labels, or ``none``) each PLOVER type may take.

    From ``labels.yaml``'s ``plover_acled``; key ``""`` is for events that did not
    happen, ``!required`` lists the types that are always an ACLED event when they occur,
    ``!not_occurred`` the labels an event that occurred never takes.
    """
    data = load_labels() if data is None else data
    try:
        table = data["plover_acled"]
        out = {str(k): frozenset(str(x) for x in v) for k, v in table["types"].items()}
        out[""] = frozenset({NO_ACLED})
        out["!required"] = frozenset(table["required"])
        out["!not_occurred"] = frozenset(table.get("not_occurred_only", []))
        out["!lexicon_decides"] = frozenset(table.get("lexicon_decides", []))
    except (KeyError, TypeError) as e:
        raise _unreadable("plover_acled", e) from None
    return out


def load_statement_status(data: Mapping[str, Any] | None = None) -> dict[tuple[str, str], Status]:
    """(type, status) -> the status of that type's own statement (``statement_status``)."""
    data = load_labels() if data is None else data
    try:
        table = data.get("statement_status") or {}
        return {
            (str(t), str(given)): cast(Status, str(own))
            for t, pairs in table.items()
            for given, own in pairs.items()
        }
    except (AttributeError, TypeError) as e:
        raise _unreadable("statement_status", e) from None


@dataclass(frozen=True, slots=True)
class OtherEvent:
    """A status that belongs to a second event (``status_of_other_event``)."""

    own: Status  # the coded event's own status
    other: str  # the PLOVER type of the event the status belongs to


def load_other_events(
    data: Mapping[str, Any] | None = None,
) -> dict[tuple[str, str | None, str], OtherEvent]:
    """(type, mode, status read) -> :class:`OtherEvent` (``status_of_other_event``)."""
    data = load_labels() if data is None else data
    try:
        table = data.get("status_of_other_event") or {}
        out: dict[tuple[str, str | None, str], OtherEvent] = {}
        for key, pairs in table.items():
            t, _, m = str(key).partition("|")
            for given, spec in pairs.items():
                own = str(spec["own"])
                if own not in STATUSES or str(given) not in STATUSES:
                    raise ValueError(f"{key}: unknown status {own!r} or {given!r}")
                out[(t, m or None, str(given))] = OtherEvent(own, str(spec["other"]))
        return out
    except (AttributeError, TypeError, KeyError, ValueError) as e:
        raise _unreadable("status_of_other_event", e) from None


def load_acled_words(data: Mapping[str, Any] | None = None) -> dict[str, frozenset[str]]:
    """ACLED label -> the words a passage needs for it (``acled_needs_words``)."""
    data = load_labels() if data is None else data
    try:
        table = data.get("acled_needs_words") or {}
        return {str(k): frozenset(str(w).lower() for w in v) for k, v in table.items()}
    except (AttributeError, TypeError) as e:
        raise _unreadable("acled_needs_words", e) from None
