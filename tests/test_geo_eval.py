"""Geoparsing quality gates on the development corpora, the CLI verbs, the index build."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventlens.cli import main
from eventlens.evaluate.geo import (
    GoldArticle,
    GoldToponym,
    evaluate,
    read_corpus,
    recognition_scores,
    resolution_scores,
)
from eventlens.geo import build as gaz_build
from eventlens.geo.builder import Builder
from eventlens.geo.gazetteer import Gazetteer
from eventlens.geo.geoparser import Geoparser
from eventlens.settings import Settings

# Floors on the gold spans, in tests/eval_baseline.json (key "geo"); they may
# only go up.  Mordecai 3 reports 0.827 on LGL.  The GeoVirus floor of the
# issue (0.88) is not reached: most remaining misses there are countries and
# first-level regions resolved to the right place whose GeoNames/countryinfo
# point is over 161 km from GeoVirus' Wikipedia point (China, Australia,
# Sudan, New South Wales, ...).
BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text(encoding="utf-8"))
GEO_FLOORS = BASELINE["geo"]
ACCURACY_GATES = {
    "eval/lgl/lgl.xml": "lgl_accuracy_161",
    "eval/geovirus/GeoVirus.xml": "geovirus_accuracy_161",
}


@pytest.fixture(scope="module")
def geoparser() -> Iterator[Geoparser]:
    g = Gazetteer.open(Settings().cache_dir)
    yield Geoparser(g)
    g.close()


@pytest.mark.parametrize(("corpus", "gate"), sorted(ACCURACY_GATES.items()))
def test_accuracy_floor(shared_dir: Path, geoparser: Geoparser, corpus: str, gate: str) -> None:
    report = evaluate(shared_dir / corpus, geoparser)
    assert report.resolution.toponyms > 2000
    assert report.resolution.accuracy_161 >= GEO_FLOORS[gate]


def test_recognition_on_a_slice(shared_dir: Path, geoparser: Geoparser) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load(Settings().spacy_model)
    report = evaluate(shared_dir / "eval/geovirus/GeoVirus.xml", geoparser, nlp=nlp, limit=40)
    assert report.recognition is not None
    assert report.recognition.f1 >= GEO_FLOORS["geovirus_recognition_f1_slice"]


def test_geovirus_offsets_are_aligned(shared_dir: Path) -> None:
    for article in read_corpus(shared_dir / "eval/geovirus/GeoVirus.xml")[:20]:
        for t in article.toponyms:
            assert article.text[t.start : t.end] == t.text
            assert t.text.strip() == t.text


def test_scores_on_a_hand_table() -> None:
    res = resolution_scores([0.0, 100.0, 200.0, 20039.0], unresolved=1, ids=None)
    assert res.accuracy_161 == 0.5
    assert res.median_km == 150.0
    assert 0.0 < res.auc < 1.0
    perfect = resolution_scores([0.0, 0.0], unresolved=0, ids=None)
    assert perfect.auc == 0.0
    rec = recognition_scores(
        [("d", 0, 5), ("d", 10, 15)], [("d", 0, 5), ("d", 11, 15), ("d", 20, 25)]
    )
    assert (rec.exact, rec.precision, rec.recall) == (1, 1 / 3, 0.5)
    assert rec.overlap_recall == 1.0


def test_evaluate_a_tiny_corpus(tmp_path: Path, geoparser: Geoparser) -> None:
    xml = tmp_path / "tiny.xml"
    xml.write_text(
        "<articles><article><text>Shelling hit Aleppo, Syria.</text><locations>"
        "<location><name>Aleppo</name><start>13</start><end>19</end>"
        "<lat>36.2</lat><lon>37.16</lon></location>"
        "<location><name>Syria</name><start>21</start><end>26</end>"
        "<lat>35</lat><lon>38</lon></location></locations></article></articles>",
        encoding="utf-8",
    )
    (article,) = read_corpus(xml)
    assert article == GoldArticle(
        "0",
        "Shelling hit Aleppo, Syria.",
        (GoldToponym(13, 19, "Aleppo", 36.2, 37.16), GoldToponym(21, 26, "Syria", 35.0, 38.0)),
    )
    report = evaluate(xml, geoparser)
    assert report.resolution.accuracy_161 == 1.0


def test_cli_eval_geo(tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_dir: Path) -> None:
    rc = main(
        ["eval", "geo", str(shared_dir / "eval/lgl/lgl.xml"), "--limit", "15", "--format", "json"]
    )
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 15
    assert 0.0 <= report["resolution"]["accuracy_161"] <= 1.0


def test_cli_geoparse_jsonl_spans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "text": "Police in Alexandria, La., arrested a man.", "spans": [[10, 20]]},
        {"id": "b", "text": "Clashes in Izmir and Kayseri provinces left two dead."},
        {"id": "c", "text": "Nothing here.", "spans": [[50, 60]]},
    ]
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    rc = main(["geoparse", str(src), "--format", "jsonl"])
    captured = capsys.readouterr()
    assert rc == 1  # document c has a span outside its text
    assert "outside the text" in captured.err
    docs = [json.loads(line) for line in captured.out.splitlines()]
    assert [d["id"] for d in docs] == ["a", "b"]
    (alexandria,) = docs[0]["places"]
    assert (alexandria["start"], alexandria["end"], alexandria["admin1"]) == (10, 20, "Louisiana")
    assert {p["text"]: p["feature"] for p in docs[1]["places"]} == {
        "Izmir": "admin1",
        "Kayseri": "admin1",
    }
    assert "GeoNames" in docs[0]["attribution"]


def test_cli_geoparse_table(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["geoparse", str(shared_dir / "seed/000_9c2b090c7ed604d2.txt")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "745044" in out and "Stockholm" in out and "CC BY 4.0" in out


def test_concurrent_builds_build_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []

    def fake_build(path: Path) -> None:
        calls.append(path)
        b = Builder()
        b.add_place(geonameid=1, name="Testville", feature="city", country="TST", admin1=None,
                    admin2=None, lat=1.0, lon=2.0, population=10)  # fmt: skip
        b.write(path, {}, {})

    monkeypatch.setattr(gaz_build, "build", fake_build)
    paths: list[Path] = []
    threads = [
        threading.Thread(target=lambda: paths.append(gaz_build.ensure_built(tmp_path)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(set(paths)) == 1 and paths[0].exists()
    assert not list(tmp_path.glob(".*.tmp"))
    g = Gazetteer(paths[0])
    assert [c.name for c in g.lookup("testville")] == ["Testville"]
    g.close()
