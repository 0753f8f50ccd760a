"""Shared test helpers: a real server process, temporary PostgreSQL databases, fixtures."""
