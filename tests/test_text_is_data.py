"""Text from documents is data wherever it is shown (issue 12, point 4).

ANSI/OSC escapes, C0/C1 controls and bidirectional overrides in article text
or file names reach neither the terminal table, the CSV, the failures table
nor the log lines as controls; every per-document error is one line.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import pytest

from eventlens import formats
from eventlens.cli import main
from eventlens.model import Actor, Event, Evidence
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings

HOSTILE = "Gunmen \x1b[2J\x1b]0;pwned\x07attacked\x9b31m a \u202eteg\u202c post\r\x08\x00 in Mopti."
CONTROLS = ["\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\r", "\x08", "\x00"]
STORY = (
    "Gunmen on motorcycles attacked an army post near the central Malian town of Mopti on "
    "Saturday, killing two soldiers and wounding five others, the army said in a statement."
)


def _event(text: str) -> Event:
    return Event(
        id="e1",
        article_id="a\x1b[31m1",
        event_type="ASSAULT",
        mode=None,
        status="occurred",
        evidence=Evidence(text=text, start=0, end=len(text), sentence=0),
        confidence=0.9,
        actor=Actor(text="Gun\u202emen\x1b[0m"),
    )


def _clean(s: str) -> None:
    for c in CONTROLS:
        assert c not in s, (c, s)


def test_table_cells_have_no_controls() -> None:
    (row,) = formats.table_rows([_event(HOSTILE)])
    for cell in row:
        _clean(cell)
    assert "attacked" in row[-1] and "Mopti" in row[-1]


def test_terminal_table_prints_no_controls(capsys: pytest.CaptureFixture[str]) -> None:
    from eventlens.commands.extract import _print_tables

    _print_tables(iter([(_event(HOSTILE), None, "Title \x1b]0;evil\x07 [bold]x[/bold]")]))
    out = capsys.readouterr().out
    _clean(out)
    assert "[bold]x[/bold]" in out  # markup in the data is shown, not applied


def test_csv_cells_have_no_controls() -> None:
    buf = io.StringIO()
    formats.write_csv([{"notes": HOSTILE, "actor1": "a\u202eb", "id": "x"}], buf)
    _clean(buf.getvalue())
    rows = list(csv.DictReader(io.StringIO(buf.getvalue().split("\n# ")[0])))
    assert "attacked" in rows[0]["notes"]


def test_ingest_error_lines_are_one_line_with_names_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import eventlens.ingest.run as run_mod

    clean_only = Pipeline(Settings(pipeline=("eventlens.clean.v1",), check_language=False))
    monkeypatch.setattr(run_mod, "Pipeline", lambda _settings: clean_only)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY)
    (folder / "bad\n\x1b[2Jname\u202e.txt").write_bytes(b"\x00\x01\x02\x03")
    (folder / "empty\x1b]0;t\x07.txt").write_text("\u200b\u200b")
    db = str(tmp_path / "s.db")
    rc = main(["ingest", str(folder), "--db", db])
    out, err = capsys.readouterr()
    logging.getLogger().handlers.clear()
    assert rc == 1
    assert "1 new, 0 unchanged, 0 changed, 2 failed" in out
    errors = [line for line in err.splitlines() if "ERROR" in line]
    assert len(errors) == 2, err
    assert any("bad\\x0a\\x1b[2Jname\\u202e.txt: binary file" in e for e in errors)
    assert any("no visible text" in e for e in errors)
    _clean(err)
    assert main(["failures", "--db", db]) == 0
    table = capsys.readouterr().out
    _clean(table)
    assert "\\x1b" in table
