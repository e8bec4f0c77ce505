"""``eventlens extract``: every output format, the Python API, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from eventlens.cli import main
from eventlens.schema import validate_event

ARTICLE = (
    "Police arrested 12 protesters in Nairobi on Tuesday after a march against new taxes.\n\n"
    "The suspects intended to attack the Israeli embassy in Nairobi but were arrested before "
    "implementing their plans, officials said.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    p = tmp_path / "article.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    return p


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_jsonl_validates(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(
        capsys, "extract", str(article), "--published", "2024-03-14", "--format", "jsonl"
    )
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert events
    for ev in events:
        validate_event(ev)
    arrest = next(e for e in events if e["event_type"] == "COERCE")
    assert arrest["counts"]["arrested"] == 12
    assert arrest["location"]["name"] == "Nairobi" and arrest["location"]["country"] == "KEN"
    assert arrest["date"] == {"value": "2024-03-12", "precision": "day", "source": "relative"}
    plot = next(e for e in events if e["event_type"] == "ASSAULT")
    assert plot["status"] == "foiled"
    # no weapons were seized or defused: ACLED records no event (docs/codebook.md, status)
    assert plot["acled"]["sub_event_type"] is None


def test_json_array_validates(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(capsys, "extract", str(article), "--format", "json")
    assert code == 0
    events = json.loads(out)
    assert isinstance(events, list) and events
    for ev in events:
        validate_event(ev)
        # no --published and no date in the page: relative dates are unknown
        if ev["date"]["source"] != "explicit":
            assert ev["date"] == {"value": None, "precision": None, "source": "unknown"}


def test_geojson_credits_geonames(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(capsys, "extract", str(article), "--format", "geojson")
    assert code == 0
    fc = json.loads(out)
    assert fc["type"] == "FeatureCollection" and "GeoNames" in fc["attribution"]
    assert fc["features"]
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        validate_event(f["properties"])


def test_csv_has_acled_columns(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(capsys, "extract", str(article), "--format", "csv")
    assert code == 0
    lines = [ln for ln in out.splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    assert rows
    for col in (
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "notes",
        "source",
        "status",
        "mode",
        "confidence",
        "id",
    ):
        assert col in rows[0]
    assert out.rstrip().splitlines()[-1].startswith("# Place coordinates from GeoNames")


def test_table_is_readable(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    code, out, _ = run(capsys, "extract", str(article))
    assert code == 0
    assert "COERCE/arrest" in out and "foiled" in out and "arrested 12" in out
    assert "GeoNames" in out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    assert run(capsys, "extract", str(article), "--published", "yesterday")[0] == 2
    assert run(capsys, "extract", str(article), "--format", "xml")[0] == 2
    assert run(capsys, "extract")[0] == 2
    code, _, err = run(capsys, "extract", str(article), "--min-confidence", "7")
    assert code == 2 and "min-confidence" in err
    assert "Traceback" not in err


def test_python_api_matches_cli(capsys: pytest.CaptureFixture[str], article: Path) -> None:
    from datetime import date

    from eventlens import extract

    api = [e.to_dict() for e in extract(ARTICLE, published=date(2024, 3, 14))]
    _, out, _ = run(
        capsys, "extract", str(article), "--published", "2024-03-14", "--format", "jsonl"
    )
    cli = [json.loads(line) for line in out.splitlines()]
    strip = [{k: v for k, v in e.items() if k not in ("id", "article_id")} for e in api]
    assert strip == [{k: v for k, v in e.items() if k not in ("id", "article_id")} for e in cli]


@pytest.mark.parametrize(("source", "admin1"), [("Fort Worth, Texas", "Texas"), (None, "Virginia")])
def test_source_place_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, source: str | None, admin1: str
) -> None:
    p = tmp_path / "local.txt"
    p.write_text("Gunmen shot dead two police officers in Arlington on Monday.\n", "utf-8")
    extra = ["--source-place", source] if source else []
    code, out, _ = run(capsys, "extract", str(p), "--format", "jsonl", *extra)
    assert code == 0
    (event,) = [json.loads(line) for line in out.splitlines()]
    assert event["location"]["admin1"] == admin1
    code, out, _ = run(capsys, "geoparse", str(p), "--format", "json", *extra)
    (doc,) = json.loads(out)
    assert [pl["admin1"] for pl in doc["places"]] == [admin1]


def test_geoparse_spans_use_the_lines_source_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = "Two officers were shot in Arlington on Monday."
    i = text.index("Arlington")
    lines = [
        {"id": "tx", "text": text, "spans": [[i, i + 9]], "source_place": "Fort Worth, Texas"},
        {"id": "va", "text": text, "spans": [[i, i + 9]], "source_place": "Alexandria, Virginia"},
    ]
    p = tmp_path / "spans.jsonl"
    p.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    code, out, _ = run(capsys, "geoparse", str(p), "--format", "jsonl")
    assert code == 0
    got = {d["id"]: d["places"][0]["admin1"] for d in map(json.loads, out.splitlines())}
    assert got == {"tx": "Texas", "va": "Virginia"}


@pytest.mark.parametrize("verb", ["extract", "ingest"])
def test_min_confidence_outside_0_1_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], article: Path, tmp_path: Path, verb: str
) -> None:
    extra = ["--db", str(tmp_path / "x.db")] if verb == "ingest" else []
    code, _, err = run(capsys, verb, str(article), "--min-confidence", "1.5", *extra)
    assert code == 2 and "--min-confidence must be between 0 and 1" in err
    assert not (tmp_path / "x.db").exists()
