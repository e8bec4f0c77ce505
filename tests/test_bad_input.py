"""Bad input: a clear one-line reason per document, never a traceback, and one
bad document never stops the others.  Checked at two levels: the library
(read_articles + the clean stage through Pipeline.process) and the CLI.

Decision: an invalid ``published`` value in JSONL is a warning (the document is
processed without a publication date), not an error.
"""

from __future__ import annotations

import json
import logging
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventlens.errors import DocumentError, InputError, SkippedDocument
from eventlens.inputs import read_articles
from eventlens.model import Article
from eventlens.pipeline import Pipeline, Result
from eventlens.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
GOOD = FIXTURES / "boilerplate_article.txt"
PARAGRAPH = (
    "Gunmen on motorcycles attacked an army post near the central Malian town of Mopti on "
    "Saturday, killing two soldiers and wounding five others, the army said in a statement.\n\n"
)
MB = 1_000_000


def _clean_only(settings: Settings | None = None) -> Pipeline:
    base = settings or Settings()
    return Pipeline(
        Settings(
            pipeline=("eventlens.clean.v1",),
            max_bytes=base.max_bytes,
            check_language=base.check_language,
        )
    )


def _run(
    sources: list[str], input_format: str = "auto", settings: Settings | None = None
) -> list[Result]:
    pipeline = _clean_only(settings)
    return list(pipeline.process(read_articles(sources, input_format, pipeline.settings)))


def _write_big(path: Path, size: int, head: str = PARAGRAPH, filler: bytes = b" ") -> None:
    """A file of ``size`` bytes: an article paragraph, then filler, written in chunks."""
    chunk = filler * (MB // len(filler))
    with path.open("wb") as f:
        f.write(head.encode())
        written = len(head.encode())
        while written < size:
            f.write(chunk)
            written += len(chunk)


def _control_chars(tmp_path: Path) -> Path:
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes(range(1, 9)) * 200 + b"some text")
    return path


# -- library -------------------------------------------------------------------------

# (input, error class, reason); paths relative to the fixtures folder.
FAILURES: list[tuple[str, type[DocumentError], str]] = [
    ("empty.txt", InputError, "empty file"),
    ("whitespace.txt", InputError, "empty file (only whitespace)"),
    ("binary.dat", InputError, "binary file (NUL bytes), not text"),
    ("image.txt", InputError, "binary file (NUL bytes), not text"),
    ("french.txt", SkippedDocument, "skipped: language is 'fr', not English"),
    ("no_text.html", InputError, "no article text found in the HTML"),
    ("tag_soup.html", InputError, "no article text found in the HTML"),
    ("missing.txt", InputError, "no such file or directory"),
    ("articles.jsonl:3", InputError, "invalid JSON at column 88: Expecting value"),
    ("articles.jsonl:4", InputError, "missing 'text' or 'html'"),
    ("articles.jsonl:5", InputError, "expected a JSON object, got array"),
    ("articles.jsonl:7", InputError, "'text' must be a string, got number"),
    ("articles.jsonl:10", SkippedDocument, "skipped: language is 'fr', not English"),
]


@pytest.fixture(scope="module")
def fixture_results() -> dict[str, Result]:
    names = sorted({n.split(":")[0] for n, _, _ in FAILURES} | {"malformed.html", GOOD.name})
    results = _run([str(FIXTURES / n) for n in names])
    return {Path(r.origin).name: r for r in results}


@pytest.mark.parametrize(("name", "error", "reason"), FAILURES)
def test_bad_document_fails_alone_with_a_reason(
    fixture_results: dict[str, Result], name: str, error: type[DocumentError], reason: str
) -> None:
    result = fixture_results[name]
    assert isinstance(result.error, error)
    assert result.error.reason == reason
    assert result.error.origin == str(FIXTURES / name)
    assert str(result.error) == f"{FIXTURES / name}: {reason}"
    assert "\n" not in str(result.error)


@pytest.mark.parametrize(
    "name",
    [GOOD.name, "malformed.html", "articles.jsonl:1", "articles.jsonl:2", "articles.jsonl:9"],
)
def test_good_documents_go_on(fixture_results: dict[str, Result], name: str) -> None:
    result = fixture_results[name]
    assert result.ok, result.error
    assert result.doc is not None
    assert result.doc.text


def test_invalid_utf8_is_replaced_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    path = FIXTURES / "invalid_utf8.txt"
    with caplog.at_level(logging.WARNING):
        (result,) = _run([str(path)])
    assert result.ok and result.doc is not None
    warning = "invalid UTF-8 at byte 17; undecodable bytes replaced with U+FFFD"
    assert result.doc.warnings == (warning,)
    assert f"{path}: {warning}" in caplog.messages
    assert "Police in Valpara\ufffdso arrested four men" in result.doc.text


def test_invalid_published_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        results = _run([str(FIXTURES / "articles.jsonl")])
    (result,) = [r for r in results if r.origin.endswith(":6")]
    assert result.ok and result.doc is not None
    assert result.doc.article.published is None
    assert result.doc.warnings == ("'published' is not a date (\"next Tuesday\"); ignored",)
    assert any(m.endswith(":6: 'published' is not a date (\"next Tuesday\"); ignored")
               for m in caplog.messages)  # fmt: skip


def test_control_characters_are_binary(tmp_path: Path) -> None:
    (result,) = _run([str(_control_chars(tmp_path))])
    assert isinstance(result.error, InputError)
    assert result.error.reason == "binary file (99% control characters), not text"


def test_empty_directory(tmp_path: Path) -> None:
    (result,) = _run([str(tmp_path)])
    assert isinstance(result.error, InputError)
    assert result.error.reason.startswith("directory has no input files (")


def test_a_folder_with_bad_files_goes_on(tmp_path: Path) -> None:
    for name in ("a_empty.txt", "b_binary.dat", "c_good.txt", "d_french.txt"):
        source = {"a": "empty.txt", "b": "binary.dat", "c": GOOD.name, "d": "french.txt"}[name[0]]
        (tmp_path / name).write_bytes((FIXTURES / source).read_bytes())
    (tmp_path / "b_binary.dat").rename(tmp_path / "b_binary")  # extension-less: still read
    results = _run([str(tmp_path)])
    assert [(Path(r.origin).name, r.ok) for r in results] == [
        ("a_empty.txt", False),
        ("b_binary", False),
        ("c_good.txt", True),
        ("d_french.txt", False),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("text")
    path.chmod(0)
    (result,) = _run([str(path)])
    assert isinstance(result.error, InputError)
    assert result.error.reason == "permission denied"


def test_jsonl_line_longer_than_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "short", "text": PARAGRAPH}),
        json.dumps({"id": "long", "text": PARAGRAPH * 100}),
        json.dumps({"id": "after", "text": PARAGRAPH}),
    ]
    path.write_text("\n".join(lines) + "\n")
    results = _run([str(path)], settings=Settings(max_bytes=2000))
    assert [(r.origin, r.ok) for r in results] == [
        (f"{path}:1", True),
        (f"{path}:2", False),
        (f"{path}:3", True),
    ]
    assert results[1].error is not None
    assert results[1].error.reason == "line longer than 2000 bytes (max_bytes)"


def test_jsonl_with_only_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n  \n\n")
    (result,) = _run([str(path)])
    assert result.error is not None
    assert result.error.reason == "no documents in JSONL input (only blank lines)"


def test_jsonl_invalid_utf8_line_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    line = json.dumps({"id": "x", "text": PARAGRAPH + "Café owners fled."}, ensure_ascii=False)
    data = line.encode("latin-1")
    path.write_bytes(data + b"\n")
    (result,) = _run([str(path)])
    assert result.ok and result.doc is not None
    at = data.index("é".encode("latin-1"))
    assert result.doc.warnings == (
        f"invalid UTF-8 at byte {at}; undecodable bytes replaced with U+FFFD",
    )
    assert "Caf\ufffd owners fled." in result.doc.text


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{", "invalid JSON at column 2: Expecting property name enclosed in double quotes"),
        ('{"text": "a" "b"}', "invalid JSON at column 14: Expecting ',' delimiter"),
        ('"just a string"', "expected a JSON object, got string"),
        ("null", "expected a JSON object, got null"),
        ("[" * 100_000, "invalid JSON: nested too deeply"),
        ('{"text": ""}', "'text' is empty"),
        ('{"html": "   "}', "'html' is empty"),
        ('{"html": ["<p>"]}', "'html' must be a string, got array"),
        ('{"id": true, "text": "x"}', "'id' must be a string or an integer, got boolean"),
        ('{"id": "", "text": "x"}', "'id' is empty"),
        ('{"text": null, "title": "t"}', "missing 'text' or 'html'"),
    ],
)
def test_jsonl_line_reasons(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": PARAGRAPH}) + "\n" + line + "\n")
    first, second = read_articles([str(path)])
    assert isinstance(first, Article)
    assert isinstance(second, InputError)
    assert (second.origin, second.reason) == (f"{path}:2", reason)


def test_wrongly_typed_optional_fields_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"text": PARAGRAPH, "url": 7, "published": 20230206}) + "\n")
    (a,) = read_articles([str(path)])
    assert isinstance(a, Article)
    assert (a.url, a.published) == (None, None)
    assert a.warnings == (
        "'url' must be a string, got number; ignored",
        "'published' is not a date (20230206); ignored",
    )


# -- 50 MB inputs: bounded memory ----------------------------------------------------------


@pytest.fixture(scope="module")
def big_text(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """50 MB of article text."""
    path = tmp_path_factory.mktemp("big") / "big.txt"
    _write_big(path, 50 * MB, filler=PARAGRAPH.encode())
    yield path
    path.unlink()


@pytest.fixture(scope="module")
def big_padded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 50 MB file: one paragraph, then spaces."""
    path = tmp_path_factory.mktemp("big") / "padded.txt"
    _write_big(path, 50 * MB)
    yield path
    path.unlink()


def test_50mb_text_is_truncated_with_bounded_memory(big_text: Path) -> None:
    settings = Settings(max_bytes=1 * MB)
    tracemalloc.start()
    try:
        (item,) = list(read_articles([str(big_text)], settings=settings))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(item, Article)
    assert len(item.content) <= 1 * MB
    assert item.content.startswith(PARAGRAPH)
    assert item.content.endswith("statement.\n\n")  # cut at a line end
    (warning,) = item.warnings
    assert warning.startswith("input is larger than max_bytes (1000000 bytes); read only the first")
    # Memory follows max_bytes, not the file size: the 50 MB file is never held whole.
    assert peak < 25 * MB, peak


def test_50mb_text_through_the_clean_stage(big_padded: Path) -> None:
    (result,) = _run([str(big_padded)])  # default max_bytes (10 MB)
    assert result.ok and result.doc is not None
    assert result.doc.text == PARAGRAPH.strip()
    assert result.doc.warnings == (
        "input is larger than max_bytes (10000000 bytes); read only the first 10000000 bytes",
    )


def test_50mb_jsonl_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    line = (json.dumps({"id": "d", "text": PARAGRAPH * 200}) + "\n").encode()
    with path.open("wb") as f:
        for _ in range(50 * MB // len(line) + 1):
            f.write(line)
    assert path.stat().st_size >= 50 * MB
    tracemalloc.start()
    try:
        count = sum(isinstance(item, Article) for item in read_articles([str(path)]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 50 * MB // len(line) + 1
    assert peak < 5 * MB, peak


# -- CLI -----------------------------------------------------------------------------------


@pytest.fixture
def main() -> object:
    pytest.importorskip("eventlens.commands.extract", reason="the extract command is not there yet")
    from eventlens.cli import main

    return main


def _cli(main: object, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    assert callable(main)
    code = main(["extract", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return int(code), out, err


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("eventlens: error: ")]


@pytest.mark.parametrize(("name", "error", "reason"), FAILURES)
def test_cli_bad_document(
    main: object,
    capsys: pytest.CaptureFixture[str],
    name: str,
    error: type[DocumentError],
    reason: str,
) -> None:
    path = str(FIXTURES / name.split(":")[0])
    code, _, err = _cli(main, capsys, path, "--format", "jsonl")
    assert code == 1
    assert f"eventlens: error: {FIXTURES / name}: {reason}" in _error_lines(err)


@pytest.mark.slow
def test_cli_bad_documents_never_stop_the_good_one(
    main: object, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = ["empty.txt", "binary.dat", "french.txt", "missing.txt", "no_text.html"]
    sources = (
        [str(FIXTURES / n) for n in bad[:3]] + [str(GOOD)] + [str(FIXTURES / n) for n in bad[3:]]
    )
    code, out, err = _cli(main, capsys, *sources, "--format", "jsonl")
    assert code == 1
    assert [line.split(": ")[2] for line in _error_lines(err)] == [str(FIXTURES / n) for n in bad]
    assert str(GOOD) not in err
    for line in out.splitlines():
        json.loads(line)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("invalid_utf8.txt", "invalid UTF-8 at byte 17; undecodable bytes replaced with U+FFFD"),
        ("malformed.html", None),
        ("news_page.html", None),
        ("utf16.txt", None),
    ],
)
def test_cli_documents_that_process(
    main: object, capsys: pytest.CaptureFixture[str], name: str, warning: str | None
) -> None:
    code, _, err = _cli(main, capsys, str(FIXTURES / name), "--format", "jsonl")
    assert code == 0, err
    assert _error_lines(err) == []
    if warning:
        assert f"{FIXTURES / name}: {warning}" in err


@pytest.mark.slow
def test_cli_jsonl_lines(main: object, capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "articles.jsonl"
    code, _, err = _cli(main, capsys, str(path), "--format", "jsonl")
    assert code == 1
    failed = [line.removeprefix(f"eventlens: error: {path}:") for line in _error_lines(err)]
    assert failed == [
        "3: invalid JSON at column 88: Expecting value",
        "4: missing 'text' or 'html'",
        "5: expected a JSON object, got array",
        "7: 'text' must be a string, got number",
        "10: skipped: language is 'fr', not English",
    ]
    assert f"{path}:6: 'published' is not a date (\"next Tuesday\"); ignored" in err


@pytest.mark.slow
def test_cli_50mb_text(main: object, capsys: pytest.CaptureFixture[str], big_padded: Path) -> None:
    code, _, err = _cli(main, capsys, str(big_padded), "--format", "jsonl")
    assert code == 0, err
    assert f"{big_padded}: input is larger than max_bytes (10000000 bytes)" in err


def test_cli_unknown_input_format_is_a_usage_error(
    main: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(main, capsys, str(GOOD), "--input-format", "xml")
    assert code == 2
    assert err.startswith("eventlens: error: ")


@pytest.mark.slow
def test_cli_stdin(
    main: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    data = json.dumps({"id": "a", "text": PARAGRAPH}) + "\n{bad\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode()), "utf-8"))
    code, _, err = _cli(main, capsys, "-", "--format", "jsonl")
    assert code == 1
    assert _error_lines(err) == [
        "eventlens: error: <stdin>:2: invalid JSON at column 2: "
        "Expecting property name enclosed in double quotes"
    ]


def test_cli_empty_stdin(
    main: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), "utf-8"))
    code, _, err = _cli(main, capsys, "-", "--format", "jsonl")
    assert code == 1
    assert _error_lines(err) == ["eventlens: error: <stdin>: empty input"]
