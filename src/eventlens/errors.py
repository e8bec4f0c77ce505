"""One exception hierarchy for eventlens.

Per-document problems raise :class:`DocumentError` (or a subclass); a batch
records them and goes on.  Only the CLI turns errors into exit codes.
"""

from __future__ import annotations


class EventlensError(Exception):
    """Base class of every error eventlens raises on purpose."""


class UsageError(EventlensError):
    """The caller asked for something that cannot be done (bad option, missing file)."""


class DocumentError(EventlensError):
    """One input document could not be processed; the batch goes on.

    ``origin`` names the input (path, ``path:line``, URL); ``reason`` is a
    short, human-readable explanation.
    """

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class InputError(DocumentError):
    """The input is unreadable: empty, binary, malformed HTML or JSON."""


class SkippedDocument(DocumentError):
    """The input is readable but out of scope (e.g. not English)."""


class ProcessingError(DocumentError):
    """Processing one document failed unexpectedly (a bug); the batch goes on.

    ``kind`` is the name of the exception that was raised (``ValueError``, ...).
    """

    def __init__(self, origin: str, reason: str, kind: str) -> None:
        super().__init__(origin, reason)
        self.kind = kind


class PipelineError(EventlensError):
    """The pipeline is misconfigured or a component broke its contract."""


class ResourceError(EventlensError):
    """A model or data resource is missing or cannot be built."""
