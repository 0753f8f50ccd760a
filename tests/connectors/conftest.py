"""Fixtures for connector tests: a real mastodon-mock process (one per module, reset per test)
and a local replay server for recorded network responses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.connectors.helpers import MastodonMock, ReplayServer


@pytest.fixture(scope="module")
def mastodon_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MastodonMock]:
    server = MastodonMock(tmp_path_factory.mktemp("mastodon"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mastodon(mastodon_server: MastodonMock) -> MastodonMock:
    mastodon_server.reset()
    return mastodon_server


@pytest.fixture
def own_mastodon(tmp_path: Path) -> Iterator[MastodonMock]:
    """A mock of its own, for tests that stop and restart the server."""
    server = MastodonMock(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    yield server
    server.stop()
