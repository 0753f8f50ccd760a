"""Fixtures of the server tests: real server processes and fresh databases (tests/support)."""

from __future__ import annotations

from tests.support.fixtures import live_server, postgres_live_server, postgres_url

__all__ = ["live_server", "postgres_live_server", "postgres_url"]
