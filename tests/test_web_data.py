"""The store the web tests run against, built by the real ingest, and checks of it.

``web_store_path`` ingests, with the real pipeline and :func:`eventlens.ingest.ingest`:

- the bundled seed article (real news, published 2023-02-06);
- the first synthetic stories bundled in ``src/eventlens/samples`` (LLM-generated,
  marked as such in their source);
- ``tests/fixtures/web/articles.jsonl``: short invented reports written for these
  tests, one per status (occurred, foiled, planned, threatened, warned), two of
  them reporting the same arrests with different numbers (a story with conflicts);
- ``tests/fixtures/web/hostile.*``: articles whose title, source and text carry
  script tags, event-handler attributes and HTML (untrusted text);
- ``tests/fixtures/web/controls.jsonl``: an article whose title and text carry ANSI/OSC
  escapes and bidirectional overrides.

The file is built once per test session (the other web test modules import
:func:`web_store_path` and share the file through pytest's session temp dir).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from eventlens.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "src" / "eventlens" / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "web"
N_SYNTHETIC = 40
PWNED = "window.__pwned"
"""What the hostile articles' scripts would set if any of them ever ran."""


def build_store(path: Path, pipeline: Pipeline, workdir: Path) -> Path:
    from eventlens.ingest import ingest
    from eventlens.store import Store

    workdir.mkdir(parents=True, exist_ok=True)
    seed = workdir / "seed.jsonl"
    seed.write_text(
        json.dumps(
            {
                "id": "seed-article",
                "text": (SAMPLES / "seed-article.txt").read_text(encoding="utf-8"),
                "title": "Seed article: ISIS arrests in Turkey",
                "source": "seed sample",
                "published": "2023-02-06",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    sources = [seed]
    synthetic = SAMPLES / "synthetic.jsonl"
    if synthetic.exists():
        lines = synthetic.read_text(encoding="utf-8").splitlines()[:N_SYNTHETIC]
        some = workdir / "synthetic-some.jsonl"
        some.write_text("\n".join(lines) + "\n", encoding="utf-8")
        sources.append(some)
    sources += [
        FIXTURES / "articles.jsonl",
        FIXTURES / "hostile.jsonl",
        FIXTURES / "hostile.html",
        FIXTURES / "controls.jsonl",
    ]
    with Store.open(str(path)) as store:
        stats = ingest([str(s) for s in sources], store, pipeline=pipeline)
    assert stats.failed == 0, stats
    return path


def web_store_path(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Path:
    """The session's web test store (built on first use)."""
    base = tmp_path_factory.getbasetemp() / "web"
    path = base / "web.db"
    done = base / "web.db.complete"
    if not done.exists():
        for leftover in base.glob("web.db*"):
            leftover.unlink()
        build_store(path, pipeline, base / "inputs")
        done.touch()
    return path


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Path:
    return web_store_path(tmp_path_factory, pipeline)


def test_hostile_text_is_stored_verbatim(web_db: Path) -> None:
    """The untrusted markup reaches the store as text: the web tests do test something."""
    from eventlens.store import Store

    with Store.open(str(web_db)) as store:
        art = store.article("web-hostile-text")
        assert art is not None
        assert art.title is not None and "<script>" in art.title
        assert art.text is not None and "onerror=" in art.text
        evs = list(store.events.iter())
        assert any("<script>" in r.event.evidence.text for r in evs)


def test_store_has_every_dashboard_status(web_db: Path) -> None:
    from eventlens.store import Store

    with Store.open(str(web_db)) as store:
        statuses = {k for k, _ in store.events.count_by("status")}
        assert {"occurred", "foiled", "planned", "threatened", "warned"} <= statuses
        multi = [s for s in store.stories.iter() if s.n_sources > 1]
        assert any("arrested" in s.summary.get("conflicts", {}) for s in multi)
