"""Database URLs, engines and migrations.

SQLite is the default: a file, WAL journal (readers never block the writer),
``synchronous=NORMAL`` (a committed transaction survives the process being
killed), foreign keys on, and every write transaction taken with
``BEGIN IMMEDIATE`` so there is exactly one writer at a time.  PostgreSQL
through ``postgresql://`` URLs (driven by psycopg 3); concurrent writers are
serialised by a transaction-level advisory lock (:func:`lock_for_write`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from eventlens.errors import UsageError

log = logging.getLogger(__name__)

DEFAULT_DB = "eventlens.db"
ENV_DB = "EVENTLENS_DB"
# Any constant: the key of the PostgreSQL advisory lock taken by writers.
_PG_LOCK_KEY = 0x6576_656E_746C  # "eventl"


def resolve_url(db: str | None) -> str:
    """A SQLAlchemy URL from ``--db``: a URL, a path, or None (``$EVENTLENS_DB``, else
    ``./eventlens.db``)."""
    value = db or os.environ.get(ENV_DB) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    try:
        url = make_url(value)
    except Exception as e:
        raise UsageError(f"not a database URL: {value!r} ({e})") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif not (url.drivername.startswith("postgresql") or url.drivername.startswith("sqlite")):
        raise UsageError(
            f"unsupported database {url.drivername!r}: use a SQLite path or postgresql://"
        )
    return url.render_as_string(hide_password=False)


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


SYNCHRONOUS_ENV = "EVENTLENS_SQLITE_SYNCHRONOUS"
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


def sqlite_synchronous() -> str:
    """SQLite's ``synchronous`` for write connections: ``NORMAL`` (a committed
    transaction survives a killed process; the last ones may be lost on power
    loss), or ``FULL``/``EXTRA`` from ``$EVENTLENS_SQLITE_SYNCHRONOUS``
    (survives power loss too, at a cost per commit)."""
    value = os.environ.get(SYNCHRONOUS_ENV, "NORMAL").strip().upper()
    if value not in _SYNCHRONOUS:
        raise UsageError(f"{SYNCHRONOUS_ENV} must be one of {', '.join(_SYNCHRONOUS)}")
    return value


def make_engine(url: str, *, write: bool = True, read_only: bool = False) -> Engine:
    """An engine for ``url``; for SQLite, ``write`` engines begin ``IMMEDIATE``.

    ``read_only`` engines cannot write at all: SQLite opened ``mode=ro`` with
    ``query_only``; PostgreSQL sessions with ``default_transaction_read_only``.
    """
    sa_url = make_url(url)
    if sa_url.drivername.startswith("sqlite"):
        if read_only:
            path = sa_url.database or ""
            if not path or path == ":memory:":
                raise UsageError("a read-only store needs a SQLite file")
            uri = f"file:{quote(Path(path).as_posix())}?mode=ro"

            def connect() -> sqlite3.Connection:
                return sqlite3.connect(uri, uri=True, timeout=60, check_same_thread=False)

            engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)
            _configure_sqlite(engine, write=False, read_only=True)
            return engine
        if sa_url.database and sa_url.database != ":memory:":
            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        _configure_sqlite(engine, write=write)
        return engine
    if read_only:
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"options": "-c default_transaction_read_only=on"},
        )
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, *, write: bool, read_only: bool = False) -> None:
    synchronous = sqlite_synchronous() if not read_only else None

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own
        # transaction handling defers it and cannot take IMMEDIATE locks).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        else:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def lock_for_write(conn: Connection) -> None:
    """Serialise writers on PostgreSQL for the rest of this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def alembic_config(conn: Connection | None = None) -> Config:
    """Alembic's configuration, in code: the migrations of this package, on ``conn``."""
    cfg = Config()
    cfg.set_main_option(
        "script_location", str(Path(__file__).resolve().parent.parent / "migrations")
    )
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def check_revision(engine: Engine, where: str) -> None:
    """Refuse a store whose schema is not this version's (read-only openers do
    not migrate): say which command upgrades it."""
    with engine.connect() as conn:
        current = current_revision(conn)
    head = head_revision()
    if current != head:
        raise UsageError(
            f"the store at {where} has schema {current or 'none'}, this eventlens needs {head}; "
            f"upgrade it with: eventlens failures --db {where}  (opening it to write migrates it)"
        )


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (a no-op when it is there)."""
    with engine.begin() as conn:
        lock_for_write(conn)
        cfg = alembic_config(conn)
        head = ScriptDirectory.from_config(cfg).get_current_head()
        current = current_revision(conn)
        if current == head:
            return
        log.info("migrating database from %s to %s", current or "empty", head)
        command.upgrade(cfg, "head")
