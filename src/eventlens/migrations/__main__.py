"""``python -m eventlens.migrations revision MESSAGE``: autogenerate a migration.

A developer tool: it upgrades a scratch SQLite database to the current head
and writes a version file with the difference between that and
:mod:`eventlens.store.schema`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from eventlens.store.engine import alembic_config, make_engine, migrate


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revision":
        print("usage: python -m eventlens.migrations revision MESSAGE", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        migrate(engine)
        with engine.begin() as conn:
            cfg = alembic_config(conn)
            command.revision(cfg, message=argv[1], autogenerate=True)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
