"""Alembic migrations of the eventlens store.

The store runs them itself when it opens a database
(:func:`eventlens.store.engine.migrate`); there is no ``alembic.ini``.  To
write a new migration after changing :mod:`eventlens.store.schema`::

    python -m eventlens.migrations revision "what changed"

which autogenerates a version file here from the difference between the
schema and a database upgraded to the current head.
"""
