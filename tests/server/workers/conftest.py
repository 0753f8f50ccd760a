"""Fixtures of the workers' tests (ingest and reply sending): a real mastodon-mock process per
test (several tests revoke tokens or restart things), a real server process per test (`server`)
and a fresh PostgreSQL database per test (`fresh_postgres_url`; the module-wide `postgres_url`
of tests/server/conftest.py would share one database between tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.connectors.helpers import MastodonMock
from tests.support.live_server import LiveServer, start_live_server
from tests.support.postgres import temporary_postgres_database


@pytest.fixture
def mastodon(tmp_path: Path) -> Iterator[MastodonMock]:
    workdir = tmp_path / "mastodon"
    workdir.mkdir(parents=True, exist_ok=True)
    server = MastodonMock(workdir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with start_live_server(tmp_path / "server") as live:
        yield live


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database per test (skips without PostgreSQL unless it is required)."""
    with temporary_postgres_database() as url:
        yield url
