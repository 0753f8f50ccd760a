"""Fixtures of the ingest tests: a real mastodon-mock process per test (several tests revoke
tokens or restart things) and real server processes (tests/support/live_server.py)."""

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
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database per test (skips without PostgreSQL unless it is required)."""
    with temporary_postgres_database() as url:
        yield url
