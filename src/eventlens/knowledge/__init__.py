"""Knowledge: every data file the pipeline and the story clustering use, parsed once.

One :class:`Knowledge` is built per :class:`eventlens.pipeline.Resources` (and
one per story clusterer); each section is parsed on first use and kept for the
object's life.  The files are read only through :mod:`eventlens.knowledge.loader`.

Sections and their files (all under ``src/eventlens/data``):

==================  =========================================================
``lexicon``         triggers.yaml, status.yaml, ontology.yaml (``.ontology`` for short)
``event_words``     event_words.yaml (word lists of the event finder)
``date_cues``       date_cues.yaml
``numbers``         numbers.yaml
``actor_words``     actor_words.yaml
``media``           media.yaml
``actor_tables``    actors.yaml, armed_groups.yaml
``boilerplate``     boilerplate.yaml
``places``          geo/*.txt, geo/place_words.yaml (words that are or are not places)
``stories``         dedup/* (story clustering tables)
``language``        language.yaml
``dateline``        dateline.yaml
==================  =========================================================
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eventlens.actors import ActorTables, ActorWords, MediaWords
    from eventlens.counts import NumberWords
    from eventlens.dateline import DatelineWords
    from eventlens.geo.words import PlaceWords
    from eventlens.knowledge.lexicon import Lexicon, Ontology
    from eventlens.langid import LanguageConfig
    from eventlens.stages.clean import BoilerplateRules
    from eventlens.stages.dates import DateCues
    from eventlens.stages.words import EventWords
    from eventlens.stories.tables import StoryTables


class Knowledge:
    """The project's knowledge as data, section by section (see the module docstring)."""

    @cached_property
    def lexicon(self) -> Lexicon:
        from eventlens.knowledge.lexicon import Lexicon

        return Lexicon.load()

    @property
    def ontology(self) -> Ontology:
        return self.lexicon.ontology

    @cached_property
    def event_words(self) -> EventWords:
        from eventlens.stages.words import EventWords

        return EventWords.load()

    @cached_property
    def date_cues(self) -> DateCues:
        from eventlens.stages.dates import DateCues

        return DateCues.load()

    @cached_property
    def numbers(self) -> NumberWords:
        from eventlens.counts import NumberWords

        return NumberWords.load()

    @cached_property
    def actor_words(self) -> ActorWords:
        from eventlens.actors import ActorWords

        return ActorWords.load()

    @cached_property
    def media(self) -> MediaWords:
        from eventlens.actors import MediaWords

        return MediaWords.load()

    @cached_property
    def actor_tables(self) -> ActorTables:
        from eventlens.actors import ActorTables

        return ActorTables.load()

    @cached_property
    def boilerplate(self) -> BoilerplateRules:
        from eventlens.stages.clean import BoilerplateRules

        return BoilerplateRules.load()

    @cached_property
    def places(self) -> PlaceWords:
        from eventlens.geo.words import PlaceWords

        return PlaceWords.load()

    @cached_property
    def stories(self) -> StoryTables:
        from eventlens.stories.tables import StoryTables

        return StoryTables.load()

    @cached_property
    def language(self) -> LanguageConfig:
        from eventlens.langid import LanguageConfig

        return LanguageConfig.load()

    @cached_property
    def dateline(self) -> DatelineWords:
        from eventlens.dateline import DatelineWords

        return DatelineWords.load()
