"""The clean stage: article content to clean text.

HTML pages go through trafilatura (main text, title, date, URL from the page's
metadata), with a plain tag-stripping fallback when it finds nothing.  Text
then loses site boilerplate (share and follow blocks, related-story lists,
cookie and newsletter notices, comment forms, copyright footers; patterns in
``data/boilerplate.yaml``) and has its whitespace normalized, paragraph breaks
kept.  Non-English documents are skipped; documents with no text left fail.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from eventlens.errors import InputError, SkippedDocument
from eventlens.inputs import parse_published
from eventlens.knowledge.loader import load_yaml
from eventlens.langid import LanguageConfig, LanguageDetector
from eventlens.model import Article, Document
from eventlens.settings import Settings

if TYPE_CHECKING:
    from eventlens.pipeline import Resources

log = logging.getLogger(__name__)

# -- boilerplate rules -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineRule:
    name: str
    pattern: re.Pattern[str]
    max_words: int


@dataclass(frozen=True, slots=True)
class SectionRule:
    name: str
    pattern: re.Pattern[str]
    terminal: bool


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """Boilerplate patterns, from ``data/boilerplate.yaml`` (see the comments there)."""

    lines: tuple[LineRule, ...]
    sections: tuple[SectionRule, ...]
    block_line_max_words: int
    max_words: int = 0
    """The most words any line rule allows (longer lines are never boilerplate)."""

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> BoilerplateRules:
        def compile_(p: str) -> re.Pattern[str]:
            return re.compile(p, re.IGNORECASE)

        lines = tuple(
            LineRule(str(r["name"]), compile_(r["pattern"]), int(r["max_words"]))
            for r in raw.get("lines", [])
        )
        sec = raw.get("sections", {})
        sections = tuple(
            SectionRule(str(r["name"]), compile_(r["pattern"]), bool(r.get("terminal", False)))
            for r in sec.get("headers", [])
        )
        return cls(
            lines,
            sections,
            int(sec.get("block_line_max_words", 20)),
            max((r.max_words for r in lines), default=0),
        )

    @classmethod
    def load(cls) -> BoilerplateRules:
        return cls.from_dict(load_yaml("boilerplate.yaml"))


# -- text cleaning -----------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_DROP_CHARS = re.compile(r"[\u200b\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


def clean_text(text: str, rules: BoilerplateRules) -> str:
    """Text with boilerplate lines removed and whitespace normalized.

    Runs of spaces and tabs become one space, lines are stripped, paragraph
    breaks (blank lines) are kept as one blank line, other line breaks stay.
    A line goes only when it matches a boilerplate rule and is short (see
    ``data/boilerplate.yaml``): article text is never cut for a word it uses.
    """
    text = unicodedata.normalize("NFC", text)
    text = _NEWLINES.sub("\n", text)
    text = _DROP_CHARS.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    keep = _keep_mask(lines, rules)
    out = "\n".join(line if k else "" for line, k in zip(lines, keep, strict=True))
    return _BLANK_LINES.sub("\n\n", out).strip()


def _keep_mask(lines: Sequence[str], rules: BoilerplateRules) -> list[bool]:
    keep = [True] * len(lines)
    words = [len(line.split()) for line in lines]
    total = sum(len(line) for line in lines) or 1
    seen = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        seen += len(line)
        if not line:
            i += 1
            continue
        section = _section(line, words[i], rules)
        if section is not None:
            keep[i] = False
            if section.terminal and seen - len(line) >= total / 2:
                for j in range(i + 1, len(lines)):
                    keep[j] = False
                break
            j = i + 1
            while (
                j < len(lines)
                and (not lines[j] or _is_list_line(lines[j], words[j], rules))
                and _section(lines[j], words[j], rules) is None
            ):
                keep[j] = False
                seen += len(lines[j])
                j += 1
            i = j
            continue
        if _is_boilerplate_line(line, words[i], rules):
            keep[i] = False
        i += 1
    return keep


def _section(line: str, n_words: int, rules: BoilerplateRules) -> SectionRule | None:
    if n_words > 8:
        return None
    for rule in rules.sections:
        if rule.pattern.search(line):
            return rule
    return None


def _is_boilerplate_line(line: str, n_words: int, rules: BoilerplateRules) -> bool:
    if n_words > rules.max_words:
        return False
    return any(n_words <= r.max_words and r.pattern.search(line) for r in rules.lines)


def _is_list_line(line: str, n_words: int, rules: BoilerplateRules) -> bool:
    """A link or headline in a related-stories list, not a paragraph."""
    if _is_boilerplate_line(line, n_words, rules):
        return True
    return n_words <= rules.block_line_max_words and not _SENTENCE_END.search(line)


# -- HTML ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """What an HTML page yields: main text and metadata (None when absent)."""

    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    sitename: str | None = None
    fallback: bool = False
    """True when trafilatura found nothing and the text is all of the page's text."""


_DROP_TAGS = (
    *("script", "style", "noscript", "template", "head", "iframe", "svg"),
    *("nav", "header", "footer", "aside", "form", "button", "select"),
)
_BLOCK_TAGS = (
    *("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th"),
    *("section", "article", "main", "blockquote", "pre", "dd", "dt", "figcaption"),
)


MAX_DEPTH = 200
"""Deepest element nesting parsed as a tree.  libxml2 (under lxml and
trafilatura) gives up on deeper documents and their text is lost; deeper
pages are read by :func:`flat_text` instead (tags removed, blocks kept)."""

HTML_CHARS_PER_TEXT_CHAR = 10
"""HTML parsed per character of text the NLP stages take (``max_chars``): a
page is cut to ``max_chars * 10`` characters (2,000,000 by default: about 2 s
and 100 MB to clean) before parsing, with a warning."""

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
# Void elements, and those whose end tag HTML lets a page leave out (a page of
# unclosed <p> or <li> is not deep).
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "rp",
        "rt",
    ]
)
_INVISIBLE = re.compile(
    r"<!--.*?-->|<(script|style|noscript|template|svg|head)\b[^>]*>.*?</\1\s*>", re.I | re.S
)
_BLOCK = re.compile(
    r"</?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote|pre|header|"
    r"footer|main|aside|nav|dd|dt|figure|figcaption|hr)\b[^>]*>",
    re.I,
)
_ANY_TAG = re.compile(r"<[^>]*>")


def nesting_depth(html: str, stop: int | None = None) -> int:
    """How deep elements nest (open tags not yet closed), in one linear scan;
    stops counting at ``stop``."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            depth = max(0, depth - 1)
        elif not selfclosing and name not in _VOID:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop is not None and deepest >= stop:
                    return deepest
    return deepest


def flat_text(html: str) -> str:
    """The text of an HTML page without parsing it as a tree: scripts, styles
    and comments removed, block elements made paragraph breaks, other tags
    removed, entities decoded.  Linear time; for pages too deep to parse."""
    import html as html_lib

    body = _INVISIBLE.sub(" ", html)
    body = _BLOCK.sub("\n\n", body)
    body = _ANY_TAG.sub("", body)
    return html_lib.unescape(body)


def extract_html(html: str, url: str | None = None, *, rules: BoilerplateRules) -> Page:
    """Clean main text and metadata of an HTML page.

    trafilatura first; when what it finds has no prose once cleaned (nothing,
    a menu, a cookie notice), all the page's text outside navigation, headers,
    footers and scripts (``fallback=True``).  ``text`` is empty when neither
    has any prose.  A page nested deeper than :data:`MAX_DEPTH` is read by
    :func:`flat_text` (``fallback=True``), since a tree parser loses its text.
    """
    if nesting_depth(html, stop=MAX_DEPTH) >= MAX_DEPTH:
        text = clean_text(flat_text(html), rules)
        meta = _metadata(html[:200_000], url)
        return replace(meta, text=text if _has_prose(text) else "", fallback=True)
    page = _trafilatura(html, url)
    text = clean_text(page.text, rules) if page is not None else ""
    if _has_prose(text):
        return replace(page, text=text) if page is not None else Page(text)
    stripped = _strip_tags(html)
    fallback = clean_text(stripped, rules) if stripped else ""
    if not _has_prose(fallback):
        return replace(page, text="") if page is not None else Page("")
    meta = page if page is not None else _metadata(html, url)
    return replace(meta, text=fallback, fallback=True)


def _trafilatura(html: str, url: str | None) -> Page | None:
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # trafilatura and lxml raise many kinds on broken pages
        log.debug("trafilatura failed", exc_info=True)
        return None
    if result is None:
        return None
    raw_text = getattr(result, "text", None) or ""
    # trafilatura puts one block per line; make each a paragraph.
    text = "\n\n".join(line for line in raw_text.split("\n") if line.strip())
    return Page(
        text=text,
        title=_str_or_none(getattr(result, "title", None)),
        url=_str_or_none(getattr(result, "url", None)),
        published=_date_or_none(getattr(result, "date", None)),
        sitename=_str_or_none(getattr(result, "sitename", None)),
    )


def _metadata(html: str, url: str | None) -> Page:
    try:
        from trafilatura import extract_metadata

        meta = extract_metadata(html, default_url=url, extensive=False)
    except Exception:
        log.debug("trafilatura metadata failed", exc_info=True)
        return Page("")
    return Page(
        "",
        title=_str_or_none(getattr(meta, "title", None)),
        url=_str_or_none(getattr(meta, "url", None)),
        published=_date_or_none(getattr(meta, "date", None)),
        sitename=_str_or_none(getattr(meta, "sitename", None)),
    )


def _strip_tags(html: str) -> str | None:
    """All the text of a page outside navigation, headers, footers and scripts."""
    import lxml.html  # type: ignore[import-untyped, unused-ignore]
    from lxml import etree  # type: ignore[import-untyped, unused-ignore]

    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for el in list(tree.iter(*_DROP_TAGS)):
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()
    for el in tree.iter(*_BLOCK_TAGS):
        el.tail = "\n\n" + (el.tail or "")
    return str(tree.text_content())


def _str_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _date_or_none(value: object) -> date | None:
    return parse_published(value) if isinstance(value, str) else None


# -- the component -------------------------------------------------------------------


class Cleaner:
    """Pipeline component ``eventlens.clean.v1``: article → clean text.

    This is where an article becomes final: the article as read, then what its
    page says (title, date, URL, site), then the run's defaults
    (``settings.published``, ``settings.source_place``), once.
    """

    name = "eventlens.clean.v1"
    requires: tuple[str, ...] = ("article",)
    provides: tuple[str, ...] = ("text",)

    def __init__(
        self, settings: Settings, rules: BoilerplateRules, language: LanguageConfig | None = None
    ) -> None:
        self.settings = settings
        self.rules = rules
        self.language = language

    @cached_property
    def detector(self) -> LanguageDetector:
        return LanguageDetector(self.language)

    def warm_up(self) -> None:
        if self.settings.check_language:
            self.detector.warm_up()

    def __call__(self, doc: Document) -> Document:
        article = doc.article
        origin = article.origin or article.id
        warnings = list(doc.warnings)
        warnings += [w for w in article.warnings if w not in warnings]
        if article.content_type == "html":
            content = article.content
            limit = self.settings.max_chars * HTML_CHARS_PER_TEXT_CHAR
            if len(content) > limit:
                message = f"HTML longer than {limit} characters; only the first {limit} are read"
                log.warning("%s: %s", origin, message)
                warnings.append(message)
                content = content[:limit]
            deep = nesting_depth(content, stop=MAX_DEPTH) >= MAX_DEPTH
            if deep:
                message = (
                    f"HTML nested deeper than {MAX_DEPTH} elements; read without its structure"
                )
                log.warning("%s: %s", origin, message)
                warnings.append(message)
            page = extract_html(content, article.url, rules=self.rules)
            if not page.text:
                raise InputError(origin, "no article text found in the HTML")
            if page.fallback and not deep:
                message = "no main text found in the HTML; used all the page's text"
                log.warning("%s: %s", origin, message)
                warnings.append(message)
            text = page.text
            title = article.title or page.title
            if title and not text.startswith(title):
                text = f"{title}\n\n{text}"
            article = replace(
                article,
                title=title,
                url=article.url or page.url,
                published=article.published or page.published,
                source=article.source or page.sitename or _host(article.url or page.url),
            )
        else:
            text = clean_text(article.content, self.rules)
        if not text:
            what = "no text" if not article.content.strip() else "no text left after cleaning"
            raise InputError(origin, what)
        article = replace(
            article,
            language=self._language(article, text, origin),
            # The run's defaults, applied here once: later stages and the store
            # read the article only (its own value, then its page's, then these).
            published=article.published or self.settings.published,
            source_place=article.source_place or self.settings.source_place,
        )
        return replace(doc, article=article, text=text, warnings=tuple(warnings))

    def _language(self, article: Article, text: str, origin: str) -> str | None:
        declared = _primary_subtag(article.language)
        if not self.settings.check_language:
            return declared
        guess = self.detector.detect(text)
        if guess.is_other:
            raise SkippedDocument(origin, f"skipped: language is {guess.language!r}, not English")
        if guess.language is None and declared is not None and declared != "en":
            raise SkippedDocument(
                origin, f"skipped: language is {declared!r} (as declared), not English"
            )
        log.debug("%s: language %s by %s", origin, guess.language, guess.method)
        return guess.language or declared


_WORDLIKE = re.compile(r"[^\W\d_]{2,}")


def _has_prose(text: str, min_words: int = 5) -> bool:
    """Whether some paragraph has a few real words (not a menu or tag soup)."""
    return any(len(_WORDLIKE.findall(p)) >= min_words for p in text.split("\n"))


def _primary_subtag(language: str | None) -> str | None:
    if not language:
        return None
    tag = language.strip().lower().replace("_", "-").split("-")[0]
    return {"eng": "en", "english": "en"}.get(tag, tag) or None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def make_cleaner(settings: Settings, resources: Resources) -> Cleaner:
    return Cleaner(settings, resources.knowledge.boilerplate, resources.knowledge.language)
