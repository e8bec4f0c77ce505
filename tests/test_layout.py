"""The code's layout holds (issue 9): what a newcomer is promised in DESIGN.md.

- every module under ``src/eventlens`` imports alone, in a fresh interpreter
  (an import cycle shows up as an ImportError for some starting module);
- only :mod:`eventlens.knowledge.loader` opens files under ``eventlens/data``;
- no module-level ``@cache`` / ``@lru_cache`` (module-level mutable state);
- no module over 600 lines and no function over 100 lines.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "eventlens"
LOADER = SRC / "knowledge" / "loader.py"
# The JSON Schema is package data of eventlens.schema, not of eventlens/data.
SCHEMA = SRC / "schema" / "__init__.py"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100


# Alembic's env.py runs only inside Alembic (it reads ``alembic.context.config``);
# the revision files are loaded by path, as Alembic loads them.
ALEMBIC_ENV = SRC / "migrations" / "env.py"
REVISIONS = SRC / "migrations" / "versions"


def _modules() -> list[str]:
    names = []
    for path in sorted(SRC.rglob("*.py")):
        if path == ALEMBIC_ENV:
            continue
        if path.parent == REVISIONS and path.name != "__init__.py":
            names.append(str(path.relative_to(ROOT)))
            continue
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _import_code(module: str) -> str:
    if module.endswith(".py"):  # an Alembic revision, loaded by path
        return (
            "import importlib.util as u; "
            f"s = u.spec_from_file_location('revision', {str(ROOT / module)!r}); "
            "s.loader.exec_module(u.module_from_spec(s))"
        )
    return f"import {module}"


@pytest.mark.parametrize("module", _modules())
def test_each_module_imports_alone(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _import_code(module)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _is_data(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value in ("data", "eventlens.data") or node.value.startswith("data/"))
    )


def _reads_data(tree: ast.AST) -> list[int]:
    """Lines that reach package files directly: importlib.resources, or a path into
    ``data`` built with ``/`` or ``joinpath`` (a repository path such as
    ``Path("data/coder/corpus")``, the training corpus, is not package data)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "importlib":
            if any(a.name == "resources" for a in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.Import):
            if any(a.name == "importlib.resources" for a in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            if _is_data(node.left) or _is_data(node.right):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("joinpath", "files")
            and any(_is_data(a) for a in node.args)
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_loader_opens_the_data_folder() -> None:
    offenders = []
    for path in _sources():
        if path in (LOADER, SCHEMA):
            continue
        lines = _reads_data(ast.parse(path.read_text(encoding="utf-8")))
        offenders += [f"{_rel(path)}:{n}" for n in lines]
    assert not offenders, f"read data/ through eventlens.knowledge.loader: {offenders}"


def _decorator_name(d: ast.expr) -> str:
    target = d.func if isinstance(d, ast.Call) else d
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def test_no_module_level_caches() -> None:
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _decorator_name(d) in ("cache", "lru_cache") for d in node.decorator_list
            ):
                offenders.append(f"{_rel(path)}:{node.lineno} {node.name}")
    assert not offenders, f"module-level caches (mutable state): {offenders}"


def test_modules_and_functions_stay_small() -> None:
    big = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        n = len(text.splitlines())
        if n > MAX_MODULE_LINES:
            big.append(f"{_rel(path)}: {n} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    big.append(f"{_rel(path)}:{node.lineno} {node.name}: {length} lines")
    assert not big, big
