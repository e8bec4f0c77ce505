"""``eventlens eval plover``: metric code on hand-made tables; gates on the gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventlens.cli import main
from eventlens.errors import UsageError
from eventlens.evaluate.plover import (
    NONE,
    PloverReport,
    classifier_extractor,
    evaluate_plover,
    pipeline_extractor,
    read_gold,
    score,
    top_event_type,
)
from eventlens.model import EVENT_TYPES, Event, Evidence
from eventlens.pipeline import Pipeline

BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text(encoding="utf-8"))
GOLD = "eval/plover-gsr/PLOVER_GSR_CAMEO.txt"

# (gold, predicted, accuracy, macro-F1, {type: (precision, recall, F1, support)}), by hand:
TABLES = [
    pytest.param(
        ["ASSAULT", "ASSAULT", "PROTEST", "PROTEST", "COERCE"],
        ["ASSAULT", "PROTEST", "PROTEST", None, "ASSAULT"],
        2 / 5,
        (0.5 + 0.5 + 0.0) / 3,
        {
            "ASSAULT": (1 / 2, 1 / 2, 0.5, 2),
            "PROTEST": (1 / 2, 1 / 2, 0.5, 2),
            "COERCE": (0.0, 0.0, 0.0, 1),
        },
        id="symmetric-with-none",
    ),
    pytest.param(
        ["ASSAULT", "ASSAULT", "ASSAULT", "PROTEST"],
        ["ASSAULT", None, "PROTEST", "PROTEST"],
        2 / 4,
        (0.5 + 2 / 3) / 2,
        {
            # ASSAULT: 1 right of 1 predicted, 1 of 3 found: F1 = 2*1*(1/3)/(4/3) = 0.5
            "ASSAULT": (1.0, 1 / 3, 0.5, 3),
            # PROTEST: 1 right of 2 predicted, 1 of 1 found: F1 = 2*0.5*1/1.5 = 2/3
            "PROTEST": (0.5, 1.0, 2 / 3, 1),
        },
        id="precision-differs-from-recall",
    ),
    pytest.param(
        ["PROTEST", "PROTEST"],
        ["COERCE", "PROTEST"],
        1 / 2,
        2 / 3,  # only PROTEST is in the gold: F1 = 2*1*0.5/1.5
        {"PROTEST": (1.0, 0.5, 2 / 3, 2), "COERCE": (0.0, 0.0, 0.0, 0)},
        id="type-only-predicted-stays-out-of-macro",
    ),
    pytest.param(
        ["AGREE", "REJECT", "REJECT"],
        ["AGREE", "REJECT", "REJECT"],
        1.0,
        1.0,
        {"AGREE": (1.0, 1.0, 1.0, 1), "REJECT": (1.0, 1.0, 1.0, 2)},
        id="perfect",
    ),
]


@pytest.mark.parametrize(("gold", "predicted", "accuracy", "macro", "per_type"), TABLES)
def test_score_by_hand(
    gold: list[str],
    predicted: list[str | None],
    accuracy: float,
    macro: float,
    per_type: dict[str, tuple[float, float, float, int]],
) -> None:
    m = score(gold, predicted)
    assert m.sentences == len(gold)
    assert m.accuracy == pytest.approx(accuracy)
    assert m.macro_f1 == pytest.approx(macro)
    assert m.no_event == sum(p is None for p in predicted)
    assert set(m.per_type) == set(per_type)
    for t, (p, r, f1, support) in per_type.items():
        s = m.per_type[t]
        assert (s.precision, s.recall, s.f1) == pytest.approx((p, r, f1)), t
        assert s.support == support, t


def test_confusions_count_no_event() -> None:
    m = score(["ASSAULT", "ASSAULT", "PROTEST"], [None, "PROTEST", "PROTEST"])
    assert m.confusion == {"ASSAULT": {NONE: 1, "PROTEST": 1}, "PROTEST": {"PROTEST": 1}}
    assert m.top_confusions() == [("ASSAULT", NONE, 1), ("ASSAULT", "PROTEST", 1)]


def test_score_rejects_unpaired_lists() -> None:
    with pytest.raises(ValueError):
        score(["ASSAULT"], [])


def _event(event_type: str, confidence: float) -> Event:
    return Event(
        id=event_type,
        article_id="a",
        event_type=event_type,
        mode=None,
        status="occurred",
        evidence=Evidence("x", 0, 1, 0),
        confidence=confidence,
    )


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], None),
        ([("PROTEST", 0.6)], "PROTEST"),
        ([("PROTEST", 0.6), ("ASSAULT", 0.9), ("COERCE", 0.7)], "ASSAULT"),
        ([("PROTEST", 0.8), ("ASSAULT", 0.8)], "PROTEST"),  # a tie keeps the first
    ],
)
def test_top_event_type(events: list[tuple[str, float]], expected: str | None) -> None:
    assert top_event_type([_event(t, c) for t, c in events]) == expected


def test_a_threatened_action_counts_as_threaten() -> None:
    from dataclasses import replace

    threat = replace(_event("ASSAULT", 0.9), status="threatened")
    assert top_event_type([_event("REQUEST", 0.5), threat]) == "THREATEN"
    assert top_event_type([replace(threat, status="planned")]) == "ASSAULT"


def test_read_gold_renames_and_skips_document(tmp_path: Path) -> None:
    records = [
        {"id": "D", "event": "DOCUMENT", "eventText": "documentation"},
        {"id": "1", "event": "DEMAND", "text": "Workers demanded higher pay."},
        {"id": "2", "event": "DISAPPROVE", "text": "Paris criticised the vote."},
        {"id": "3", "event": "INVESTIGATE", "text": "Police opened an inquiry."},
        {"id": "4", "event": "FIGHT", "mode": "heavy-weapons", "text": "Troops shelled the town."},
        {"id": "5", "event": "PROTEST", "mode": "", "text": "Thousands marched."},
    ]
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    got = [(g.id, g.event_type, g.mode) for g in read_gold(path)]
    assert got == [
        ("1", "REQUEST", None),
        ("2", "ACCUSE", "disapprove"),
        ("3", "ACCUSE", "investigate"),
        ("4", "ASSAULT", "heavy-weapons"),
        ("5", "PROTEST", None),
    ]


@pytest.mark.parametrize(
    "content",
    ["not json", '{"event": "AGREE"}', '[{"event": "NOPE", "text": "x"}]', '[{"event": "AGREE"}]'],
)
def test_read_gold_rejects_bad_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError):
        read_gold(path)


def test_evaluate_with_a_stub_extractor(tmp_path: Path) -> None:
    records = [
        {"id": "1", "event": "PROTEST", "text": "Thousands marched in the capital."},
        {"id": "2", "event": "FIGHT", "text": "Rebels attacked an army post."},
        {"id": "3", "event": "AGREE", "text": "The two sides agreed to talks."},
    ]
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(records), encoding="utf-8")

    def stub(text: str) -> str | None:
        return "PROTEST" if "marched" in text else None

    report = evaluate_plover(path, stub, name="stub", max_errors=1)
    assert report.metrics.correct == 1
    assert report.metrics.no_event == 2
    assert [(e.id, e.gold, e.predicted) for e in report.errors] == [("2", "ASSAULT", None)]
    assert report.to_dict()["metrics"]["accuracy"] == pytest.approx(1 / 3)


# ----- gates on the real gold file (skipped without ../shared) -----


def test_classifier_alone_on_plover_gold(shared_dir: Path) -> None:
    report = evaluate_plover(shared_dir / GOLD, classifier_extractor(), name="classifier")
    assert report.metrics.sentences == 322
    assert report.metrics.no_event == 0  # the classifier always answers
    assert report.accuracy >= BASELINE["plover_classifier_accuracy"]


@pytest.fixture(scope="module")
def pipeline_report(shared_dir: Path, pipeline: Pipeline) -> PloverReport:
    return evaluate_plover(shared_dir / GOLD, pipeline_extractor(pipeline), name="pipeline")


@pytest.mark.slow
def test_pipeline_on_plover_gold(pipeline_report: PloverReport) -> None:
    assert pipeline_report.metrics.sentences == 322
    assert pipeline_report.failed == 0


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="regression with the learned coder (issue 10, not resolved): PLOVER GSR accuracy "
    "0.587 against the floor 0.63 (the coder cuts or retypes verbal and cooperative events); "
    "the floor stays in eval_baseline.json",
)
def test_pipeline_meets_the_plover_floor(pipeline_report: PloverReport) -> None:
    assert pipeline_report.accuracy >= BASELINE["plover_accuracy"]


def test_cli_json_classifier_only(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "eval",
            "plover",
            str(shared_dir / GOLD),
            "--classifier-only",
            "--format",
            "json",
            "--errors",
            "2",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["extractor"] == "classifier"
    assert out["metrics"]["sentences"] == 322
    assert len(out["errors"]) == 2
    assert set(out["metrics"]["per_type"]) <= set(EVENT_TYPES)


def test_cli_table_and_floor(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["eval", "plover", str(shared_dir / GOLD), "--classifier-only", "--floor", "0.99"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "accuracy" in out and "macro-F1" in out and "BELOW FLOOR" in out
