"""Fixtures of the workers' tests (ingest and reply sending): a real mastodon-mock process per
test (several tests revoke tokens or restart things), a real server process per test (`server`)
and a fresh PostgreSQL database per test (`fresh_postgres_url`; the module-wide `postgres_url`
of tests/server/conftest.py would share one database between tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fixtures import mastodon, server
from tests.support.postgres import temporary_postgres_database

__all__ = ["mastodon", "server"]


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database per test (skips without PostgreSQL unless it is required)."""
    with temporary_postgres_database() as url:
        yield url
