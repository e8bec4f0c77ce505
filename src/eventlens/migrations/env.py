"""Alembic environment: migrate the connection the store hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from eventlens.store.schema import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("no connection and no sqlalchemy.url to migrate")
        engine = create_engine(url)
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
            context.run_migrations()
        engine.dispose()
        return
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
