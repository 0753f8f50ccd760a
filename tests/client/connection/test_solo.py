"""Solo mode: the console starts its private server, talks to it with the random token, and
stops it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.client.connection.api import ResponderApi
from app.client.connection.errors import Unauthorized
from app.client.connection.solo import SoloServer
from app.client.worker import BlockingWorker
from app.models.enums import Role


async def test_solo_server_starts_accepts_its_token_and_stops(tmp_path: Path) -> None:
    worker = BlockingWorker("test-solo")
    solo = SoloServer(tmp_path, worker, user_name="Robin")
    try:
        connection = await solo.start()
        async with ResponderApi(connection.base_url, connection.token) as api:
            me = await api.me()
            assert me.name == "Robin"
            assert me.role is Role.ADMIN
        async with ResponderApi(connection.base_url, "guessed") as stranger:
            with pytest.raises(Unauthorized):
                await stranger.me()
        assert (tmp_path / "solo" / "server.sqlite3").exists()
        assert solo.running
    finally:
        await solo.stop()
        worker.shutdown()
    assert not solo.running
