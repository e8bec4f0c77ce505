"""Stories on real-looking reporting (issue 15), on constructed articles.

Undated reports of one event join; similar events stay apart; a placeless
report never bridges two places; generic events stay alone; arrival order
does not change the stories; the document-level scorer of ``eval stories``;
and, when ../shared is present, ``eval stories`` on ECB+ against its floors.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from eventlens.evaluate.dedup import make_actor, make_event, make_place
from eventlens.evaluate.stories import detokenise, read_document, score_documents
from eventlens.knowledge import Knowledge
from eventlens.model import Article
from eventlens.store import Filter, Store
from eventlens.stories.clustering import StoryClusterer, StoryRules
from eventlens.stories.params import DEFAULT_PARAMS
from eventlens.stories.report import Report
from eventlens.stories.vectors import cosine

ROOT = Path(__file__).resolve().parent.parent
BASELINE = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))

KNOWLEDGE = Knowledge()
RULES = StoryRules(KNOWLEDGE)
compare = RULES.compare
is_generic = RULES.is_generic
article_vector = RULES.similarity.vectors

PLACES: dict[str, dict[str, Any]] = {
    "athens": {"name": "Athens", "lat": 37.98, "lon": 23.73, "feature": "city", "country": "GRC"},
    "santiago": {
        "name": "Santiago",
        "lat": -33.46,
        "lon": -70.65,
        "feature": "city",
        "country": "CHL",
    },
    "dayton": {"name": "Dayton", "lat": 39.76, "lon": -84.19, "feature": "city", "country": "USA"},
    "tulsa": {"name": "Tulsa", "lat": 36.15, "lon": -95.99, "feature": "city", "country": "USA"},
}

# Two shootings: same type, same kind of words, different people and places.
MALL = (
    "A gunman opened fire at the Riverside Galleria shopping mall in Dayton on Saturday, "
    "killing three shoppers before officers of the Dayton police shot him. Witnesses said "
    "the gunman, identified as Carl Beckwith, 34, walked into the food court carrying a "
    "rifle. Mayor Linda Ostrowski called the Riverside Galleria attack a tragedy and "
    "thanked the officers who stopped Beckwith within minutes."
)
MALL_2 = (
    "Police in Dayton say Carl Beckwith killed three people at the Riverside Galleria mall "
    "when he opened fire in the food court. Officers shot Beckwith dead minutes later. "
    "Mayor Linda Ostrowski said the city mourned the shoppers killed at the Galleria, and "
    "witnesses described the rifle Beckwith carried."
)
SCHOOL = (
    "A teenager opened fire at Hollins Creek High School in Tulsa on Monday, wounding two "
    "students before teachers disarmed him. Superintendent Mark Delacroix said the "
    "Hollins Creek campus would stay closed while detectives question the sixteen year "
    "old. Parents gathered outside the gymnasium as ambulances took the students away."
)


def report(
    key: str,
    text: str,
    *,
    place: str | None,
    event_type: str = "ASSAULT",
    mode: str | None = None,
    actor: dict[str, Any] | None = None,
    sentence: str | None = None,
) -> Report:
    """An undated event (no date, no publication date) from an article of ``text``."""
    article_id = f"article-{key}"
    evidence = sentence or text.split(". ")[0]
    e = make_event(
        event_id=f"event-{key}",
        article_id=article_id,
        event_type=event_type,
        status="occurred",
        mode=mode,
        text=evidence,
        place=make_place(PLACES[place]) if place else None,
        actor=make_actor(actor),
    )
    return Report(e, f"outlet-{key}", None, None, sentence or evidence, text)


def cluster(reports: list[Report]) -> dict[str, str]:
    c = StoryClusterer(KNOWLEDGE)
    for r in reports:
        c.add(r)
    return c.story_of


def test_undated_reports_of_one_event_join() -> None:
    a, b = report("a", MALL, place="dayton"), report("b", MALL_2, place="dayton")
    assert a.event.date.value is None and a.published is None
    m = compare(a, b)
    assert m is not None and m.score >= DEFAULT_PARAMS.threshold, m
    story = cluster([a, b])
    assert story["event-a"] == story["event-b"]


def test_undated_reports_without_places_join_on_their_texts() -> None:
    story = cluster([report("a", MALL, place=None), report("b", MALL_2, place=None)])
    assert story["event-a"] == story["event-b"]


def test_undated_similar_events_stay_apart() -> None:
    # same type, both "opened fire", both undated and placeless: only the texts differ
    a, b = report("a", MALL, place=None), report("b", SCHOOL, place=None)
    assert cosine(RULES.vector(a), RULES.vector(b)) < DEFAULT_PARAMS.undated_min_article
    m = compare(a, b)
    assert m is None or m.score < DEFAULT_PARAMS.threshold, m
    story = cluster([a, b])
    assert story["event-a"] != story["event-b"]


def test_reports_of_one_thread_count_as_articles_in_full_agreement() -> None:
    """Two undated reports whose articles the store put in one thread: the thread
    (whole clusters of articles agreeing) is the evidence their two texts alone
    are not."""
    a, b = report("a", MALL, place=None), report("b", SCHOOL, place=None)
    apart = compare(a, b)
    assert apart is None or apart.score < DEFAULT_PARAMS.threshold
    same = compare(replace(a, thread_id="t1"), replace(b, thread_id="t1"))
    assert same is not None and same.article == DEFAULT_PARAMS.article_full
    assert same.score >= DEFAULT_PARAMS.threshold
    other = compare(replace(a, thread_id="t1"), replace(b, thread_id="t2"))
    assert other == apart


def test_undated_same_words_without_evidence_lose() -> None:
    """Two one-line undated reports that share only the trigger's words."""
    a = report("a", "Gunmen attacked a convoy.", place=None)
    b = report("b", "Gunmen attacked a bus.", place=None)
    m = compare(a, b)
    assert m is None or m.score < DEFAULT_PARAMS.threshold, m


# One protest march reported from two countries' papers, and a placeless
# report of a talk show that shares words with both.
ATHENS = (
    "Thousands of teachers marched through Athens on Thursday against the pension reform "
    "of minister Eleni Vardakis, blocking Syntagma Square for hours. The OLME teachers "
    "union said forty thousand marched; police said twelve thousand."
)
SANTIAGO = (
    "Thousands of teachers marched through Santiago on Thursday against the pension reform "
    "of minister Rodrigo Fuenzalida, blocking the Alameda for hours. The Colegio de "
    "Profesores union said forty thousand marched; police said twelve thousand."
)
BRIDGE = (
    "Thousands of teachers marched on Thursday against the pension reform, blocking "
    "squares for hours; the union said forty thousand marched and police said twelve "
    "thousand, ministers Eleni Vardakis and Rodrigo Fuenzalida said."
)


@pytest.mark.parametrize("order", list(itertools.permutations("abc")))
def test_a_placeless_report_never_bridges_two_places(order: tuple[str, ...]) -> None:
    texts = {"a": (ATHENS, "athens"), "b": (BRIDGE, None), "c": (SANTIAGO, "santiago")}
    reps = [report(k, texts[k][0], place=texts[k][1], event_type="PROTEST") for k in order]
    story = cluster(reps)
    assert story["event-a"] != story["event-c"], order


def test_arrival_order_does_not_change_the_stories() -> None:
    reps = [
        report("a", MALL, place="dayton"),
        report("b", MALL_2, place="dayton"),
        report("c", SCHOOL, place="tulsa"),
        report("d", SCHOOL.replace("Monday", "Monday morning"), place="tulsa"),
        report("e", MALL_2.replace("Police in Dayton say", "Dayton police said"), place=None),
    ]
    partitions = set()
    for order in itertools.permutations(reps):
        story = cluster(list(order))
        groups = {frozenset(k for k, v in story.items() if v == sid) for sid in story.values()}
        partitions.add(frozenset(groups))
    assert len(partitions) == 1, partitions
    (only,) = partitions
    assert frozenset({"event-a", "event-b", "event-e"}) in only
    assert frozenset({"event-c", "event-d"}) in only


QUOTED = '"I agreed with every word he said," the actor told reporters after the premiere.'


@pytest.mark.parametrize(
    ("event_type", "sentence", "generic"),
    [
        ("AGREE", QUOTED, True),
        ("AGREE", "The two governments agreed on a ceasefire in Doha.", False),
        ("SUPPORT", "We support the players, the coach said.", False),
        ("ASSAULT", "Arsenal crushed Chelsea in the league match, the striker scored twice.", True),
        ("ASSAULT", "Gunmen attacked a football stadium in Kano, killing four.", False),
    ],
)
def test_generic_events(event_type: str, sentence: str, generic: bool) -> None:
    evidence = sentence.split(",")[0].strip('"') if event_type == "AGREE" else sentence
    r = report("x", sentence, place=None, event_type=event_type, sentence=sentence)
    r = Report(
        make_event(
            event_id="event-x",
            article_id="article-x",
            event_type=event_type,
            status="occurred",
            text=evidence,
        ),
        context=sentence,
        article=r.article,
    )
    assert is_generic(r) is generic


def quoted_agree(key: str, article: str) -> Report:
    event = make_event(
        event_id=f"event-{key}",
        article_id=f"article-{key}",
        event_type="AGREE",
        status="occurred",
        text="I agreed with every word he said",
    )
    return Report(event, context=QUOTED, article=article)


def test_generic_events_do_not_seed_stories() -> None:
    text = QUOTED + " The film opens in cinemas next week."
    a, b = quoted_agree("a", text), quoted_agree("b", text + " Critics were kind.")
    story = cluster([a, b])
    assert story["event-a"] != story["event-b"]


def test_the_store_joins_undated_reports(tmp_path: Path) -> None:
    """Ingest's own writer: articles without any date still form a story,
    and a similar event elsewhere stays out of it."""
    reps = [
        report("a", MALL, place="dayton"),
        report("c", SCHOOL, place="tulsa"),
        report("b", MALL_2, place="dayton"),
    ]
    with Store.open(str(tmp_path / "s.db"), knowledge=KNOWLEDGE) as store:
        for r in reps:
            e = r.event
            store.save_article(
                Article(id=e.article_id, content=r.article or "", source=r.source),
                content_hash="v1",
                text=r.article or "",
                events=[e],
                sentences={0: r.context or ""},
            )
        story = {x.event.id: x.story_id for x in store.events.iter(Filter())}
    assert story["event-a"] == story["event-b"] != story["event-c"]


def test_article_vectors_weigh_rare_words_over_common_ones() -> None:
    v = dict(article_vector("Police said the attack killed Beckwith in Riverside."))
    assert v["beckwith"] > v["police"]
    assert abs(sum(w * w for w in v.values()) - 1.0) < 1e-9


# ------------------------------------------------------------------ scorer


def test_document_scores_on_a_constructed_case() -> None:
    gold = {"a": "1/ecb", "b": "1/ecb", "c": "1/ecbplus", "d": "2/ecb", "e": "2/ecb"}
    topic = {k: v.split("/")[0] for k, v in gold.items()}
    # a-b right; c wrongly with a and b (same topic); d with e right; e also with a (cross)
    found = {"a": ["s1", "s9"], "b": ["s1"], "c": ["s1"], "d": ["s2"], "e": ["s2", "s9"]}
    s = score_documents(gold, topic, found)
    assert (s.pairs.tp, s.pairs.fp, s.pairs.fn) == (2, 3, 0)
    assert s.cross_topic == 1 and s.cross_topic_share == pytest.approx(0.2)
    # B-cubed: a, b, c in s1 (main story: most events, then the larger story)
    assert s.bcubed_recall == pytest.approx(1.0)
    assert s.bcubed_precision == pytest.approx((2 / 3 * 2 + 1 / 3 + 1 + 1) / 5)


def test_documents_without_events_link_nothing() -> None:
    gold = {"a": "1/ecb", "b": "1/ecb"}
    s = score_documents(gold, {"a": "1", "b": "1"}, {})
    assert s.pairs.recall == 0.0 and s.pairs.precision == 1.0 and s.cross_topic == 0


def test_reading_an_ecb_layout_document(tmp_path: Path) -> None:
    tokens = [
        (0, "http"),
        (0, ":"),
        (0, "//"),
        (0, "example.org"),
        (0, "/a"),
        (1, "Police"),
        (1, "said"),
        (1, "``"),
        (1, "no"),
        (1, "one"),
        (1, "''"),
        (1, "was"),
        (1, "hurt"),
        (1, "&amp;"),
        (1, "left"),
        (1, "."),
    ]
    body = "".join(
        f'<token t_id="{i}" sentence="{s}" number="{i}">{t}</token>\n'
        for i, (s, t) in enumerate(tokens)
    )
    path = tmp_path / "7_3ecbplus.xml"
    path.write_text(f'<Document doc_name="7_3ecbplus.xml">\n{body}</Document>\n', "utf-8")
    d = read_document(path)
    assert (d.topic, d.story, d.url) == ("7", "7/ecbplus", "http://example.org/a")
    assert d.text == 'Police said "no one" was hurt & left.'
    assert detokenise(["He", "'s", "(", "here", ")", ","]) == "He's (here),"


# ----------------------------------------------------------- ECB+ (shared)


@pytest.fixture(scope="module")
def ecbplus_result(
    shared_path: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory, pipeline: Any
) -> dict[str, Any]:
    from eventlens.evaluate.stories import evaluate, extract, load_corpus

    docs = load_corpus(shared_path("eval/ecbplus-dev"))
    return evaluate(docs, extract(docs, pipeline), tmp_path_factory.mktemp("ecb"), orders=5)


def test_eval_stories_on_ecbplus_holds_its_floors(ecbplus_result: dict[str, Any]) -> None:
    floors = BASELINE["stories"]
    worst, coded = ecbplus_result["worst"], ecbplus_result["with_events"]["worst"]
    assert worst["precision"] >= floors["worst_precision"], ecbplus_result
    assert coded["f1"] >= floors["with_events_worst_f1"], ecbplus_result
    assert worst["cross_topic_share"] <= floors["cross_topic_share_max"], ecbplus_result


def test_eval_stories_on_ecbplus_threads_hold_their_floors(ecbplus_result: dict[str, Any]) -> None:
    """Documents linked by a shared story or thread (issue 15: F1 >= 0.85 without
    publication dates, in the worst of 6 arrival orders, cross-topic links <= 1%)."""
    floors = BASELINE["stories"]
    threads, linked = ecbplus_result["threads"]["worst"], ecbplus_result["linked"]["worst"]
    assert threads["f1"] >= floors["threads_worst_f1"], threads
    assert linked["f1"] >= floors["linked_worst_f1"], linked
    assert linked["precision"] >= floors["linked_worst_precision"], linked
    assert linked["cross_topic_share"] <= floors["cross_topic_share_max"], linked


def test_eval_stories_on_ecbplus_all_documents_f1(ecbplus_result: dict[str, Any]) -> None:
    """Event stories over all documents (xfail from the second 2 December session until
    reports in one thread counted as articles in full agreement: 0.164 -> 0.220)."""
    worst = ecbplus_result["worst"]
    assert worst["f1"] >= BASELINE["stories"]["worst_f1"], ecbplus_result


def _dated_brief(key: str, sentence: str, place: str) -> Report:
    """A one-sentence brief dated 2024-05-11, placed by ``place``."""
    from eventlens.evaluate.dedup import make_date

    e = make_event(
        event_id=f"event-{key}",
        article_id=f"article-{key}",
        event_type="ASSAULT",
        status="occurred",
        text=sentence,
        place=make_place(PLACES[place]),
        when=make_date("2024-05-11"),
    )
    return Report(e, f"outlet-{key}", None, None, sentence, sentence)


# Two outlets' one sentence on one shooting, in other words: no content word in common.
CAFE = "A gunman opened fire on diners at a cafe close to the harbour."
COFFEE_HOUSE = "An armed man opened fire in a coffee shop by the port, hitting several patrons."
# ...and another happening in the same town that day.
BOAT = "Fishermen unloading their catch at the harbour were attacked by a gang."


def test_sentences_that_mean_the_same_in_other_words_join() -> None:
    a, b = _dated_brief("a", CAFE, "athens"), _dated_brief("b", COFFEE_HOUSE, "athens")
    sim = RULES.similarity
    assert sim.text_similarity(a, b) == 0.0  # shared words say nothing here
    assert sim.sentence_similarity(a, b) > 0.0
    story = cluster([a, b])
    assert story["event-a"] == story["event-b"]


def test_sentences_of_other_happenings_do_not_agree_by_meaning() -> None:
    a, c = _dated_brief("a", CAFE, "athens"), _dated_brief("c", BOAT, "athens")
    assert RULES.similarity.sentence_similarity(a, c) == 0.0


def test_without_the_encoder_only_shared_words_count() -> None:
    rules = StoryRules(KNOWLEDGE, replace(DEFAULT_PARAMS, sentence_encoder=False))
    a, b = _dated_brief("a", CAFE, "athens"), _dated_brief("b", COFFEE_HOUSE, "athens")
    assert rules.similarity.encoder is None
    assert rules.similarity.sentence_similarity(a, b) == 0.0


def test_the_store_keeps_each_events_sentence_embedding(tmp_path: Path) -> None:
    """The writer stores the embedding of the event's sentence; a report read back
    from the store is compared by it (the same score as from the text)."""
    from sqlalchemy import select

    from eventlens.store.schema import events
    from eventlens.store.writer import candidate_stories

    a, b = _dated_brief("a", CAFE, "athens"), _dated_brief("b", COFFEE_HOUSE, "athens")
    with Store.open(str(tmp_path / "v.db"), knowledge=KNOWLEDGE) as store:
        e = a.event
        store.save_article(
            Article(id=e.article_id, content=CAFE, source=a.source),
            content_hash="v1",
            text=CAFE,
            events=[e],
            sentences={0: CAFE},
        )
        with store.transaction() as conn:
            (blob,) = conn.execute(select(events.c.sentence_vector)).one()
            stored = [
                m for ms in candidate_stories(conn, b, store.story_search).values() for m in ms
            ]
    assert isinstance(blob, bytes) and len(blob) == 2 * 384
    assert [m.sentence_vector for m in stored] == [blob]
    sim = store.story_rules.similarity
    from_text = sim.sentence_similarity(a, b)
    assert from_text > 0.0
    assert abs(sim.sentence_similarity(stored[0], b) - from_text) < 0.01
