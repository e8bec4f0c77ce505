"""The learned event coder: decisions, model files, and sentences written for its issue."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from eventlens import extract
from eventlens.coder import (
    NO_ACLED,
    RELEVANT,
    CoderModel,
    decide,
    model_dir,
    sparse_tokens,
)
from eventlens.coder_corpus import candidate, load_corpus, trigger_cache
from eventlens.coder_labels import load_compatibility
from eventlens.errors import ResourceError
from eventlens.evaluate.coder import score, split_records
from eventlens.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
BASELINE = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))


def _probs(labels: dict[str, list[str]], top: dict[str, dict[str, float]]) -> dict[str, np.ndarray]:
    out = {}
    for head, labs in labels.items():
        v = np.full(len(labs), 1e-3, dtype=np.float32)
        for lab, p in top.get(head, {}).items():
            v[labs.index(lab)] = p
        out[head] = v / v.sum()
    return out


LABELS = {
    "relevance": [RELEVANT, "disaster", "sports"],
    "plover": ["ASSAULT", "CONSULT", "PROTEST"],
    "mode": ["ASSAULT|", "ASSAULT|firearms", "CONSULT|", "PROTEST|demo"],
    "status": ["occurred", "planned", "foiled"],
    "acled": [NO_ACLED, "Battles|Armed clash", "Protests|Peaceful protest"],
}


def test_an_assault_that_occurred_is_always_an_acled_event() -> None:
    p = _probs(
        LABELS,
        {
            "relevance": {RELEVANT: 0.9},
            "plover": {"ASSAULT": 0.8},
            "status": {"occurred": 0.9},
            "acled": {NO_ACLED: 0.7, "Battles|Armed clash": 0.2},
        },
    )
    c = decide(p, LABELS, load_compatibility())
    assert (c.plover, c.acled_type, c.acled_sub) == ("ASSAULT", "Battles", "Armed clash")


def test_type_mode_and_acled_are_decoded_together() -> None:
    # The type head leans to PROTEST, but the ACLED head is sure of an armed clash, which
    # only an ASSAULT may carry: the pair (ASSAULT|firearms, Armed clash) wins.
    p = _probs(
        LABELS,
        {
            "relevance": {RELEVANT: 0.9},
            "plover": {"PROTEST": 0.55, "ASSAULT": 0.45},
            "mode": {"ASSAULT|firearms": 0.5, "PROTEST|demo": 0.5},
            "status": {"occurred": 0.9},
            "acled": {"Battles|Armed clash": 0.95},
        },
    )
    compat = load_compatibility()
    c = decide(p, LABELS, compat)
    assert (c.plover, c.mode, c.acled_sub) == ("ASSAULT", "firearms", "Armed clash")
    # the type head's own probability of ASSAULT, or its share of the joint mass
    assert c.p_type == pytest.approx(float(p["plover"][0]), rel=1e-4)
    joint = decide(p, LABELS, compat, joint_type=True)
    assert joint.plover == "ASSAULT" and joint.p_type > 0.9


def test_the_cooccurrence_prior_can_decide_the_acled_label() -> None:
    p = _probs(
        LABELS,
        {
            "relevance": {RELEVANT: 0.9},
            "plover": {"PROTEST": 0.9},
            "mode": {"PROTEST|demo": 0.9},
            "status": {"occurred": 0.9},
            "acled": {NO_ACLED: 0.5, "Protests|Peaceful protest": 0.45},
        },
    )
    compat = load_compatibility()
    assert decide(p, LABELS, compat).acled_sub is None
    # in training, PROTEST|demo was nearly always a peaceful protest
    cooc = np.full((len(LABELS["mode"]), len(LABELS["acled"])), np.log(0.01), dtype=np.float32)
    cooc[
        LABELS["mode"].index("PROTEST|demo"), LABELS["acled"].index("Protests|Peaceful protest")
    ] = np.log(0.98)
    c = decide(p, LABELS, compat, cooc=cooc, cooc_weight=0.3)
    assert c.acled_sub == "Peaceful protest"


def test_directional_features_tell_before_from_after() -> None:
    s = "Rebels planned to attack the base, officials said."
    i = s.index("attack")
    plain = sparse_tokens(s, i, i + 6, 70)
    both = sparse_tokens(s, i, i + 6, 70, directional=True)
    assert set(plain) < set(both)
    assert "L:planned" in both and "R:officials" in both and "R:planned" not in both


def test_a_planned_event_has_no_acled_columns_and_a_consult_never_does() -> None:
    compat = load_compatibility()
    planned = _probs(
        LABELS,
        {
            "relevance": {RELEVANT: 0.9},
            "plover": {"ASSAULT": 0.9},
            "status": {"planned": 0.9},
            "acled": {"Battles|Armed clash": 0.9},
        },
    )
    assert decide(planned, LABELS, compat).acled_sub is None
    consult = _probs(
        LABELS,
        {
            "relevance": {RELEVANT: 0.9},
            "plover": {"CONSULT": 0.9},
            "status": {"occurred": 0.9},
            "acled": {"Protests|Peaceful protest": 0.9},
        },
    )
    c = decide(consult, LABELS, compat)
    assert c.plover == "CONSULT" and c.acled_type is None


def test_an_irrelevant_candidate_says_why() -> None:
    p = _probs(LABELS, {"relevance": {"sports": 0.8}, "plover": {"ASSAULT": 0.9}})
    c = decide(p, LABELS, load_compatibility())
    assert not c.relevant and c.not_event == "sports"


def test_calibration_rises_with_both_probabilities() -> None:
    m = CoderModel.load()
    assert m.calibrated(0.9, 0.9) > m.calibrated(0.6, 0.9) > m.calibrated(0.3, 0.9)
    assert m.calibrated(0.9, 0.9) > m.calibrated(0.9, 0.4)


@pytest.mark.parametrize("missing", ["model.npz", "model.json"])
def test_a_missing_model_file_is_one_error_naming_it_and_the_rebuild_command(
    tmp_path: Path, missing: str
) -> None:
    for f in ("model.npz", "model.json", "labels.yaml"):
        shutil.copy(model_dir() / f, tmp_path / f)
    (tmp_path / missing).unlink()
    with pytest.raises(ResourceError) as e:
        CoderModel.load(tmp_path)
    msg = str(e.value)
    assert missing in msg and "scripts/train_coder.py" in msg and "\n" not in msg


def test_a_damaged_model_file_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    for f in ("model.npz", "model.json"):
        shutil.copy(model_dir() / f, tmp_path / f)
    (tmp_path / "model.npz").write_bytes(b"not a zip file")
    with pytest.raises(ResourceError, match="damaged"):
        CoderModel.load(tmp_path)
    meta = json.loads((model_dir() / "model.json").read_text(encoding="utf-8"))
    meta["format"] = "something else"
    shutil.copy(model_dir() / "model.npz", tmp_path / "model.npz")
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ResourceError, match="format"):
        CoderModel.load(tmp_path)


def test_candidate_is_the_sentence_holding_the_trigger() -> None:
    c = candidate("Floods hit the coast. Gunmen shot two guards in Mosul. Police said so.", "shot")
    assert c.sentence == "Gunmen shot two guards in Mosul."
    assert c.sentence[c.start : c.end] == "shot"


# Sentences from the coder's issue (written for it, not from any dev set) and our own.
NOT_VIOLENCE = [
    "A bus collided with a lorry on the highway near Nakuru on Sunday, killing 12 passengers, "
    "police said.",
    "The striker shot past the keeper in the 89th minute as United attacked relentlessly.",
    "The earthquake struck before dawn and killed at least 40 people in three mountain villages, "
    "the disaster agency said.",
    "Shares of the retailer were slashed after a rival launched a hostile bid on Monday.",
]
VIOLENT = ("ASSAULT", "PROTEST", "COERCE", "THREATEN", "MOBILIZE")


@pytest.mark.parametrize("text", NOT_VIOLENCE)
def test_no_violent_event_in_text_about_accidents_sport_disasters_or_business(
    pipeline: Pipeline, text: str
) -> None:
    events = extract(text, pipeline=pipeline)
    assert not [e for e in events if e.event_type in VIOLENT], [
        (e.event_type, e.evidence.text) for e in events
    ]


CODED = [
    (
        "Gunmen on motorbikes shot dead nine villagers in a raid on a hamlet in Zamfara state on "
        "Tuesday, residents said.",
        "ASSAULT",
        "occurred",
        "Violence against civilians",
    ),
    (
        "Thousands of teachers marched peacefully through the centre of Lima on Friday to demand "
        "higher pay.",
        "PROTEST",
        "occurred",
        "Protests",
    ),
    (
        "A drone strike on a convoy near Marib killed four fighters on Sunday, a military source "
        "said.",
        "ASSAULT",
        "occurred",
        "Explosions/Remote violence",
    ),
]


@pytest.mark.parametrize(("text", "etype", "status", "acled_type"), CODED)
def test_clear_events_are_coded(
    pipeline: Pipeline, text: str, etype: str, status: str, acled_type: str
) -> None:
    events = extract(text, pipeline=pipeline)
    assert any(
        e.event_type == etype and e.status == status and e.acled_event_type == acled_type
        for e in events
    ), [(e.event_type, e.status, e.acled_event_type, e.evidence.text) for e in events]


def test_corpus_test_split_meets_its_floors() -> None:
    files = sorted((ROOT / "data" / "coder" / "corpus").glob("*.jsonl"))
    records, bad = load_corpus(files)
    assert bad == 0
    test = split_records(records)
    figs = score(test, CoderModel.load().code([r.cand for r in test]))
    floors = BASELINE["coder"]
    problems = [
        f"{k}: {figs[k]} < {v}" for k, v in floors.items() if k != "ece_max" and figs[k] < v
    ]
    if figs["ece"] > floors["ece_max"]:
        problems.append(f"ece {figs['ece']} > {floors['ece_max']}")
    assert not problems, problems


@pytest.mark.slow
def test_real_news_dev_meets_its_floors(shared_path: Callable[[str], Path]) -> None:
    """``eventlens eval gold`` on ../shared/eval/realnews-dev against tests/eval_baseline.json."""
    from eventlens.evaluate.gold import evaluate, load_folder, pipeline_extractor

    folder = shared_path("eval/realnews-dev")
    figs = evaluate(load_folder(folder), pipeline_extractor()).figures()
    floors = BASELINE["realnews_dev"]
    assert figs["precision"] >= floors["precision"], figs
    assert figs["recall"] >= floors["recall"], figs
    assert figs["false_events_on_negatives"] <= floors["false_events_on_negatives_max"], figs
    assert figs["exact"] >= floors["exact"], figs
    for field, floor in floors["fields"].items():  # issue 11: the event's own fields
        assert figs["fields"][field] >= floor, (field, figs["fields"])


def test_explain_says_why_a_candidate_was_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from eventlens.cli import main

    f = tmp_path / "match.txt"
    f.write_text(NOT_VIOLENCE[1] + "\n", encoding="utf-8")
    assert main(["extract", str(f), "--explain", "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == ""
    lines = [line for line in err.splitlines() if "dropped" in line]
    assert lines and all("not an event of interest: sports" in line for line in lines), err


def test_the_trigger_cache_is_named_by_the_lexicon_that_made_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Marks made with another lexicon are never read back: the file name changes."""
    first = trigger_cache(tmp_path)
    assert first.parent == tmp_path and first.name.startswith("coder-triggers-")
    assert trigger_cache(tmp_path) == first
    read = Path.read_bytes

    def edited(self: Path) -> bytes:
        data = read(self)
        return data + b"\n# a new trigger" if self.name == "triggers.yaml" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert trigger_cache(tmp_path) != first
