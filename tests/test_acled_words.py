"""ACLED labels a passage must name (``acled_needs_words`` in ``coder/labels.yaml``):
no chemical attack without a chemical, no sexual violence without its words.
Sentences written for this test."""

from __future__ import annotations

import numpy as np
import pytest

from eventlens.coder import Candidate, CoderModel
from eventlens.coder_labels import load_acled_words
from eventlens.pipeline import Pipeline

CHEMICAL = "Explosions/Remote violence|Chemical weapon"
SEXUAL = "Violence against civilians|Sexual violence"


@pytest.fixture(scope="module")
def coder(pipeline: Pipeline) -> CoderModel:
    return pipeline.resources.coder


def _cand(text: str, trigger: str) -> Candidate:
    i = text.index(trigger)
    return Candidate(text, i, i + len(trigger))


def test_the_table_names_both_labels() -> None:
    table = load_acled_words()
    assert "chlorine" in table[CHEMICAL] and "raped" in table[SEXUAL]


def test_a_label_without_its_words_gets_no_probability(coder: CoderModel) -> None:
    labels = list(coder.labels["acled"])
    p = np.full((2, len(labels)), 1.0 / len(labels), dtype=np.float32)
    cands = [
        _cand("Twin suicide bombings killed 40 people at a bus station.", "bombings"),
        _cand("Jets dropped chlorine bombs on the town, killing 12.", "dropped"),
    ]
    coder._require_words(p, cands)
    chem = labels.index(CHEMICAL)
    assert p[0, chem] == 0.0 and p[1, chem] > 0.0
    assert np.allclose(p.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        (
            "Twin suicide bombings in the capital killed 40 people at a bus station on Sunday.",
            "suicide bombings",
        ),
        ("A blast ripped through the crowded market in the old city, killing nine.", "blast"),
    ],
)
def test_no_chemical_attack_without_a_chemical(coder: CoderModel, text: str, trigger: str) -> None:
    (c,) = coder.code([_cand(text, trigger)])
    assert c.acled_sub != "Chemical weapon", c
