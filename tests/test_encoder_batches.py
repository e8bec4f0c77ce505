"""The encoder's runs: grouped by token count, every text once, order of the output kept."""

from __future__ import annotations

import pytest

from eventlens.encoder import Encoder, length_groups


@pytest.mark.parametrize(
    ("lengths", "batch"),
    [
        ([], 32),
        ([7], 32),
        ([20, 20, 20, 20], 2),
        ([12, 40, 13, 41, 12, 90, 39], 32),
        (list(range(5, 100, 3)), 4),
    ],
)
def test_length_groups_cover_every_text_once_within_the_batch_size(
    lengths: list[int], batch: int
) -> None:
    groups = length_groups(lengths, batch)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    assert all(0 < len(g) <= batch for g in groups)


def test_texts_of_very_different_lengths_run_apart() -> None:
    groups = length_groups([10, 10, 90, 90], 32)
    assert sorted(map(sorted, groups)) == [[0, 1], [2, 3]]


def test_a_vector_does_not_depend_on_the_texts_it_runs_with() -> None:
    enc = Encoder()
    texts = [
        "Police fired tear gas at protesters in Nairobi.",
        "Gunmen killed three villagers on Monday night in an attack blamed on bandits.",
        "",
        "A bomb exploded.",
    ]
    together = enc.embed(texts)
    for i, t in enumerate(texts):
        assert (enc.embed([t])[0] == together[i]).all()
