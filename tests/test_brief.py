"""``eventlens brief`` on constructed stores: the spike rule on constructed
series, conflicting values shown with their sources, an empty period, text
from articles never rendered as markup, the CLI's and the API's answers.

Events are built here (no pipeline): invented places, actors and quotes.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventlens.brief import Brief, BriefRequest, SpikeRule, brief_settings, build_brief
from eventlens.brief.render import md_escape, render_html, render_markdown
from eventlens.cli import main
from eventlens.model import Actor, Article, Counts, Event, EventDate, Evidence, Place
from eventlens.store import Filter, Store
from eventlens.web.app import create_app

HOSTILE_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3))"
HOSTILE_QUOTE = (
    "Gunmen <b>attacked</b> a \u202eteg\u202c post \x1b[31m<iframe src=//evil></iframe> "
    "**bold** `code` <!-- c --> & more in Zorvath"
)


def _event(
    eid: str,
    article: str,
    day: date,
    *,
    status: str = "occurred",
    event_type: str = "ASSAULT",
    mode: str | None = None,
    arrested: int | None = None,
    killed: int | None = None,
    text: str = "Gunmen attacked a police post in Zorvath on Monday",
    place: tuple[str, float, float] = ("Zorvath", 12.5, 8.25),
    acled: tuple[str | None, str | None] = ("Violence against civilians", "Attack"),
) -> Event:
    name, lat, lon = place
    return Event(
        id=eid,
        article_id=article,
        event_type=event_type,
        mode=mode,
        status=status,  # type: ignore[arg-type]
        evidence=Evidence(text=text, start=0, end=len(text), sentence=0),
        confidence=0.9,
        actor=Actor(text="gunmen", name="unidentified gunmen", sector="UAF"),
        recipient=Actor(text="police", name="Zorvath police", country="ZZZ", sector="COP"),
        location=Place(
            text=name,
            start=0,
            end=len(name),
            geonameid=1,
            name=name,
            lat=lat,
            lon=lon,
            feature="city",
            admin1="North",
            country="ZZZ",
            score=1.0,
        ),
        date=EventDate(value=day.isoformat(), precision="day", source="explicit"),
        counts=Counts(arrested=arrested, killed=killed),
        acled_event_type=acled[0],
        acled_sub_event_type=acled[1],
    )


def _save(
    store: Store,
    article: str,
    evs: list[Event],
    *,
    source: str,
    title: str,
    url: str | None,
    published: date,
) -> None:
    a = Article(
        id=article,
        content=evs[0].evidence.text if evs else "x",
        url=url,
        source=source,
        title=title,
        published=published,
    )
    store.save_article(a, content_hash=article, text=a.content, events=evs)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(str(tmp_path / "brief.db"))
    day = date(2023, 2, 4)
    # One raid reported by three sources: two say 15 arrested, one says 5.
    raid = "Police arrested 15 suspects in a raid in Zorvath on Saturday"
    for i, (src, n) in enumerate((("one.example", 15), ("two.example", 15), ("three.example", 5))):
        e = _event(
            f"raid{i}",
            f"art-raid{i}",
            day,
            event_type="COERCE",
            mode="arrest",
            arrested=n,
            text=raid if n == 15 else raid.replace("15", "5"),
            acled=("Strategic developments", "Arrests"),
        )
        _save(
            s,
            f"art-raid{i}",
            [e],
            source=src,
            title=f"Raid in Zorvath ({src})",
            url=f"https://{src}/raid",
            published=day + timedelta(days=1),
        )
    plot = "Police said they foiled a plot to bomb the Zorvath market"
    _save(
        s,
        "art-plot",
        [_event("plot1", "art-plot", day, status="foiled", text=plot, place=("Kelm", 13.0, 9.0))],
        source="one.example",
        title="Plot foiled",
        url="https://one.example/plot",
        published=day,
    )
    warn = "The embassy warned of possible attacks in Zorvath"
    _save(
        s,
        "art-warn",
        [_event("warn1", "art-warn", day, status="warned", text=warn)],
        source="two.example",
        title="Embassy warning",
        url="javascript:alert(4)",
        published=day,
    )
    _save(
        s,
        "art-hostile",
        [_event("hostile1", "art-hostile", day, text=HOSTILE_QUOTE, place=("Oru", 11.0, 7.5))],
        source="<b>evil.example</b>",
        title=HOSTILE_TITLE,
        url="https://evil.example/x?a=<b>&q=\"'",
        published=day,
    )
    return s


def _brief(store: Store) -> Brief:
    req = BriefRequest(
        scope=Filter(country=("ZZZ",)), since=date(2023, 2, 1), until=date(2023, 2, 28)
    )
    return build_brief(store.events, store.stories, req)


# ------------------------------------------------------------------ spike rule


RULE = SpikeRule(z=2.0, min_count=3, min_spread=1.0)


@pytest.mark.parametrize(
    ("count", "baseline", "call"),
    [
        (10, (2, 3, 2, 3, 2, 3), "spike"),  # far above a steady baseline
        (5, (2, 3, 2, 3, 2, 3), None),  # mean 2.5, spread √2.5≈1.58: 5 < 2.5 + 3.16
        (6, (2, 3, 2, 3, 2, 3), "spike"),  # 6 > 5.66
        (12, (0, 20, 0, 20, 0, 20), None),  # a volatile baseline explains 12
        (2, (0, 0, 0, 0, 0, 0), None),  # too few to call
        (3, (0, 0, 0, 0, 0, 0), "spike"),  # spread floor 1: 3 > 0 + 2
        (0, (10, 12, 9, 11, 10, 12), "drop"),
        (7, (10, 12, 9, 11, 10, 12), None),  # spread √10.7≈3.3: 7 > 10.7 - 6.5
        (1, (2, 2, 2, 2, 2, 2), None),  # a drop needs a baseline mean of at least 3
        (4, (), None),  # no baseline: no call
    ],
)
def test_spike_rule_on_constructed_series(
    count: int, baseline: tuple[int, ...], call: str | None
) -> None:
    assert RULE.call(count, baseline) == call


def test_spread_is_the_larger_of_sd_and_poisson() -> None:
    assert RULE.spread((4, 4, 4, 4)) == pytest.approx(2.0)  # sd 0, √4
    assert RULE.spread((0, 10)) == pytest.approx(7.071, abs=1e-3)  # sd > √5


def test_shipped_rule_is_stated_in_words() -> None:
    words = brief_settings().spike.words(6, 28)
    assert "6 periods of 28 days" in words and "square root" in words


def test_baseline_figures_from_the_store(store: Store, tmp_path: Path) -> None:
    # One event in each of the six baseline periods before; 6 in the period.
    for k in range(1, 7):
        day = date(2023, 2, 10) - timedelta(days=28 * k)
        _save(
            store,
            f"old{k}",
            [_event(f"old{k}", f"old{k}", day)],
            source="old.example",
            title="old",
            url=None,
            published=day,
        )
    b = _brief(store)
    assert b.total.baseline == (1, 1, 1, 1, 1, 1)
    assert b.total.current == 6 and b.total.previous == 1
    assert b.total.call == "spike"
    occurred = next(r for r in b.by_status if r.label == "occurred")
    assert occurred.current == 4 and occurred.baseline == (1,) * 6
    assert "within baseline variation" in render_markdown(b)


# ------------------------------------------------------------------ sections


def test_conflicting_values_shown_with_sources(store: Store) -> None:
    b = _brief(store)
    (raid,) = [s for s in b.happened if s.event_type == "COERCE"]
    assert raid.n_sources == 3
    (arrested,) = [c for c in raid.conflicts if c.name == "arrested"]
    assert [(v.value, v.n_sources) for v in arrested.values] == [("15", 2), ("5", 1)]
    md = render_markdown(b)
    shown = "arrested: 15 (2 sources) \\[raid0, raid1\\] \\| 5 (1 source) \\[raid2\\]"
    assert shown in md
    html = render_html(b)
    assert "15 (2 sources)" in html and "5 (1 source)" in html


def test_not_happened_apart_from_what_occurred(store: Store) -> None:
    b = _brief(store)
    happened_ids = {i for s in b.happened for i in s.event_ids}
    sections = {sec.status: sec for sec in b.not_happened}
    assert [i for s in sections["foiled"].stories for i in s.event_ids] == ["plot1"]
    assert [i for s in sections["warned"].stories for i in s.event_ids] == ["warn1"]
    assert not sections["planned"].stories and not sections["threatened"].stories
    assert {"plot1", "warn1"}.isdisjoint(happened_ids)
    md = render_markdown(b)
    assert md.index("## What did not") < md.index("plot1", md.index("## What did not"))
    assert "None planned in the period." in md


def test_every_line_cites_events(store: Store) -> None:
    md = render_markdown(_brief(store))
    body = md.split("## Sources and credits")[0]
    for line in body.splitlines():
        if line.startswith("- "):  # a story or a quoted article
            assert re.search(r"\\\[[^\]]*\\\]", line), line
    assert "eventlens export events --country ZZZ --since 2023-02-01 --until 2023-02-28" in md


def test_an_empty_period_says_so(store: Store) -> None:
    req = BriefRequest(
        scope=Filter(country=("ZZZ",)), since=date(1999, 1, 1), until=date(1999, 1, 31)
    )
    b = build_brief(store.events, store.stories, req)
    assert b.empty and not b.happened
    md = render_markdown(b)
    assert "The store holds no events for ZZZ from 1999-01-01 to 1999-01-31" in md
    assert "No events in the baseline periods either." in md
    assert "None foiled in the period." in md
    assert "<svg" in render_html(b)  # the map (the world) and an empty timeline


def test_empty_store_gives_a_brief(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.db"
    Store.open(str(db)).close()
    assert main(["brief", "--db", str(db), "--country", "TUR", "--since", "2023-01-01"]) == 0
    assert "The store holds no events for TUR" in capsys.readouterr().out


# ------------------------------------------------------------ text is data


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]
        assert not any(k.startswith("on") for k, _ in attrs), (tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_article_text_is_never_markup_in_html(store: Store) -> None:
    html = render_html(_brief(store))
    p = _Tags()
    p.feed(html)
    assert {"script", "img", "iframe", "b"}.isdisjoint(p.tags)
    assert all(h.startswith("https://") for h in p.hrefs), p.hrefs  # no javascript: link
    text = "".join(p.text)
    assert "<script>alert(1)</script>" in text  # shown as text
    assert "<b>attacked</b>" in text and "<b>evil.example</b>" in text
    for c in ("\x1b", "\u202e", "\u202c"):
        assert c not in html
    assert "default-src 'none'" in html  # no script could run even if markup got in


def test_article_text_is_never_markup_in_markdown(store: Store) -> None:
    md = render_markdown(_brief(store))
    # every < is escaped, but for the <URL> of a link: no HTML reaches a renderer
    assert not re.findall(r"(?<![\\(])<", md)
    assert "\\<script\\>" in md and "\\<iframe" in md
    assert not re.findall(r"(?<!\\)\]\(javascript:", md)  # never a link
    assert "javascript:alert(4)" not in md  # the article whose URL is javascript:
    assert "\\<script\\>" in md and "\\*\\*bold\\*\\*" in md
    for c in ("\x1b", "\u202e"):
        assert c not in md


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a <b>c</b>", "a \\<b\\>c\\</b\\>"),
        ("[x](javascript:y)", "\\[x\\](javascript:y)"),
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("# head", "\\# head"),
        ("&amp;", "\\&amp;"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


# ------------------------------------------------------------------ surfaces


def test_cli_writes_html_and_names_the_place(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    db = store.url.split("///")[-1]
    argv = ["brief", "--db", db, "--country", "ZZZ", "--since", "2023-02-01"]
    assert main([*argv, "--until", "2023-02-28", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!doctype html>")


def test_cli_region_and_bad_input(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = store.url.split("///")[-1]
    assert main(["brief", "--db", db, "--region", "nowhere-land"]) == 2
    err = capsys.readouterr().err
    assert "unknown region 'nowhere-land'" in err and len(err.strip().splitlines()) == 1
    assert main(["brief", "--db", db, "--region", "sahel", "--since", "2023-02-01"]) == 0
    assert "Sahel (MRT, MLI" in capsys.readouterr().out
    assert main(["brief", "--db", db, "--format", "pdf"]) == 2
    assert "--format pdf needs -o PATH" in capsys.readouterr().err


def test_pdf_without_an_engine_is_one_line(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EVENTLENS_CHROMIUM", str(tmp_path / "no-such-chromium"))
    db = store.url.split("///")[-1]
    assert main(["brief", "--db", db, "-o", str(tmp_path / "b.pdf")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "PDF needs Chromium" in err and "apt-get" in err


def test_api_brief_downloads(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    client = TestClient(create_app(store))
    q = "country=ZZZ&date_from=2023-02-01&date_to=2023-02-28"
    r = client.get(f"/api/brief?{q}&format=md")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert 'filename="eventlens-brief-2023-02-01-2023-02-28.md"' in r.headers["content-disposition"]
    assert "arrested: 15 (2 sources)" in r.text
    r = client.get(f"/api/brief?{q}&format=html")
    assert r.status_code == 200 and "<script>alert" not in r.text
    assert client.get("/api/brief?format=doc").status_code == 422
    assert client.get("/api/brief?baseline=0").status_code == 422
    monkeypatch.setenv("EVENTLENS_CHROMIUM", "/no/such/chromium")
    r = client.get(f"/api/brief?{q}&format=pdf")
    assert r.status_code == 503 and "PDF needs Chromium" in r.json()["detail"]
    assert "WikiNews" in client.get("/api/meta").json()["credits"].replace("Wikinews", "WikiNews")


def test_exports_credit_the_article_text(store: Store, tmp_path: Path) -> None:
    import json

    out = tmp_path / "e.geojson"
    db = store.url.split("///")[-1]
    assert main(["-q", "export", "--db", db, "--format", "geojson", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert "GeoNames" in doc["attribution"] and "Wikinews" in doc["credits"]
