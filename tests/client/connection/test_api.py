"""The API client against a real server process: typed results and typed errors."""

from __future__ import annotations

import pytest

from app.client.connection.api import ResponderApi
from app.client.connection.errors import BadRequest, Conflict, NotFound, Offline, Unauthorized
from app.client.connection.solo import free_port
from app.models.enums import MentionStatus
from tests.support.live_server import LiveServer, mention_json


async def test_health_me_and_listing(live_server: LiveServer) -> None:
    async with ResponderApi(live_server.base_url, live_server.admin_token) as api:
        health = await api.health()
        assert health.status == "ok"
        me = await api.me()
        assert me.role.is_manager
        ids = live_server.ingest([mention_json("api-1", "My parcel is late, again.")])
        page = await api.list_mentions(q="parcel is late", status="open")
        assert [m.id for m in page.data] == ids
        assert page.data[0].status is MentionStatus.NEW
        detail = await api.mention(ids[0])
        assert detail.id == ids[0]
        assert isinstance(detail.history, list)


async def test_lost_claim_names_the_owner(live_server: LiveServer) -> None:
    dana_id, dana_token = live_server.create_user("dana-api", role="rep")
    _, lee_token = live_server.create_user("lee-api", role="rep")
    [mention_id] = live_server.ingest([mention_json("api-2", "Where is my refund?")])
    async with (
        ResponderApi(live_server.base_url, dana_token) as dana,
        ResponderApi(live_server.base_url, lee_token) as lee,
    ):
        seen = await lee.mention(mention_id)
        claimed = await dana.claim(mention_id, seen.version)
        assert claimed.assignee_id == dana_id
        with pytest.raises(Conflict) as lost:
            await lee.claim(mention_id, seen.version)
        assert lost.value.current_owner is not None
        assert lost.value.current_owner.name == "dana-api"
        assert lost.value.current_version == claimed.version


async def test_errors_are_typed(live_server: LiveServer) -> None:
    async with ResponderApi(live_server.base_url, live_server.admin_token) as api:
        with pytest.raises(NotFound) as missing:
            await api.mention(987654)
        assert missing.value.detail
        with pytest.raises(BadRequest) as bad:
            await api.list_mentions(limit=501)
        assert bad.value.status in (400, 422)
    async with ResponderApi(live_server.base_url, "not-a-token") as stranger:
        with pytest.raises(Unauthorized):
            await stranger.me()
    async with ResponderApi(f"http://127.0.0.1:{free_port()}", "x", timeout=2) as nowhere:
        with pytest.raises(Offline) as offline:
            await nowhere.health()
        assert "did not answer" in offline.value.detail
