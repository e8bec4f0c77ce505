"""A bounded memo of a pure function, kept by the object that owns it."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """``fn``'s results by argument, at most ``size`` of them (all forgotten
    when full): story clustering compares the same texts again and again."""

    def __init__(self, fn: Callable[[K], V], size: int) -> None:
        self._fn = fn
        self._size = size
        self._seen: dict[K, V] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._seen

    def put(self, key: K, value: V) -> None:
        """Remember ``value`` as ``fn(key)`` (computed elsewhere, in a batch)."""
        if len(self._seen) >= self._size:
            self._seen.clear()
        self._seen[key] = value

    def __call__(self, key: K) -> V:
        try:
            return self._seen[key]
        except KeyError:
            pass
        if len(self._seen) >= self._size:
            self._seen.clear()
        value = self._seen[key] = self._fn(key)
        return value
