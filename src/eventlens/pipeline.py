"""The pipeline: an ordered list of components, each ``Document -> Document``.

Components are looked up by versioned name in :mod:`eventlens.registry`.
Each declares what it requires and provides; :class:`Pipeline` checks the
order when it is built and the return type on every call.

Models and data (spaCy, gazetteer, lexicons) live in :class:`Resources`,
loaded lazily, once per process.  A pipeline pickles as its settings only,
so it can be shipped to worker processes or Dask workers, where it loads its
models again on first use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from eventlens.errors import DocumentError, PipelineError, ProcessingError, ResourceError
from eventlens.model import Article, Document
from eventlens.settings import Settings

if TYPE_CHECKING:
    from spacy.language import Language

    from eventlens.actors import ActorResolver
    from eventlens.coder import CoderModel
    from eventlens.geo.gazetteer import Gazetteer
    from eventlens.geo.geoparser import Geoparser
    from eventlens.knowledge import Knowledge
    from eventlens.knowledge.lexicon import Lexicon

log = logging.getLogger(__name__)


class Component(Protocol):
    """A pipeline stage."""

    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...


class Resources:
    """Models and data shared by the components of one pipeline.

    Each is loaded on first use and kept for the life of the object.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def nlp(self) -> Language:
        import spacy

        log.debug("loading spaCy model %s", self.settings.spacy_model)
        return spacy.load(self.settings.spacy_model)

    @cached_property
    def geoparser(self) -> Geoparser:
        from eventlens.geo.geoparser import Geoparser

        return Geoparser(self.gazetteer, words=self.knowledge.places)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        from eventlens.geo.gazetteer import Gazetteer

        return Gazetteer.open(self.settings.cache_dir)

    @cached_property
    def knowledge(self) -> Knowledge:
        from eventlens.knowledge import Knowledge

        return Knowledge()

    @property
    def lexicon(self) -> Lexicon:
        return self.knowledge.lexicon

    @cached_property
    def coder(self) -> CoderModel:
        from eventlens.coder import CoderModel

        return CoderModel.load()

    @cached_property
    def actors(self) -> ActorResolver:
        from eventlens.actors import ActorResolver

        gaz = self.gazetteer
        k = self.knowledge
        return ActorResolver(
            k.actor_tables, k.actor_words, k.media, gaz.country_code, gaz.country_name
        )


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one document: its processed form, or the error."""

    article: Article | None
    doc: Document | None
    error: DocumentError | None
    origin: str

    @property
    def ok(self) -> bool:
        return self.error is None


class Pipeline:
    """An ordered list of components built from settings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._components: list[Component] | None = None
        self._resources: Resources | None = None

    # Pickle as settings only: models are loaded again where it lands.
    def __getstate__(self) -> dict[str, Any]:
        return {"settings": self.settings}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["settings"])  # type: ignore[misc]

    @property
    def resources(self) -> Resources:
        if self._resources is None:
            self._resources = Resources(self.settings)
        return self._resources

    @property
    def components(self) -> list[Component]:
        if self._components is None:
            self._components = self._build()
        return self._components

    def _build(self) -> list[Component]:
        from eventlens.registry import get_factory

        components = [get_factory(n)(self.settings, self.resources) for n in self.settings.pipeline]
        available: set[str] = {"article"}
        for c in components:
            missing = [r for r in c.requires if r not in available]
            if missing:
                raise PipelineError(
                    f"component {c.name} requires {missing}, not provided before it"
                )
            available.update(c.provides)
        return components

    def warm_up(self) -> None:
        """Load every model now rather than on the first document."""
        for c in self.components:
            warm = getattr(c, "warm_up", None)
            if callable(warm):
                warm()

    def __call__(self, article: Article) -> Document:
        doc = Document(article=article, warnings=article.warnings)
        for c in self.components:
            out = c(doc)
            if not isinstance(out, Document):
                raise PipelineError(
                    f"component {c.name} returned {type(out).__name__}, not a Document"
                )
            doc = replace(out, provenance=(*out.provenance, (c.name, _version())))
        return doc

    def run(self, article: Article) -> Result:
        """Run one article; a per-document failure becomes the result's error.

        The one error policy of every runner (``extract``, ``ingest``, its
        worker processes and Dask workers): a :class:`DocumentError` or any
        unexpected exception fails this document only; a
        :class:`PipelineError` or :class:`ResourceError` (a broken
        installation, which would fail every document) is raised.
        """
        origin = article.origin or article.id
        try:
            return Result(article, self(article), None, origin)
        except DocumentError as e:
            return Result(article, None, e, origin)
        except (PipelineError, ResourceError):
            raise
        except Exception as e:  # one bad document never stops a batch
            from eventlens.inputs import unexpected_reason

            log.debug("unexpected failure on %s", origin, exc_info=True)
            reason = unexpected_reason("processing", e)
            return Result(article, None, ProcessingError(origin, reason, type(e).__name__), origin)

    def process(self, items: Iterable[Article | DocumentError]) -> Iterator[Result]:
        """Run every article; errors (read or processing) become results, never raise."""
        for item in items:
            if isinstance(item, DocumentError):
                yield Result(None, None, item, item.origin)
            else:
                yield self.run(item)


def _version() -> str:
    from eventlens import __version__

    return __version__
