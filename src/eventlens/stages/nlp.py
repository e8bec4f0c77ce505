"""The NLP stage: spaCy parse, sentences and entity mentions."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from eventlens.dateline import find_dateline
from eventlens.model import Document, Mention, Sentence
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage

log = logging.getLogger(__name__)


class SpacyStage(Stage):
    name = "eventlens.nlp.v1"
    requires: tuple[str, ...] = ("text",)
    provides: tuple[str, ...] = ("nlp", "sentences", "mentions", "dateline")

    def warm_up(self) -> None:
        _ = self.resources.nlp

    def __call__(self, doc: Document) -> Document:
        text = doc.text
        warnings = doc.warnings
        if len(text) > self.settings.max_chars:
            cut = text.rfind("\n", 0, self.settings.max_chars)
            cut = cut if cut > self.settings.max_chars // 2 else self.settings.max_chars
            warnings = (*warnings, f"text truncated to {cut} characters for analysis")
            log.warning(
                "%s: text truncated to %d characters", doc.article.origin or doc.article.id, cut
            )
            text = text[:cut]
        parsed = parse_paragraphs(self.resources.nlp, text)
        sentences = tuple(
            Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(parsed.sents)
        )
        starts = [s.start for s in sentences]
        mentions = tuple(
            Mention(e.start_char, e.end_char, e.text, e.label_, _index(starts, e.start_char))
            for e in parsed.ents
        )
        return replace(
            doc,
            text=text,
            nlp=parsed,
            sentences=sentences,
            mentions=mentions,
            warnings=warnings,
            dateline=find_dateline(text, self.resources.knowledge.dateline),
        )


def paragraphs(text: str) -> list[str]:
    """Split text into chunks at line breaks, each keeping its trailing
    whitespace, so that ``"".join(chunks) == text``."""
    chunks = re.split(r"(?<=\n)(?=[^\n])", text)
    return [c for c in chunks if c]


def parse_paragraphs(nlp: Any, text: str) -> Any:
    """Parse ``text`` with sentence boundaries forced at line breaks.

    Titles and list lines carry no final period; parsed whole, they run into
    the next sentence.  Each line is parsed alone and the parses are joined
    into one ``Doc`` whose offsets match ``text``.
    """
    from spacy.tokens import Doc

    chunks = paragraphs(text)
    if len(chunks) <= 1:
        return nlp(text)
    docs = list(nlp.pipe(chunks))
    joined = Doc.from_docs(docs, ensure_whitespace=False)
    if joined.text != text:  # never expected; keep offsets honest if it happens
        log.debug("paragraph join changed the text; parsing whole")
        return nlp(text)
    return joined


def _index(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return max(0, bisect_right(starts, offset) - 1)


def make_nlp(settings: Settings, resources: Resources) -> SpacyStage:
    return SpacyStage(settings, resources)
