"""Threads: articles of many outlets that report one happening (issue 15).

The articles here are written for these tests (fictional people, outlets and
numbers); none comes from an evaluation set.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from eventlens.knowledge import Knowledge
from eventlens.model import Article
from eventlens.stories.threads import (
    APART,
    ThreadClusterer,
    ThreadMember,
    ThreadParams,
    ThreadRules,
    average_linkage,
)
from eventlens.stories.vectors import cosine

KNOWLEDGE = Knowledge()

FERRY_1 = """A passenger ferry capsized on Lake Kivu near Goma on Sunday evening, and rescuers
pulled 41 survivors from the water while at least 17 people were still missing, the provincial
governor Amani Lubala said. The vessel, the Mwami Express, was carrying traders and their goods
from Bukavu when it was hit by a storm about two kilometres from the port. Navy divers from the
Congolese river brigade searched through the night. Survivors said the boat was overloaded with
sacks of cement and that few passengers had life jackets."""

FERRY_2 = """Rescue teams on Monday recovered the bodies of nine passengers from the Mwami Express,
the ferry that overturned in a storm on Lake Kivu close to Goma, raising the known death toll,
while divers kept searching for others. Governor Amani Lubala blamed overloading: the boat had
left Bukavu with sacks of cement stacked on its deck. Relatives gathered at the port of Goma,
and the provincial government announced three days of mourning and an inquiry into the
operator of the vessel."""

FERRY_OTHER = """A double-decker ferry sank in the Meghna river in Bangladesh on Thursday after
colliding with a sand barge in fog near Chandpur, and the coast guard said 23 passengers
drowned. The MV Shapla Rani had left Dhaka's Sadarghat terminal before dawn with about 300
people on board. Fire service divers and local fishermen rescued most of the passengers. The
shipping minister Rezaul Karim ordered the arrest of the barge's crew and said the ferry had
no permit to sail at night."""

MARKET = """The central bank of Chile raised its benchmark interest rate by half a point on
Tuesday, to 6.25 percent, citing stubborn inflation in food and energy prices, and said further
increases were possible this year. The governor Rosario Valdivieso told reporters in Santiago
that the copper price and the weak peso had pushed import costs higher. Economists had expected
a smaller move. The decision was unanimous among the five board members."""

SHORT = "Police said a ferry sank."


def rules(**kw: float | int) -> ThreadRules:
    return ThreadRules(KNOWLEDGE, ThreadParams(**kw))  # type: ignore[arg-type]


def member(
    rules_: ThreadRules, name: str, text: str, published: date | None = None
) -> ThreadMember:
    return ThreadMember(name, rules_.vector(text), published)


def test_reports_of_one_happening_agree_more_than_reports_of_its_kind() -> None:
    r = rules()
    one, two, other = (r.vector(t) for t in (FERRY_1, FERRY_2, FERRY_OTHER))
    assert cosine(one, two) > 2 * cosine(one, other)
    assert cosine(one, r.vector(MARKET)) < 0.05


def test_the_same_happening_joins_and_a_similar_one_stays_apart() -> None:
    c = ThreadClusterer(KNOWLEDGE)
    r = c.rules
    t1 = c.add(member(r, "a", FERRY_1))
    assert t1 is not None
    assert c.add(member(r, "b", FERRY_2)) == t1
    assert c.add(member(r, "c", FERRY_OTHER)) not in (None, t1)
    assert c.add(member(r, "d", MARKET)) not in (None, t1)
    assert sorted(c.threads()[t1]) == ["a", "b"]


def test_an_article_that_says_too_little_joins_no_thread() -> None:
    c = ThreadClusterer(KNOWLEDGE)
    assert not c.rules.usable(c.rules.vector(SHORT))
    c.add(member(c.rules, "a", FERRY_1))
    assert c.add(member(c.rules, "s", SHORT)) is None
    assert c.thread_of["s"] is None


def test_publication_dates_narrow_but_undated_is_unknown() -> None:
    r = rules(max_days=10)
    a = member(r, "a", FERRY_1, date(2025, 5, 4))
    near, undated, far = (
        member(r, "b", FERRY_2, date(2025, 5, 5)),
        member(r, "b", FERRY_2),
        member(r, "b", FERRY_2, date(2025, 8, 1)),
    )
    assert r.similarities([a, near])[0, 1] == pytest.approx(r.similarities([a, undated])[0, 1])
    assert r.similarities([a, undated])[0, 1] > 0.3  # no date: the text decides
    assert r.similarities([a, far])[0, 1] == APART
    clusters = r.recluster([(a, "t1"), (far, None)])
    assert sorted(ids for _, ids in clusters) == [["a"], ["b"]]


def test_average_linkage_does_not_chain() -> None:
    """B is near A and near C, A and C are far apart: single linkage would make
    one group of the three; average linkage keeps C out (its mean with {A, B} is low)."""
    sims = np.array([[1.0, 0.5, 0.1], [0.5, 1.0, 0.45], [0.1, 0.45, 1.0]])
    assert average_linkage(sims, 0.4) == [0, 0, 2]
    assert average_linkage(sims, 0.2) == [0, 0, 0]
    assert average_linkage(sims, 0.6) == [0, 1, 2]
    assert average_linkage(np.ones((1, 1)), 0.3) == [0]


def test_a_recluster_keeps_the_id_of_the_thread_most_of_a_cluster_came_from() -> None:
    r = rules()
    a, b, c = member(r, "a", FERRY_1), member(r, "b", FERRY_2), member(r, "c", MARKET)
    # "c" was wrongly in the ferry thread; the ferry articles keep its id, "c" leaves
    out = dict((tuple(ids), kept) for kept, ids in r.recluster([(a, "t"), (b, "t"), (c, "t")]))
    assert out == {("a", "b"): "t", ("c",): None}


def test_assignment_is_the_same_whatever_the_order() -> None:
    texts = {"a": FERRY_1, "b": FERRY_2, "c": FERRY_OTHER, "d": MARKET}
    seen = set()
    for order in ("abcd", "dcba", "cadb", "bdac"):
        c = ThreadClusterer(KNOWLEDGE)
        for k in order:
            c.add(member(c.rules, k, texts[k]))
        seen.add(frozenset(frozenset(v) for v in c.threads().values()))
    assert seen == {frozenset({frozenset("ab"), frozenset("c"), frozenset("d")})}


# ------------------------------------------------------------------ the store


def _save(store: object, name: str, text: str, published: date | None = None) -> str | None:
    a = Article(id=name, content=text, published=published, source=f"outlet-{name}", origin=name)
    res = store.save_article(a, content_hash=str(hash(text)), text=text, events=[])  # type: ignore[attr-defined]
    return res.thread_id  # type: ignore[no-any-return]


def test_the_store_threads_articles_and_a_changed_article_moves(tmp_path: Path) -> None:
    from eventlens.store import Store

    with Store.open(str(tmp_path / "t.db"), knowledge=KNOWLEDGE) as store:
        t1 = _save(store, "a", FERRY_1, date(2025, 5, 4))
        assert t1 is not None
        assert _save(store, "b", FERRY_2, date(2025, 5, 5)) == t1
        assert _save(store, "c", FERRY_OTHER, date(2025, 5, 5)) != t1
        assert _save(store, "s", SHORT) is None
        thread = store.thread(t1)
        assert thread is not None
        assert (thread.n_articles, thread.n_sources) == (2, 2)
        assert [a.id for a in thread.articles] == ["a", "b"]
        assert (thread.first_published, thread.last_published) == (
            date(2025, 5, 4),
            date(2025, 5, 5),
        )
        assert [a.id for a in store.coverage(["a"])] == ["b"]
        art = store.article("b")
        assert art is not None and art.thread_id == t1
        # "b" is rewritten as a report on the central bank: it leaves the ferry thread
        assert _save(store, "b", MARKET, date(2025, 5, 5)) != t1
        thread = store.thread(t1)
        assert thread is not None and [a.id for a in thread.articles] == ["a"]
        assert store.coverage(["a"]) == []


def test_candidate_threads_are_whole_threads_that_fit_the_neighbourhood(tmp_path: Path) -> None:
    from eventlens.store import Store
    from eventlens.store.thread_writer import candidate_threads

    with Store.open(str(tmp_path / "t.db"), knowledge=KNOWLEDGE) as store:
        t1 = _save(store, "a", FERRY_1, date(2025, 5, 4))
        assert _save(store, "b", FERRY_2, date(2025, 5, 5)) == t1
        probe = rules().vector(FERRY_1 + " " + FERRY_2)
        with store.transaction() as conn:
            roomy = candidate_threads(conn, probe, rules(), "new")
            # the new article and one more: the ferry thread (two) no longer fits
            tight = candidate_threads(conn, probe, rules(max_local=2), "new")
            mine = candidate_threads(conn, probe, rules(max_local=2), "a")
    assert [(tid, sorted(m.article_id for m in ms)) for tid, ms in roomy] == [(t1, ["a", "b"])]
    assert tight == []
    assert [(tid, [m.article_id for m in ms]) for tid, ms in mine] == [(t1, ["b"])]


def test_the_api_shows_a_thread_and_a_storys_coverage(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from eventlens.evaluate.dedup import make_event
    from eventlens.store import Store
    from eventlens.web.app import create_app

    db = str(tmp_path / "t.db")
    with Store.open(db, knowledge=KNOWLEDGE) as store:
        # "a" gives an event (the capsizing); "b" reports the same happening, no event
        sentence = FERRY_1.split(". ")[0]
        event = make_event(article_id="a", event_type="ASSAULT", status="occurred", text=sentence)
        article = Article(id="a", content=FERRY_1, source="outlet-a", origin="a")
        saved = store.save_article(article, content_hash="1", text=FERRY_1, events=[event])
        tid = saved.thread_id
        _save(store, "b", FERRY_2)
        _save(store, "c", MARKET)
    store = Store.open(db, knowledge=KNOWLEDGE)
    try:
        client = TestClient(create_app(store))
        art = client.get("/api/articles/a").json()["article"]
        assert art["thread_id"] == tid
        body = client.get(f"/api/threads/{tid}").json()
        assert [a["id"] for a in body["articles"]] == ["a", "b"]
        assert body["thread"]["n_articles"] == 2 and "GeoNames" in body["attribution"]
        assert client.get("/api/threads/nope").status_code == 404
        story_id = client.get("/api/events/" + event.id).json()["story_id"]
        story = client.get(f"/api/stories/{story_id}").json()
        assert [a["id"] for a in story["coverage"]] == ["b"]
        assert story["coverage"][0]["thread_id"] == tid
    finally:
        store.close()


# ------------------------------------------------------------ the training set


def test_the_shipped_thresholds_hold_on_their_training_set() -> None:
    """The set the thresholds were chosen on (``data/threads``, written for it):
    a regression check that a change to the vectors or rules does not lose them."""
    from eventlens.evaluate.stories import score_documents

    root = Path(__file__).resolve().parent.parent / "data" / "threads"
    rows = [
        json.loads(line)
        for p in sorted(root.glob("*.jsonl"))
        for line in p.read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert len(rows) >= 200
    c = ThreadClusterer(KNOWLEDGE)
    for r in rows:
        c.add(member(c.rules, r["id"], f"{r['title']}\n\n{r['text']}"))
    found = {a: [t] for a, t in c.thread_of.items() if t}
    gold = {r["id"]: r["story"] for r in rows}
    topic = {r["id"]: r["topic"] for r in rows}
    s = score_documents(gold, topic, found)
    assert s.f1 >= TRAINING_FLOOR, s.to_dict()


TRAINING_FLOOR = 0.77
"""Undated, file order: 0.786 with the shipped thresholds (scripts/tune_threads.py --defaults)."""


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_text_has_no_vector(text: str) -> None:
    assert rules().vector(text) == ()
