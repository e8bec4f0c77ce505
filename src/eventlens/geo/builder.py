"""The gazetteer builder's store: places and names collected in memory, written in one go."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from eventlens.geo.names import key_variants, name_key
from eventlens.geo.schema import (
    BUILD_VERSION,
    CAPITAL_NONE,
    GAZETTEER_ATTRIBUTION,
    MATCH_PRIMARY,
    SCHEMA,
    Feature,
    fingerprint,
)
from eventlens.knowledge.loader import tsv_rows


def tsv(name: str) -> list[list[str]]:
    """The rows of the tab-separated file ``data/geo/<name>`` (comments and blank lines
    skipped)."""
    return tsv_rows(f"geo/{name}")


class Builder:
    """Collects places and names, then writes them in one transaction."""

    def __init__(self) -> None:
        self.places: list[tuple[Any, ...]] = []
        self.names: dict[tuple[str, int], int] = {}

    def add_place(
        self,
        *,
        geonameid: int | None,
        name: str,
        feature: Feature,
        country: str | None,
        admin1: int | None,
        admin2: int | None,
        lat: float,
        lon: float,
        population: int,
        capital: int = CAPITAL_NONE,
        parent: int | None = None,
    ) -> int:
        pid = len(self.places) + 1
        self.places.append(
            (pid, geonameid, name, feature, country, admin1, admin2,
             round(lat, 5), round(lon, 5), population, capital, parent)
        )  # fmt: skip
        self.add_name(name, pid, MATCH_PRIMARY)
        return pid

    def add_name(self, name: str, pid: int, kind: int) -> None:
        key = name_key(name)
        if not key:
            return
        for k in key_variants(key):
            old = self.names.get((k, pid))
            if old is None or kind < old:
                self.names[(k, pid)] = kind

    def write(
        self,
        path: Path,
        demonyms: dict[str, str],
        iso2: dict[str, str],
        demonym_places: dict[str, int] | None = None,
    ) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        conn = sqlite3.connect(path)
        try:
            conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            conn.executescript(SCHEMA)
            conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.places)
            conn.executemany(
                "INSERT INTO name VALUES (?,?,?)",
                sorted((k, pid, kind) for (k, pid), kind in self.names.items()),
            )
            conn.executemany("INSERT INTO demonym VALUES (?,?)", sorted(demonyms.items()))
            conn.executemany("INSERT INTO iso2 VALUES (?,?)", sorted(iso2.items()))
            conn.executemany(
                "INSERT INTO demonym_place VALUES (?,?)", sorted((demonym_places or {}).items())
            )
            conn.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [
                    ("build_version", str(BUILD_VERSION)),
                    ("fingerprint", fingerprint()),
                    ("attribution", GAZETTEER_ATTRIBUTION),
                ],
            )
            conn.commit()
            conn.execute("VACUUM")
        finally:
            conn.close()
