"""Migration versions (Alembic script files)."""
