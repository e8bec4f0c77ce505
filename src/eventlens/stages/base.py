"""What every stage shares: its settings and the pipeline's resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eventlens.model import Document
    from eventlens.pipeline import Resources
    from eventlens.settings import Settings


class Stage:
    """A pipeline component: ``name``, what it ``requires`` and ``provides``
    (checked by :class:`eventlens.pipeline.Pipeline`), and ``__call__``."""

    name: str = ""
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()

    def __init__(self, settings: Settings, resources: Resources) -> None:
        self.settings = settings
        self.resources = resources

    def __call__(self, doc: Document) -> Document:
        raise NotImplementedError
