"""The one place pipeline components are registered, by versioned name.

A factory takes ``(settings, resources)`` and returns a component.  Names
map to ``module:function`` strings, imported on first use, so building the
registry imports nothing heavy and has no import-time side effects.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import MappingProxyType
from typing import TYPE_CHECKING

from eventlens.errors import PipelineError

if TYPE_CHECKING:
    from eventlens.pipeline import Component, Resources
    from eventlens.settings import Settings

Factory = Callable[["Settings", "Resources"], "Component"]

COMPONENTS: MappingProxyType[str, str] = MappingProxyType(
    {
        "eventlens.clean.v1": "eventlens.stages.clean:make_cleaner",
        "eventlens.nlp.v1": "eventlens.stages.nlp:make_nlp",
        "eventlens.geo.v1": "eventlens.stages.geo:make_geo",
        "eventlens.events.v1": "eventlens.stages.events:make_event_finder",
        "eventlens.code.v1": "eventlens.stages.code:make_coder",
        "eventlens.scope.v1": "eventlens.stages.scope:make_scoper",
        "eventlens.dates.v1": "eventlens.stages.dates:make_dater",
        "eventlens.locate.v1": "eventlens.stages.locate:make_locator",
        "eventlens.merge.v1": "eventlens.stages.merge:make_merger",
        "eventlens.finalize.v1": "eventlens.stages.finalize:make_finalizer",
    }
)


def get_factory(name: str) -> Factory:
    try:
        target = COMPONENTS[name]
    except KeyError:
        known = ", ".join(sorted(COMPONENTS))
        raise PipelineError(f"unknown component {name!r}; known: {known}") from None
    module_name, _, attr = target.partition(":")
    factory: Factory = getattr(importlib.import_module(module_name), attr)
    return factory
