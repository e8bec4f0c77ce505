"""ACLED types by PLOVER type, mode and status (data/ontology.yaml, lexicon.Ontology)."""

from __future__ import annotations

import pytest

from eventlens.knowledge.lexicon import Ontology


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load()


@pytest.mark.parametrize(
    ("event_type", "mode", "status", "acled"),
    [
        ("ASSAULT", None, "occurred", ("Violence against civilians", "Attack")),
        ("ASSAULT", "drone", "occurred", ("Explosions/Remote violence", "Air/drone strike")),
        ("ASSAULT", "no-such-mode", "occurred", ("Violence against civilians", "Attack")),
        # a plot stopped or an attack that failed is a strategic development
        ("ASSAULT", "explosives", "foiled", ("Strategic developments", "Disrupted weapons use")),
        ("ASSAULT", None, "attempted", ("Strategic developments", "Disrupted weapons use")),
        # a threat or a warning is no ACLED event; neither is a foiled non-violent action
        ("ASSAULT", None, "threatened", (None, None)),
        ("ASSAULT", None, "warned", (None, None)),
        ("PROTEST", None, "foiled", (None, None)),
        ("NO-SUCH-TYPE", None, "occurred", (None, None)),
    ],
)
def test_acled_by_type_mode_and_status(
    ontology: Ontology,
    event_type: str,
    mode: str | None,
    status: str,
    acled: tuple[str | None, str | None],
) -> None:
    assert ontology.acled(event_type, mode, status) == acled
