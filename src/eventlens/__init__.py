"""eventlens: news articles to structured, geolocated event data."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from eventlens.api import extract as extract

__all__ = ["__version__", "extract"]


def __getattr__(name: str) -> object:
    # Keep `import eventlens` cheap: the pipeline loads only when used.
    if name == "extract":
        from eventlens.api import extract

        return extract
    raise AttributeError(name)
