"""Cheap, cautious language identification: is this text English?

Two tests, cheapest first: the share of frequent English function words
(which names, places and numbers do not dilute much), then py3langid's
calibrated probabilities.  A text is called non-English only when it is long
enough, fails the function-word test and py3langid is confident; otherwise
the answer is "English" or "unknown", never a guess.  Thresholds and the word
list live in ``data/language.yaml``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eventlens.knowledge.loader import load_yaml

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class LanguageConfig:
    min_letters: int
    min_probability: float
    english_ratio: float
    sample_chars: int
    english_function_words: frozenset[str]

    @classmethod
    def load(cls) -> LanguageConfig:
        raw: dict[str, Any] = load_yaml("language.yaml")
        return cls(
            min_letters=int(raw["min_letters"]),
            min_probability=float(raw["min_probability"]),
            english_ratio=float(raw["english_ratio"]),
            sample_chars=int(raw["sample_chars"]),
            english_function_words=frozenset(str(w).lower() for w in raw["english_function_words"]),
        )


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The outcome of :meth:`LanguageDetector.detect`.

    ``language`` is an ISO 639-1 code when the detector is confident, else
    None; ``probability`` is py3langid's (1.0 when the function-word test
    decided); ``method`` says which test decided, for messages and debugging.
    """

    language: str | None
    probability: float
    method: str

    @property
    def is_english(self) -> bool:
        return self.language == "en"

    @property
    def is_other(self) -> bool:
        """Confidently a language other than English."""
        return self.language is not None and self.language != "en"


class LanguageDetector:
    """Language identification; the py3langid model is loaded on first need."""

    def __init__(self, config: LanguageConfig | None = None) -> None:
        self.config = config or LanguageConfig.load()

    @cached_property
    def _identifier(self) -> Any:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        log.debug("loading py3langid model")
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def warm_up(self) -> None:
        _ = self._identifier

    def detect(self, text: str) -> LanguageGuess:
        cfg = self.config
        sample = text[: cfg.sample_chars]
        words = _WORD.findall(sample.lower())
        letters = sum(len(w) for w in words)
        if letters < cfg.min_letters:
            return LanguageGuess(None, 0.0, f"too short ({letters} letters)")
        hits = sum(1 for w in words if w in cfg.english_function_words)
        if hits / len(words) >= cfg.english_ratio:
            return LanguageGuess("en", 1.0, "function words")
        lang, prob = self._identifier.classify(sample)
        lang, prob = str(lang), float(prob)
        if prob >= cfg.min_probability:
            return LanguageGuess(lang, prob, "py3langid")
        return LanguageGuess(None, prob, f"py3langid unsure ({lang} {prob:.2f})")
