"""The clean stage: boilerplate removal, whitespace, HTML extraction, language."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from eventlens.errors import InputError, SkippedDocument
from eventlens.inputs import read_articles
from eventlens.langid import LanguageDetector
from eventlens.model import Article, Document
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.clean import BoilerplateRules, Cleaner, clean_text, extract_html, make_cleaner

RULES = BoilerplateRules.load()

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
SEED = "seed/000_9c2b090c7ed604d2.txt"


def _words(text: str) -> str:
    return " ".join(text.split())


def _article(path: Path) -> Article:
    (item,) = list(read_articles([str(path)]))
    assert isinstance(item, Article), item
    return item


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(Settings(), RULES)


# -- clean_text ----------------------------------------------------------------------


def test_seed_tail_boilerplate_removed_and_body_kept(shared_dir: Path) -> None:
    raw = (shared_dir / SEED).read_text("utf-8")
    cut = raw.index("Read More About: World News")
    clean = clean_text(raw, RULES)
    assert _words(clean) == _words(raw[:cut])
    for gone in ("Read More About", "Follow AsumeTech on", "More From Category", "Leave a Reply"):
        assert gone not in clean
    body_paragraphs = [p.strip() for p in raw[:cut].split("\n\n") if p.strip()]
    assert clean.split("\n\n") == body_paragraphs


def test_boilerplate_article_matches_expected() -> None:
    raw = (FIXTURES / "boilerplate_article.txt").read_text("utf-8")
    expected = (FIXTURES / "boilerplate_article.expected.txt").read_text("utf-8").strip()
    assert clean_text(raw, RULES) == expected


# Real article paragraphs that use the words the boilerplate patterns look for.
KEPT = [
    "Investigators said they would follow up on every lead, and the prosecutor's office did "
    "not reply to requests for comment.",
    "Follow-up raids on Tuesday led to three more arrests in Kayseri, police said.",
    "He said the militants would follow the convoy on motorcycles.",
    "Asked about the attack, the minister did not reply.",
    "Reply to the ultimatum came within hours, officials said.",
    "Share prices of defence companies rose after the attack.",
    "Share this with your neighbours, the mayor urged residents after the bombing.",
    "Related charges were filed against two other men.",
    "More from the investigation is expected on Monday.",
    "Subscribers to the group's channel were told to leave a reply with their location.",
    "The group's newsletter called for attacks on police stations in the capital.",
    "Copyright lawyers for the broadcaster said the footage had been stolen.",
    "Comments by the interior minister drew criticism from rights groups.",
    "We use drones to monitor the border, the army spokesman said.",
    "Police arrested a man who had threatened to leave a bomb at the stadium.",
    "Read more about the attack in the prosecutor's indictment, which runs to 200 pages.",
]


@pytest.mark.parametrize("paragraph", KEPT)
def test_real_paragraphs_are_kept(paragraph: str) -> None:
    text = (
        f"Police arrested five people in Istanbul on Monday.\n\n{paragraph}\n\nThe raids continued."
    )
    assert clean_text(text, RULES) == text


REMOVED = [
    "Read More About: World News",
    "Read more: Turkey detains 15 over consulate plot",
    "Follow AsumeTech on",
    "Follow us on Twitter and Facebook",
    "Share this article",
    "Share on Facebook",
    "Facebook Twitter WhatsApp Email",
    "Subscribe to our newsletter",
    "Sign up for our daily newsletter and get the top stories every morning.",
    "Get the day's top stories delivered to your inbox.",
    "We use cookies to give you the best experience. By continuing you agree to our cookie policy.",
    "Accept all cookies",
    "© 2023 The Meridian Herald. All rights reserved.",
    "Copyright 2024 Example News Ltd",
    "Related: European consulates in Istanbul close over security fears",
    "Advertisement",
    "Story continues below advertisement",
    "Skip to content",
    "Your email address will not be published. Required fields are marked *",
    "Tags: Turkey, ISIS, Istanbul",
    "Read or Share this story: http://usat.ly/16nLxjM",
    "[email protected]",
    "Copyright 2012 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed.",
    "Filed Under: World |",
    "SPONSORED",
    "Follow us on Twitter: @BBCMonitorTeam",
]


@pytest.mark.parametrize("line", REMOVED)
def test_boilerplate_lines_are_removed(line: str) -> None:
    body = "Police arrested five people in Istanbul on Monday, officials said."
    assert clean_text(f"{body}\n\n{line}\n\nThe raids continued on Tuesday.", RULES) == (
        f"{body}\n\nThe raids continued on Tuesday."
    )


def test_related_block_goes_up_to_the_next_paragraph() -> None:
    text = (
        "Gunmen attacked a checkpoint near Mosul on Sunday, killing two soldiers.\n\n"
        "Related stories\n"
        "Iraqi forces launch operation against ISIS cells\n"
        "Two killed in Kirkuk roadside bombing\n\n"
        "The attackers fled towards the desert, a security official said."
    )
    assert clean_text(text, RULES) == (
        "Gunmen attacked a checkpoint near Mosul on Sunday, killing two soldiers.\n\n"
        "The attackers fled towards the desert, a security official said."
    )


def test_comment_thread_after_leave_a_reply_is_cut() -> None:
    body = "\n\n".join(
        f"Paragraph {i} of the report says police detained {i} suspects in the raids."
        for i in range(1, 6)
    )
    text = f"{body}\n\nLeave a Reply\n\nAyse: Terrible news. Stay safe everyone.\n\nBob: Agreed."
    assert clean_text(text, RULES) == body


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a  b\t\tc", "a b c"),
        ("  lead and trail  \n", "lead and trail"),
        ("p1\r\n\r\n\r\n\r\np2", "p1\n\np2"),
        ("line one\nline two", "line one\nline two"),
        ("para\n \n\t\npara", "para\n\npara"),
        ("zero\u200bwidth and soft\u00adhyphen", "zerowidth and softhyphen"),
        ("no\u00a0break", "no break"),
        ("cafe\u0301", "café"),
        ("", ""),
    ],
)
def test_whitespace_normalized_paragraphs_kept(raw: str, clean: str) -> None:
    assert clean_text(raw, RULES) == clean


def test_clean_text_is_fast_enough() -> None:
    """A normal article cleans in well under the pipeline's 100 ms per article."""
    import time

    text = (FIXTURES / "boilerplate_article.txt").read_text("utf-8") * 5
    clean_text(text, RULES)
    start = time.perf_counter()
    for _ in range(20):
        clean_text(text, RULES)
    per_doc = (time.perf_counter() - start) / 20
    assert per_doc < 0.05, per_doc


# -- HTML ----------------------------------------------------------------------------


def test_html_page_main_text_and_metadata(cleaner: Cleaner) -> None:
    article = _article(FIXTURES / "news_page.html")
    url = "https://www.meridian-herald.example/world/2023/02/06/fears-isis-attacks-turkey/"
    assert article.url == url
    assert article.id == Article.make_id(url, "")
    doc = cleaner(Document(article=article))
    title = "This is why there are fears of ISIS carrying out attacks inside Turkey"
    assert doc.article.title == title
    assert doc.article.published == date(2023, 2, 6)
    assert doc.article.url == url
    assert doc.article.source == "The Meridian Herald"
    assert doc.article.language == "en"
    assert doc.article.id == article.id
    assert doc.text.startswith(title + "\n\nWith the announcement by the Turkish authorities")
    assert doc.text.endswith("involved in armed activities for the organization in their country.")
    assert "Investigators said they would follow up on every lead" in doc.text
    for junk in (
        "cookies", "Toggle navigation", "Advertisement", "Share", "Facebook", "Read More About",
        "Follow The Meridian Herald", "More From World News", "Kayseri raids", "newsletter",
        "Leave a Reply", "Most Read", "All rights reserved", "Privacy policy",
    ):  # fmt: skip
        assert junk not in doc.text, junk


def test_html_metadata_does_not_override_given_fields(cleaner: Cleaner) -> None:
    article = replace(
        _article(FIXTURES / "news_page.html"),
        title="Given title",
        published=date(2023, 2, 7),
        url="https://other.example/x",
    )
    doc = cleaner(Document(article=article))
    assert doc.article.title == "Given title"
    assert doc.article.published == date(2023, 2, 7)
    assert doc.article.url == "https://other.example/x"


def test_malformed_html_still_yields_its_text(cleaner: Cleaner) -> None:
    doc = cleaner(Document(article=_article(FIXTURES / "malformed.html")))
    assert doc.article.title == "Three police officers wounded in Peshawar checkpoint attack"
    assert "Gunmen opened fire on a police checkpoint" in doc.text
    assert "a search operation was under way in the surrounding villages." in doc.text
    # (trafilatura takes the broken page's first block as the article: the paragraph
    # after the stray closing tags is not part of its main text.)


def test_html_without_main_text_falls_back_to_page_text() -> None:
    page = extract_html("Police arrested <b>three men</b> in Kabul on Monday", rules=RULES)
    assert page.fallback
    assert page.text == "Police arrested three men in Kabul on Monday"


@pytest.mark.parametrize("name", ["no_text.html", "tag_soup.html"])
def test_html_without_any_text_is_an_input_error(cleaner: Cleaner, name: str) -> None:
    article = _article(FIXTURES / name)
    with pytest.raises(InputError) as e:
        cleaner(Document(article=article))
    assert e.value.origin == str(FIXTURES / name)
    assert e.value.reason == "no article text found in the HTML"


# -- language ------------------------------------------------------------------------


def test_french_article_is_skipped(cleaner: Cleaner) -> None:
    with pytest.raises(SkippedDocument) as e:
        cleaner(Document(article=_article(FIXTURES / "french.txt")))
    assert e.value.reason == "skipped: language is 'fr', not English"


@pytest.mark.parametrize(
    "text",
    [
        "Ahmed al-Sharaa met Recep Tayyip Erdogan, Hakan Fidan and Ibrahim Kalin in Ankara.",
        "Merci.",
        "Kabul (AFP) —",
        # Long, name-heavy English
        "Mujahid al-Sumaida'i told Al Arabiya that Abu Bakr al-Baghdadi, Abu Ibrahim al-Hashimi "
        "al-Qurashi and Abu al-Hasan al-Hashimi al-Qurashi had all been killed, and that "
        "Abu al-Hussein al-Husseini al-Qurashi was hiding near Jindires, Atmeh or Sarmada in "
        "Idlib, according to Yeni Safak, Sabah and Anadolu.",
    ],
)
def test_short_or_name_heavy_english_is_not_skipped(cleaner: Cleaner, text: str) -> None:
    doc = cleaner(Document(article=Article(id="x", content=text)))
    assert doc.article.language in ("en", None)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Die Polizei hat am Dienstag in Berlin drei Verdächtige festgenommen. Sie sollen "
            "einen Anschlag auf eine Synagoge geplant haben, teilte die Bundesanwaltschaft mit. "
            "Was die Männer genau vorhatten, ist noch unklar. Die Ermittler durchsuchten mehrere "
            "Wohnungen und stellten Waffen sicher.",
            "de",
        ),
        (
            "La policía detuvo el martes a tres sospechosos en Madrid por planear un atentado "
            "contra una iglesia, según informó el Ministerio del Interior. Los detenidos, de "
            "nacionalidad siria, habían comprado armas y explosivos. Un juez de la Audiencia "
            "Nacional los interrogará mañana.",
            "es",
        ),
        (
            "Полиция задержала во вторник в Москве троих подозреваемых в подготовке теракта. "
            "По данным следствия, они планировали нападение на торговый центр и хранили "
            "оружие и взрывчатку в съемной квартире на окраине города. Всем троим "
            "предъявлены обвинения, суд арестовал их на два месяца.",
            "ru",
        ),
    ],
)
def test_detector_is_confident_on_real_foreign_text(text: str, language: str) -> None:
    guess = LanguageDetector().detect(text)
    assert guess.language == language
    assert guess.is_other


def test_declared_language_is_used_when_detection_is_unsure(cleaner: Cleaner) -> None:
    article = Article(id="x", content="Kabul (AFP) —", language="fr")
    with pytest.raises(SkippedDocument, match="language is 'fr' \\(as declared\\)"):
        cleaner(Document(article=article))


def test_language_check_can_be_turned_off() -> None:
    cleaner = Cleaner(Settings(check_language=False), RULES)
    doc = cleaner(Document(article=_article(FIXTURES / "french.txt")))
    assert doc.text.startswith("Trois hommes interpellés à Marseille")


# -- the component -------------------------------------------------------------------


def test_component_contract() -> None:
    settings = Settings()
    component = make_cleaner(settings, Resources(settings))
    assert component.name == "eventlens.clean.v1"
    assert component.requires == ("article",)
    assert component.provides == ("text",)


def test_reading_warnings_reach_the_document(cleaner: Cleaner) -> None:
    doc = cleaner(Document(article=_article(FIXTURES / "invalid_utf8.txt")))
    assert doc.warnings == ("invalid UTF-8 at byte 17; undecodable bytes replaced with U+FFFD",)
    assert "arrested four men" in doc.text


def test_text_that_is_all_boilerplate_is_an_input_error(cleaner: Cleaner) -> None:
    article = Article(id="x", content="Share this article\n\nLeave a Reply\n", origin="t.txt")
    with pytest.raises(InputError, match="no text left after cleaning"):
        cleaner(Document(article=article))


def test_offsets_point_into_clean_text(cleaner: Cleaner) -> None:
    doc = cleaner(Document(article=_article(FIXTURES / "boilerplate_article.txt")))
    m = re.search(r"killing two soldiers", doc.text)
    assert m is not None
    assert doc.text[m.start() : m.end()] == "killing two soldiers"
