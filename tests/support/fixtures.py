"""Pytest fixtures other test packages can import into their conftest.py:

    from tests.support.fixtures import live_server, postgres_url  # noqa: F401

`live_server`: a real server process on SQLite, fresh per test module (see live_server.py).
`postgres_url`: a fresh PostgreSQL database URL per test module (skips without PostgreSQL).
`postgres_live_server`: a real server process on such a database.
`mastodon`, `server`: a mastodon-mock and a real server process, fresh per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.connectors.helpers import MastodonMock
from tests.support.live_server import LiveServer, start_live_server
from tests.support.postgres import temporary_postgres_database


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with start_live_server(Path(tmp_path_factory.mktemp("live-server"))) as server:
        yield server


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with temporary_postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def postgres_live_server(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> Iterator[LiveServer]:
    tmp = Path(tmp_path_factory.mktemp("live-server-pg"))
    with start_live_server(tmp, database_url=postgres_url) as server:
        yield server


@pytest.fixture
def mastodon(tmp_path: Path) -> Iterator[MastodonMock]:
    """A real Mastodon-compatible server (mastodon-mock) per test."""
    workdir = tmp_path / "mastodon"
    workdir.mkdir(parents=True, exist_ok=True)
    server = MastodonMock(workdir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real server process on SQLite, fresh per test."""
    with start_live_server(tmp_path / "server") as live:
        yield live
