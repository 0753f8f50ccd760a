"""Alembic migrations of the server's schema (run from code: see app/server/migrate.py)."""
