"""Fixtures of the server tests.

`world`: the real app in this process on a fresh SQLite file (tests/server/helpers.py);
`team_app`: the same on SQLite and again on a fresh PostgreSQL database.
`live_server`, `postgres_live_server`: real server processes, one per test module, and
`postgres_url`: a fresh PostgreSQL database per test module (tests/support/fixtures.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.helpers import World, make_world
from tests.support.fixtures import live_server, postgres_live_server, postgres_url
from tests.support.postgres import temporary_postgres_database

__all__ = ["live_server", "postgres_live_server", "postgres_url", "team_app", "world"]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from make_world(tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def team_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The app on SQLite, and again on a fresh PostgreSQL database (skipped without one)."""
    if request.param == "sqlite":
        yield from make_world(tmp_path)
        return
    with temporary_postgres_database() as url:
        yield from make_world(tmp_path, database_url=url)
