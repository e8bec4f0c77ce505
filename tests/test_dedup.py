"""Story clustering: the labelled set's floor, the rules one by one, and the
store clustering exactly as the evaluation does."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from eventlens.evaluate.dedup import (
    LabelledReport,
    evaluate,
    load_set,
    make_actor,
    make_date,
    make_event,
    make_place,
    pairwise_scores,
)
from eventlens.knowledge import Knowledge
from eventlens.model import Article, EventDate
from eventlens.store import Filter, Store
from eventlens.stories.clustering import StoryClusterer, StoryRules
from eventlens.stories.params import DEFAULT_PARAMS
from eventlens.stories.report import Report, date_range
from eventlens.stories.similarity import date_similarity
from eventlens.stories.summaries import summarize

ROOT = Path(__file__).resolve().parent.parent
FLOORS = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))["dedup"]

KNOWLEDGE = Knowledge()
RULES = StoryRules(KNOWLEDGE)
compare = RULES.compare
actor_similarity = RULES.similarity.actor_similarity
text_similarity = RULES.similarity.text_similarity
event_words = RULES.similarity.event_words


@pytest.fixture(scope="module")
def labelled() -> list[LabelledReport]:
    return load_set(knowledge=KNOWLEDGE)


def by_cluster(reports: list[LabelledReport], cluster: str) -> list[LabelledReport]:
    return [r for r in reports if r.cluster == cluster]


def test_labelled_set_is_what_the_readme_says(labelled: list[LabelledReport]) -> None:
    clusters = {r.cluster for r in labelled}
    assert len(labelled) >= 120 and len(clusters) >= 40
    variants = {r.variant for r in labelled}
    assert {"paraphrase", "reordered", "count", "nearby", "date", "sparse"} <= variants
    same_day_and_country = set()
    for r in labelled:
        if r.distinct_from:
            twin = by_cluster(labelled, r.distinct_from)[0].report.event
            e = r.report.event
            if (
                e.date.value == twin.date.value
                and e.location
                and twin.location
                and e.location.country == twin.location.country
            ):
                same_day_and_country.add(r.cluster)
    # hard negatives: different events on the same day in the same city or next to it
    assert len(same_day_and_country) >= 10


def test_dedup_meets_its_floor_in_every_order(labelled: list[LabelledReport]) -> None:
    result = evaluate(labelled, orders=5, seed=0, knowledge=KNOWLEDGE)
    assert result["worst"]["f1"] >= FLOORS["worst_f1"], result["errors"]
    assert result["file_order"]["precision"] >= FLOORS["file_order_precision"]
    assert result["file_order"]["recall"] >= FLOORS["file_order_recall"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("istanbul-isis-arrests/original", "istanbul-isis-arrests/paraphrase"),
        ("istanbul-isis-arrests/original", "istanbul-isis-arrests/count"),  # 15 vs 5
        ("istanbul-isis-arrests/original", "istanbul-isis-arrests/nearby"),  # Kocaeli
        ("istanbul-isis-arrests/original", "istanbul-isis-arrests/reordered"),
        ("istanbul-isis-arrests/original", "istanbul-isis-arrests/date"),  # next day
        ("peshawar-mosque-bombing/original", "peshawar-mosque-bombing/count"),  # 59 vs 100
        ("sake-camp-shelling/original", "sake-camp-shelling/nearby"),  # Sake vs Goma
        ("kaduna-school-abduction/original", "kaduna-school-abduction/date"),  # month precision
    ],
)
def test_reports_of_one_event_match(labelled: list[LabelledReport], a: str, b: str) -> None:
    ra, rb = _pick(labelled, a), _pick(labelled, b)
    m = compare(ra.report, rb.report)
    assert m is not None and m.score >= DEFAULT_PARAMS.threshold, m


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("istanbul-isis-arrests/original", "istanbul-march-detentions/original"),
        ("kabul-ministry-bombing/original", "kabul-roadside-bomb/original"),
        ("kabul-ministry-bombing/original", "kabul-women-protest/original"),
        ("mogadishu-hotel-bombing/original", "afgooye-base-attack/nearby"),
        ("khartoum-airport-clashes/original", "omdurman-market-shelling/nearby"),
        ("istanbul-isis-arrests/original", "ankara-isis-arrests/original"),
        ("istanbul-isis-arrests/original", "istanbul-church-plot/original"),
        ("baghdad-market-bombing/original", "baghdad-embassy-rockets/original"),
    ],
)
def test_different_events_in_one_city_and_day_stay_apart(
    labelled: list[LabelledReport], a: str, b: str
) -> None:
    m = compare(_pick(labelled, a).report, _pick(labelled, b).report)
    assert m is None or m.score < DEFAULT_PARAMS.threshold, m


def _pick(labelled: list[LabelledReport], key: str) -> LabelledReport:
    cluster, variant = key.split("/")
    return next(r for r in by_cluster(labelled, cluster) if r.variant == variant)


def _report(**kw: object) -> Report:
    base: dict[str, object] = {
        "article_id": "a1",
        "event_type": "ASSAULT",
        "status": "occurred",
        "text": "Gunmen attacked a market.",
        "when": EventDate("2023-05-01", "day", "explicit"),
    }
    base.update(kw)
    return Report(make_event(**base))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"article_id": "a1"}, "same article"),
        ({"event_type": "PROTEST"}, "another type"),
        ({"status": "foiled"}, "another status"),
        ({"when": EventDate("2023-05-09", "day", "explicit")}, "a week apart"),
        ({"when": EventDate("2023-07", "month", "explicit")}, "another month"),
    ],
)
def test_gates(changes: dict[str, object], why: str) -> None:
    a = _report()
    b = _report(**{"article_id": "a2", **changes})
    assert compare(a, b) is None, why


def test_places_too_far_apart_for_their_level_cannot_join(labelled: list[LabelledReport]) -> None:
    ist = _pick(labelled, "istanbul-isis-arrests/original")
    ank = _pick(labelled, "ankara-isis-arrests/original")
    same_day = Report(replace(ank.report.event, date=ist.report.event.date))
    assert compare(ist.report, same_day) is None  # 350 km between two cities


@pytest.mark.parametrize(
    ("value", "precision", "want"),
    [
        ("2023-02-04", "day", (date(2023, 2, 4), date(2023, 2, 4))),
        ("2023-02-04", "week", (date(2023, 2, 1), date(2023, 2, 7))),
        ("2023-02", "month", (date(2023, 2, 1), date(2023, 2, 28))),
        ("2024-02", "month", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2023", "year", (date(2023, 1, 1), date(2023, 12, 31))),
        (None, None, None),
        ("not a date", "day", None),
    ],
)
def test_date_range(value: str | None, precision: str | None, want: object) -> None:
    assert date_range(EventDate(value, precision, "explicit")) == want  # type: ignore[arg-type]


def test_summary_keeps_conflicting_values_with_provenance(
    labelled: list[LabelledReport],
) -> None:
    members = [r.report for r in by_cluster(labelled, "istanbul-isis-arrests")]
    s = summarize(members)
    assert s.counts["arrested"] == 15
    assert s.n_reports == len(members) and s.n_sources == len({m.source for m in members})
    arrested = s.to_dict()["conflicts"]["arrested"]
    assert [(v["value"], v["n_sources"]) for v in arrested] == [(15, 6), (5, 1)]
    assert arrested[1]["sources"] == ["marmara daily"]
    places = [v["value"] for v in s.to_dict()["conflicts"]["location"]]
    assert places[0] == "Istanbul" and "Kocaeli" in places
    assert s.location and s.location["name"] == "Istanbul"


def test_actor_sector_groups_tolerate_outlets_wording() -> None:
    gunmen = make_actor({"text": "gunmen", "name": "rebels", "sector": "REB"})
    bandits = make_actor({"text": "bandits", "name": "criminals", "sector": "CRM"})
    police = make_actor({"text": "police", "name": "police", "sector": "COP"})
    kw = {
        "event_type": "ASSAULT",
        "status": "occurred",
        "text": "x",
        "when": make_date("2021-03-11"),
    }
    a = Report(make_event(article_id="1", actor=gunmen, **kw))  # type: ignore[arg-type]
    b = Report(make_event(article_id="2", actor=bandits, **kw))  # type: ignore[arg-type]
    c = Report(make_event(article_id="3", actor=police, **kw))  # type: ignore[arg-type]
    ab, ac = compare(a, b), compare(a, c)
    assert ab is not None and ac is not None
    assert ab.actors > 0 and ac.actors == 0 and ab.score > ac.score


# ----------------------------------------- tolerance of real extraction noise


def _arrest(article: str, text: str, **kw: object) -> Report:
    base: dict[str, object] = {
        "article_id": article,
        "event_type": "COERCE",
        "mode": "arrest",
        "status": "occurred",
        "text": text,
        "when": EventDate("2023-02-04", "day", "explicit"),
    }
    base.update(kw)
    return Report(make_event(**base))  # type: ignore[arg-type]


POLICE = {"text": "Turkish police", "name": "Turkey police", "country": "TUR", "sector": "COP"}
ISIS = {"text": "ISIS suspects", "name": "Islamic State", "sector": "REB"}


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("15 people", True),
        ("At least 20 people in Konduga", True),
        ("several suspects", True),
        ("nine people, including children", True),
        ("Fifteen suspected Islamic State members", False),
        ("two officers", False),
        ("Turkish police", False),
    ],
)
def test_a_number_of_people_is_an_unknown_actor(text: str, unknown: bool) -> None:
    people = make_actor({"text": text, "name": "civilians", "sector": "CVL"})
    a = _arrest("a1", "x", recipient=make_actor(ISIS))
    b = _arrest("a2", "x", recipient=people)
    score, conflict = actor_similarity(a, b)
    # unknown: no conflict, the neutral 0.5; otherwise civilians vs Islamic State conflict
    assert (score, conflict) == ((0.5, False) if unknown else (0.0, True))


def test_a_kind_of_actor_agrees_less_than_a_named_one() -> None:
    kind = {"text": "civilians", "name": "civilians", "sector": "CVL"}
    a, b = (_arrest(x, "x", recipient=make_actor(kind)) for x in ("a1", "a2"))
    c, d = (_arrest(x, "x", recipient=make_actor(ISIS)) for x in ("a1", "a2"))
    assert actor_similarity(a, b)[0] < actor_similarity(c, d)[0] == 1.0


def test_a_missing_actor_or_place_is_unknown_not_a_mismatch() -> None:
    text = "Police detained 15 ISIS suspects in dawn raids on Saturday."
    full = _arrest("a1", text, actor=make_actor(POLICE), recipient=make_actor(ISIS))
    sparse = _arrest("a2", text.replace("Police ", ""), recipient=make_actor(ISIS))
    other = _arrest(
        "a3",
        text,
        actor=make_actor({"text": "gunmen", "name": "bandits", "sector": "CRM"}),
        recipient=make_actor(ISIS),
    )
    ms, mo = compare(full, sparse), compare(full, other)
    assert ms is not None and mo is not None
    assert ms.score >= DEFAULT_PARAMS.threshold and ms.score > mo.score


def test_a_publication_date_agrees_with_the_days_before_it() -> None:
    explicit = _arrest("a1", "x")
    published = _arrest("a2", "x", when=EventDate("2023-02-05", "day", "publication"))
    next_day = _arrest("a3", "x", when=EventDate("2023-02-05", "day", "explicit"))
    before = date_similarity(explicit, published)
    assert before is not None and before >= 0.8
    other = date_similarity(explicit, next_day)
    assert other is not None and other < before


ISTANBUL = {"name": "Istanbul", "lat": 41.0, "lon": 28.9, "feature": "city", "country": "TUR"}


def test_sentence_words_leave_out_triggers_and_places() -> None:
    ra = _arrest("a1", "Gendarmes arrested ISIS members in Istanbul.", place=make_place(ISTANBUL))
    rb = _arrest("a2", "Gendarmes detained protesters in Istanbul.", place=make_place(ISTANBUL))
    # {gendarm, isis, member} vs {gendarm, protester}: "arrested", "detained"
    # announce the type both share, Istanbul is the place both give
    assert text_similarity(ra, rb) == pytest.approx(2 * 1 / (3 + 2))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Gendarmes arrested ISIS members.", "Gendarmes arrested Islamic State group members."),
        ("Gendarmes arrested TTP members.", "Gendarmes arrested Tehrik-i-Taliban members."),
    ],
)
def test_a_named_group_is_one_word_whatever_its_alias(a: str, b: str) -> None:
    assert text_similarity(_arrest("a1", a), _arrest("a2", b)) == 1.0


@pytest.mark.parametrize(
    ("event_type", "word", "left_out"),
    [
        ("COERCE", "arrest", True),
        ("COERCE", "detain", True),
        ("ASSAULT", "kill", True),
        ("ASSAULT", "bomb", True),
        ("COERCE", "march", False),  # another type's word tells two arrests apart
        ("COERCE", "kill", False),
    ],
)
def test_event_words_are_those_of_the_type(event_type: str, word: str, left_out: bool) -> None:
    assert (word in event_words(event_type)) is left_out


def test_place_and_time_alone_do_not_join() -> None:
    ra = _arrest(
        "a1", "Gendarmes detained 15 ISIS members in dawn raids.", place=make_place(ISTANBUL)
    )
    rb = _arrest(
        "a2",
        "Riot officers detained 20 women at a rally for equal pay.",
        place=make_place(ISTANBUL),
    )
    m = compare(ra, rb)
    assert m is not None and m.place == 1.0 and m.date == 1.0 and m.text == 0.0
    assert m.score < DEFAULT_PARAMS.threshold, m


@pytest.mark.parametrize("blocks", [True, False])
def test_a_role_conflict_with_any_report_keeps_a_report_out_of_the_story(blocks: bool) -> None:
    place = make_place(ISTANBUL)
    protesters = {"text": "protesters", "name": "protesters", "sector": "CVL"}
    isis = _arrest(
        "a1", "Gendarmes arrested ISIS members at dawn.", place=place, recipient=make_actor(ISIS)
    )
    bare = _arrest("a2", "Gendarmes arrested members at dawn.", place=place)
    marchers = _arrest(
        "a3",
        "Gendarmes arrested protesters at dawn.",
        place=place,
        recipient=make_actor(protesters),
    )
    c = StoryClusterer(KNOWLEDGE, replace(DEFAULT_PARAMS, conflict_blocks=blocks))
    first = c.add(isis)
    assert c.add(bare) == first
    # the marchers match the bare report, but their recipient is not the first's
    assert (c.add(marchers) == first) is not blocks


def test_pairwise_scores() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert pairwise_scores(gold, gold)[:3] == (1.0, 1.0, 1.0)
    p, r, _f, tp, fp, fn = pairwise_scores(gold, {"a": "x", "b": "x", "c": "x", "d": "y"})
    assert (tp, fp, fn) == (1, 2, 1)
    assert p == pytest.approx(1 / 3) and r == pytest.approx(1 / 2)


def test_the_store_clusters_as_the_evaluation_does(
    labelled: list[LabelledReport], tmp_path: Path
) -> None:
    clusterer = StoryClusterer(KNOWLEDGE)
    with Store.open(str(tmp_path / "s.db"), knowledge=KNOWLEDGE) as store:
        for r in labelled:
            e = r.report.event
            clusterer.add(r.report)
            store.save_article(
                Article(
                    id=e.article_id,
                    content=e.evidence.text,
                    source=r.report.source,
                    published=r.report.published,
                ),
                content_hash="h",
                text=e.evidence.text,
                events=[e],
            )
        stored = {x.event.id: x.story_id for x in store.events.iter(Filter())}

    def partition(labels: dict[str, str | None]) -> set[frozenset[str]]:
        groups: dict[str | None, set[str]] = {}
        for k, v in labels.items():
            groups.setdefault(v, set()).add(k)
        return {frozenset(g) for g in groups.values()}

    assert partition(dict(stored)) == partition(dict(clusterer.story_of))
