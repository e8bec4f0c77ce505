"""The dashboard in a real browser: Playwright drives Debian's Chromium (headless)
against ``eventlens serve`` (the real command, real uvicorn, on a free port)
over the store of ``test_web_data`` (the bundled samples, invented reports
for every status, and hostile articles).

Screenshots go to ``test-artifacts/dashboard/``.  No browser is downloaded:
the tests skip when ``/usr/bin/chromium`` is absent (``scripts/ci_browser.sh``
installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from test_web_data import PWNED, web_store_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from eventlens.pipeline import Pipeline

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "dashboard"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium "
    "(scripts/ci_browser.sh installs it); the browser tests need it",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[str]:
    db = web_store_path(tmp_path_factory, pipeline)
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "eventlens.cli", "serve", "--db", str(db), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"eventlens serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


# Records what a page's Content-Security-Policy refused (there should be nothing).
_WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=server)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    pg.route("**/*", only_local)
    pg.add_init_script(_WATCH)
    yield pg
    context.close()
    assert not outside, f"the dashboard tried to reach outside: {outside}"
    assert not errors, errors


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def open_dashboard(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.wait_for_selector("body[data-state=ready]", timeout=30_000)


def generation(page: Page) -> int:
    return int(page.evaluate("+document.body.dataset.generation"))


def wait_refreshed(page: Page, after: int) -> None:
    page.wait_for_function(
        "g => document.body.dataset.state === 'ready' && +document.body.dataset.generation > g",
        arg=after,
        timeout=30_000,
    )


def clickable(page: Page, selector: str) -> Any:
    """The first element matching ``selector`` that nothing covers (markers overlap)."""
    index = page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel)).findIndex(m => {
             const r = m.getBoundingClientRect();
             const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             return top !== null && m.contains(top);
           })""",
        selector,
    )
    assert index >= 0, f"every {selector} is covered"
    return page.locator(selector).nth(index)


def api(server: str, path: str, **params: Any) -> Any:
    r = httpx.get(f"{server}{path}", params=params, timeout=30)
    r.raise_for_status()
    return r.json()


# ------------------------------------------------------------------------ tests


def test_dashboard_loads_map_timeline_and_table(page: Page, server: str) -> None:
    open_dashboard(page)
    meta = api(server, "/api/meta")
    located = api(server, "/api/map/events")["total"]
    assert int(page.get_attribute("#map", "data-points") or 0) == located > 0
    assert page.locator(".ev-marker").count() > 0
    assert int(page.get_attribute("#timeline", "data-buckets") or 0) > 0
    rows = page.locator("#events tbody tr")
    assert rows.count() == min(100, meta["totals"]["events"])
    assert "GeoNames" in page.inner_text(".leaflet-control-attribution")
    assert "Natural Earth" in page.inner_text(".leaflet-control-attribution")
    # Country outlines drawn from the vendored world atlas.
    assert page.locator(".leaflet-overlay-pane path").count() > 100
    shot(page, "dashboard")


def test_click_a_marker_then_open_its_article(page: Page, server: str) -> None:
    open_dashboard(page)
    marker = clickable(page, ".ev-marker.status-foiled")
    n = int(marker.locator("div").first.get_attribute("data-n") or 0)
    marker.click()
    page.wait_for_selector(".popup-list .ev")
    popup_events = page.locator(".popup-list .ev")
    assert popup_events.count() == min(n, 20)
    assert "foiled" in page.inner_text(".leaflet-popup-content")
    shot(page, "marker-popup")
    event_id = popup_events.first.get_attribute("data-event-id")
    popup_events.first.locator(".open-article").click()
    page.wait_for_selector("#detail[data-state=ready]")
    focus = page.locator("#article-text mark.focus")
    ev = api(server, f"/api/events/{event_id}")["event"]
    assert focus.count() >= 1
    assert ev["evidence"]["text"] in "".join(focus.all_inner_texts())
    shot(page, "marker-article")


def test_filter_by_status_updates_map_timeline_and_table(page: Page, server: str) -> None:
    open_dashboard(page)
    before = generation(page)
    page.locator("#status-filter label[data-status=foiled]").click()
    wait_refreshed(page, before)
    rows = page.locator("#events tbody tr")
    n = api(server, "/api/counts/events", by="status", status="foiled")["total"]
    assert rows.count() == n > 0
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.status)")) == {"foiled"}
    markers = page.locator(".ev-marker")
    assert markers.count() > 0
    assert markers.count() == page.locator(".ev-marker.status-foiled").count()
    labels = page.evaluate("Chart.getChart('timeline').data.datasets.map(d => d.label)")
    assert labels == ["foiled"]
    assert "status=foiled" in page.url
    assert page.inner_text("#count").startswith(f"{n} ")
    shot(page, "filtered-foiled")
    # The filter survives a reload (it lives in the URL).
    open_dashboard(page, page.url)
    assert page.locator("#events tbody tr").count() == n


def test_article_view_highlights_evidence_and_lists_every_event(page: Page, server: str) -> None:
    open_dashboard(page, "/?q=Ankara")
    page.locator("#events tbody tr").first.click()
    page.wait_for_selector("#detail[data-state=ready]")
    event_id = page.locator("#article-events li.focus").get_attribute("data-event-id")
    ev = api(server, f"/api/events/{event_id}")
    article = api(server, f"/api/articles/{ev['article']['id']}")
    assert page.locator("#article-events li").count() == len(article["events"]) >= 2
    assert page.inner_text("#article-title") == article["article"]["title"]
    marked = "".join(page.locator("#article-text mark.focus").all_inner_texts())
    assert marked == ev["event"]["evidence"]["text"]
    # Every event of the article is highlighted in the text.
    marks = page.locator("#article-text mark").evaluate_all(
        "ms => ms.flatMap(m => m.dataset.events.split(' '))"
    )
    assert set(marks) == {i["event"]["id"] for i in article["events"]}
    shot(page, "article")


def test_story_view_shows_every_report_and_the_conflicts(page: Page, server: str) -> None:
    story = next(
        s
        for s in api(server, "/api/stories", min_sources=2, country="TUR")["items"]
        if "arrested" in s["conflicts"]
    )
    open_dashboard(page, f"/#/story/{story['id']}")
    page.wait_for_selector("#detail[data-state=ready]")
    assert page.locator("#story-reports li").count() == story["n_reports"]
    conflicts = page.inner_text("#story-conflicts")
    assert "arrested" in conflicts and "15" in conflicts and "5" in conflicts
    shot(page, "story")
    page.locator("#story-reports .open-article").first.click()
    page.wait_for_selector("#detail[data-state=ready] #article-text")


def _html_article_id(server: str) -> str:
    """The id the store gave tests/fixtures/web/hostile.html (a hash of its content)."""
    for item in api(server, "/api/events", q="suicide bomber Kabul")["items"]:
        art = api(server, f"/api/articles/{item['event']['article_id']}")["article"]
        if "onerror" in (art["text"] or ""):
            return str(art["id"])
    raise AssertionError("hostile.html is not in the store")


@pytest.mark.parametrize("article_id", ["web-hostile-text", "hostile.html"])
def test_untrusted_text_never_runs_or_changes_the_page(
    page: Page, server: str, article_id: str
) -> None:
    if article_id == "hostile.html":
        article_id = _html_article_id(server)
    art = api(server, f"/api/articles/{article_id}")
    open_dashboard(page, "/?q=Mosul")
    # The table shows hostile evidence, actors and sources; the map shows their markers.
    clickable(page, ".ev-marker").click()
    page.wait_for_selector(".popup-list .ev")
    open_dashboard(page, f"/#/article/{article_id}")
    page.wait_for_selector("#detail[data-state=ready]")
    title = art["article"]["title"]
    if title:
        assert page.inner_text("#article-title") == title
    text = page.inner_text("#article-text")
    assert "".join(text.split()) == "".join(art["article"]["text"].split())
    for ev in art["events"]:
        if ev["story_id"]:
            open_dashboard(page, f"/#/story/{ev['story_id']}")
            page.wait_for_selector("#detail[data-state=ready]")
    open_dashboard(page, f"/#/article/{article_id}")
    page.wait_for_selector("#detail[data-state=ready]")
    shot(page, f"untrusted-{article_id}")
    assert page.evaluate(f"typeof {PWNED}") == "undefined"
    injected = page.evaluate(
        """() => document.querySelectorAll(
          'main script, #detail script, main iframe, #detail iframe, #detail img, main img,'
          + ' #detail b, main b, #detail style, main style, [onerror], [onload], [onmouseover],'
          + ' a[href^="javascript"]'
        ).length"""
    )
    assert injected == 0
    assert page.evaluate("document.scripts.length") == 4  # our own, all from /static
    assert page.evaluate("window.__violations") == []
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    # Hovering and clicking the hostile text does nothing either.
    page.locator("#article-text").hover()
    page.locator("#article-text mark").first.click()
    assert page.evaluate(f"typeof {PWNED}") == "undefined"


CONTROLS = ("\x1b", "\x07", "\u202e", "\u202c", "\u200f")


def test_terminal_and_bidi_controls_never_reach_the_page(page: Page, server: str) -> None:
    """ANSI/OSC escapes and bidi overrides in article text are shown as text, not controls."""
    open_dashboard(page, "/?q=Zorvath")
    rows = page.locator("#events tbody tr")
    assert rows.count() >= 1
    table_text = page.inner_text("#events")
    rows.first.click()
    page.wait_for_selector("#detail[data-state=ready]")
    shown = table_text + page.inner_text("#detail")
    assert "Zorvath" in shown and "Kano" in shown
    found = [repr(c) for c in CONTROLS if c in shown]
    assert not found, found
    shot(page, "control-characters")


def test_api_docs_work_offline(page: Page, server: str) -> None:
    """Swagger UI from the vendored bundle: every operation, nothing from outside."""
    page.goto("/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    spec = api(server, "/openapi.json")
    assert page.locator(".opblock").count() == len(spec["paths"])
    shot(page, "api-docs")
