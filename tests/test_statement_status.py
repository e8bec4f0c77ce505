"""A threat that was made occurred (codebook, statuses): the coder's THREATEN events take
status ``occurred`` even where the status rules read "threatened to ..." as ``threatened``
(``statement_status`` in ``coder/labels.yaml``).  Sentences written for this test."""

from __future__ import annotations

from datetime import date

import pytest

from eventlens.coder_labels import load_statement_status
from eventlens.model import Article
from eventlens.pipeline import Pipeline

THREATS = [
    "The militant group threatened on Sunday to carry out revenge attacks against Kenya "
    "unless its troops leave Somalia.",
    "Rebel commanders vowed to attack the capital within days, according to a statement "
    "posted online on Friday.",
    "The union threatened to call a general strike if the wage deal is scrapped.",
    "Kidnappers threatened to kill the two engineers if the ransom was not paid by Friday, "
    "relatives said.",
]


@pytest.mark.parametrize("text", THREATS)
def test_a_threat_made_occurred(pipeline: Pipeline, text: str) -> None:
    doc = pipeline(Article(id="t", content=text, published=date(2024, 3, 5)))
    got = {(e.event_type, e.status) for e in doc.events}
    assert ("THREATEN", "threatened") not in got, "a threat made is not itself threatened"
    # the threat, or the act threatened (codebook: both are relevant readings)
    assert ("THREATEN", "occurred") in got or any(s == "threatened" for _, s in got), got


def test_statement_status_table() -> None:
    table = load_statement_status()
    assert table[("THREATEN", "threatened")] == "occurred"
    assert table[("THREATEN", "hypothetical")] == "occurred", "a threat's condition is said"
    assert ("ASSAULT", "threatened") not in table, "a threatened attack stays threatened"
