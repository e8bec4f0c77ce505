"""The sentence event-type classifier: shipped model, numpy inference, features."""

from __future__ import annotations

import importlib.util
import json
import pickle
import shutil
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from eventlens.classify import SentenceClassifier, default_model_dir, features, stem, tokens
from eventlens.errors import ResourceError
from eventlens.model import EVENT_TYPES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model() -> SentenceClassifier:
    return SentenceClassifier.load()


def test_shipped_model_loads_from_package_data(model: SentenceClassifier) -> None:
    assert model.labels == EVENT_TYPES
    assert model.metadata["format"] == "eventlens.classifier/1"
    assert len(model.vocabulary) == model.coef.shape[0] > 1000
    size = sum((default_model_dir() / f).stat().st_size for f in ("model.npz", "model.json"))
    assert size < 5_000_000


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["xqzv wplk"],  # no known feature: the intercepts alone
        ["Rebels attacked an army post.", "Thousands marched in the capital."],
    ],
)
def test_predict_proba_is_a_distribution(model: SentenceClassifier, texts: list[str]) -> None:
    out = model.predict_proba(texts)
    assert len(out) == len(texts)
    for probs in out:
        assert tuple(probs) == EVENT_TYPES
        assert all(0.0 <= p <= 1.0 for p in probs.values())
        assert sum(probs.values()) == pytest.approx(1.0)


def test_batch_equals_one_by_one(model: SentenceClassifier) -> None:
    texts = [
        "Police arrested 15 suspected militants.",
        "",
        "The two sides agreed to a ceasefire.",
        "Police arrested 15 suspected militants.",
    ]
    batch = model.predict_proba_array(texts)
    single = np.vstack([model.predict_proba_array([t]) for t in texts])
    assert np.allclose(batch, single)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Thousands of protesters marched through the capital demanding reforms.", "PROTEST"),
        ("Rebels attacked an army post near the border, killing 12 soldiers.", "ASSAULT"),
        ("A suicide bomber blew himself up at a market, killing 30 people.", "ASSAULT"),
        ("The government threatened to ban opposition parties.", "THREATEN"),
        ("The United Nations delivered food aid to refugees.", "AID"),
        ("The government deployed troops to the border.", "MOBILIZE"),
        ("The court sentenced the former minister to ten years in prison.", "SANCTION"),
        ("The opposition rejected the government's offer of talks.", "REJECT"),
        (
            "The foreign ministers of France and Germany met in Paris to discuss the crisis.",
            "CONSULT",
        ),
    ],
)
def test_clear_sentences(model: SentenceClassifier, sentence: str, expected: str) -> None:
    label, prob = model.predict([sentence])[0]
    assert label == expected
    assert prob == pytest.approx(model.predict_proba([sentence])[0][expected])


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("agreed", "agre"),
        ("agrees", "agre"),
        ("allies", "alli"),
        ("allied", "alli"),
        ("negotiations", "negoti"),
        ("protests", "protest"),
        ("army", "army"),  # four letters or fewer stay whole
        ("bus", "bus"),
        ("shelling", "shell"),
    ],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_tokens_and_features() -> None:
    assert tokens("Troops killed 12 in Côte d'Ivoire_") == [
        "troop",
        "kill",
        "00",
        "in",
        "côte",
        "d",
        "ivoire",
    ]
    assert features("Rebels attacked") == ["rebel", "attack", "rebel attack"]
    assert features("") == []


def test_pickles(model: SentenceClassifier) -> None:
    again = pickle.loads(pickle.dumps(model))
    text = ["Soldiers fired on the crowd."]
    assert np.allclose(again.predict_proba_array(text), model.predict_proba_array(text))


def test_missing_or_foreign_model_is_a_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError):
        SentenceClassifier.load(tmp_path)
    for f in ("model.npz", "model.json"):
        shutil.copy(default_model_dir() / f, tmp_path / f)
    meta = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    meta["format"] = "something-else/9"
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ResourceError):
        SentenceClassifier.load(tmp_path)


def _train_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_classifier", ROOT / "scripts" / "train_classifier.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "train_classifier", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    return module


def test_numpy_inference_matches_scikit_learn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Train a tiny model with the training script's own code, export it, and
    check the numpy predict_proba against scikit-learn's."""
    pytest.importorskip("sklearn")
    train = _train_script(monkeypatch)
    templates = {
        "PROTEST": "{} protesters marched in {} against the {} government",
        "ASSAULT": "{} gunmen attacked a {} checkpoint in {} killing soldiers",
        "AGREE": "{} and {} agreed to hold talks on {}",
    }
    fillers = ["Hundreds of", "Angry", "Several", "Masked", "Local", "Northern"]
    places = ["Lagos", "Kabul", "Quito", "Minsk", "Dhaka", "Lima"]
    texts, labels = [], []
    for label in EVENT_TYPES:
        template = templates.get(label, label.lower() + " {} {} {}")
        for i in range(6):
            texts.append(template.format(fillers[i], places[i], places[(i + 1) % 6]))
            labels.append(label)
    vec, clf = train.fit(texts, labels, 1.0)
    train.export(vec, clf, tmp_path, {"note": "test"})
    probe = [*texts[:10], "Protesters attacked a checkpoint.", "", "unknown words only"]
    assert train.check_numpy(vec, clf, tmp_path, probe) < 1e-6
    loaded = SentenceClassifier.load(tmp_path)
    assert loaded.labels == EVENT_TYPES
    assert loaded.metadata["note"] == "test"
