"""Pathological HTML costs bounded time and memory, and keeps its text (issue 12, point 6).

- a page deeper than ``MAX_DEPTH`` elements (which libxml2 gives up on) is
  read without its structure: its text is kept, with a warning;
- a page longer than ``max_chars * HTML_CHARS_PER_TEXT_CHAR`` characters is
  cut before parsing, with a warning; a file over ``max_bytes`` is read only
  up to ``max_bytes``.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from eventlens.inputs import read_articles
from eventlens.model import Article
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings
from eventlens.stages.clean import (
    HTML_CHARS_PER_TEXT_CHAR,
    MAX_DEPTH,
    BoilerplateRules,
    extract_html,
    nesting_depth,
)

RULES = BoilerplateRules.load()

STORY = (
    "Gunmen on motorcycles attacked an army post near the central Malian town of Mopti on "
    "Saturday, killing two soldiers and wounding five others, the army said in a statement."
)


def _deep(depth: int, tag: str = "div") -> str:
    return (
        "<html><head><title>Attack near Mopti</title></head><body>"
        + f"<{tag}>" * depth
        + f"<p>{STORY}</p>"
        + f"</{tag}>" * depth
        + "</body></html>"
    )


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<p>a<p>b<p>c", 0),  # optional end tags do not nest
        ("<div><div><br><img src=x></div></div>", 2),
        ("<div><span/></div>", 1),
        (_deep(500), 500 + 2),
    ],
)
def test_nesting_depth(html: str, depth: int) -> None:
    assert nesting_depth(html) == depth


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 50_000, 100_000])
@pytest.mark.parametrize("tag", ["div", "span", "b"])
def test_deeply_nested_pages_keep_their_text(depth: int, tag: str) -> None:
    page = extract_html(_deep(depth, tag), rules=RULES)
    assert STORY in page.text
    assert page.title == "Attack near Mopti"


def test_a_deep_page_says_so(caplog: pytest.LogCaptureFixture) -> None:
    p = Pipeline(Settings(pipeline=("eventlens.clean.v1",), check_language=False))
    doc = p(Article(id="d", content=_deep(20_000), content_type="html", origin="deep.html"))
    assert STORY in doc.text
    assert any("nested deeper than" in w for w in doc.warnings)


def test_a_huge_single_line_page_is_cut_before_parsing(tmp_path: Path) -> None:
    para = f"<p>{STORY}</p>"
    html = "<html><body>" + para * (20_000_000 // len(para)) + "</body></html>"  # 20 MB
    (tmp_path / "big.html").write_text(html)
    settings = Settings(pipeline=("eventlens.clean.v1",), check_language=False)
    p = Pipeline(settings)
    tracemalloc.start()
    try:
        (item,) = read_articles([str(tmp_path / "big.html")], settings=settings)
        assert isinstance(item, Article)
        assert len(item.content) <= settings.max_bytes
        doc = p(item)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    limit = settings.max_chars * HTML_CHARS_PER_TEXT_CHAR
    assert any(f"HTML longer than {limit}" in w for w in doc.warnings)
    assert any("larger than max_bytes" in w for w in doc.warnings)
    assert STORY in doc.text and len(doc.text) <= limit
    assert peak < 400 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
