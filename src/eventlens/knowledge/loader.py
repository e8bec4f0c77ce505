"""The one reader of the package's data files (``src/eventlens/data``).

Every table, word list, pattern and model file the code uses lives under
``eventlens/data`` and is read through these functions, so a missing or
damaged file is always a :class:`ResourceError` naming it, and a test can
check that nothing else opens ``data/`` (``tests/test_layout.py``).
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eventlens.errors import ResourceError

PACKAGE = "eventlens.data"


def data_path(name: str) -> Path:
    """The file or folder ``name`` (a ``/``-separated path under data/) on disk."""
    return Path(str(resources.files(PACKAGE).joinpath(name)))


def data_digest(pattern: str) -> str:
    """sha256 over the names and bytes of the data files matching ``pattern`` (a glob
    under data/), in name order: a cache built from them is named by it."""
    h = hashlib.sha256()
    for path in sorted(data_path("").glob(pattern)):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def read_text(name: str) -> str:
    try:
        return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, UnicodeDecodeError) as e:
        raise ResourceError(f"data file {name} is missing or unreadable: {e}") from e


def load_yaml(name: str) -> Any:
    try:
        return yaml.safe_load(read_text(name))
    except yaml.YAMLError as e:
        raise ResourceError(f"data file {name} is not valid YAML: {e}") from e


def load_json(name: str) -> Any:
    try:
        return json.loads(read_text(name))
    except json.JSONDecodeError as e:
        raise ResourceError(f"data file {name} is not valid JSON: {e}") from e


def word_list(name: str) -> frozenset[str]:
    """A one-entry-per-line list (``#`` comments and blank lines skipped), lower-cased."""
    out = set()
    for line in read_text(name).splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            out.add(entry.lower())
    return frozenset(out)


def tsv_rows(name: str) -> list[list[str]]:
    """The rows of a tab-separated file, comments and blank lines skipped."""
    return [
        line.split("\t")
        for line in read_text(name).splitlines()
        if line.strip() and not line.startswith("#")
    ]
