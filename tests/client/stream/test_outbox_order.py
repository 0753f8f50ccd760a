"""The outbox keeps order per mention: a reply sent offline (zero cool-off) after a claim made
offline leaves only once the claim has reached the server, so the claim is seen first and the
reply is accepted — even when the cool-off wakes on reconnect before the session's flush. (The
rep's team asks no cool-off either, so the server lets the reply go at once.)"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.client.composer.cool_off import CoolOff
from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.connection.events import ConnectionState
from app.client.stream.actions import ActionResult
from app.client.stream.store import ActionKind
from app.tone import check_reply
from tests.client.netcut import NetworkCut, network_between
from tests.client.stream.test_session_offline import online, running_session
from tests.client.waiting import until, until_true
from tests.support.composer import FakeClock, live_server, team_rep
from tests.support.live_server import LiveServer, mention_json

__all__ = ["live_server"]  # this module's server has a brand account to reply from

TEXT = "My parcel never arrived and nobody answers the phone"
REPLY = "I'm sorry your parcel hasn't arrived. I'm checking with the courier now."


@pytest.fixture
def link(live_server: LiveServer) -> Iterator[NetworkCut]:
    with network_between(live_server.base_url) as cut:
        yield cut


async def test_a_reply_waits_for_the_earlier_claim_of_its_mention(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ola = team_rep(live_server, 0, 0)
    rep_id, token = ola.user_id, ola.token
    [mention_id] = live_server.ingest([mention_json(f"ord-{uuid.uuid4().hex[:8]}", TEXT)])
    async with running_session(link.base_url, token, tmp_path / "c.sqlite3") as session:
        await online(session)
        row = session.row(mention_id)
        assert row is not None
        seen: list[str] = []

        def recorded(name: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                result = await call(*args, **kwargs)
                seen.append(name)  # the server took it
                return result

            return wrapper

        monkeypatch.setattr(session.api, "claim", recorded("claim", session.api.claim))
        monkeypatch.setattr(session.api, "reply", recorded("reply", session.api.reply))
        clock = FakeClock()
        cool_off = CoolOff(
            session._store,  # the console's one store: the outbox both use
            session._worker,
            session.api,
            user_id=lambda: rep_id,
            clock=clock,
            policy=CoolOffPolicy(0, 0),
        )
        await cool_off.load()
        session.outbox_changed.connect(lambda _entries: cool_off.wake())

        link.cut()
        await until_true(
            session.connection_changed, lambda: session.state is ConnectionState.OFFLINE
        )
        assert (await session.claim(mention_id)).result is ActionResult.QUEUED
        await cool_off.send(
            mention_id, str(uuid.uuid4()), REPLY, row.version, check_reply(REPLY, mention=TEXT)
        )

        # Back online: the cool-off looks first, before the session flushed the claim.
        link.connect()
        first = await cool_off.tick()
        assert first.left == []
        assert first.conflicts == []
        assert seen == []

        session.reconnect_now()
        await until_true(
            session.outbox_changed,
            lambda: not any(e.kind is ActionKind.CLAIM for e in session.outbox_entries),
        )
        then = await cool_off.tick()
        assert then.conflicts == []
        assert then.failed == [], [f.detail for f in then.failed]
        assert len(then.left) == 1
        assert seen == ["claim", "reply"]

    async with ResponderApi(live_server.base_url, token) as api:
        detail = await api.mention(mention_id)
    assert detail.assignee_id == rep_id
    assert [r.body for r in detail.replies] == [REPLY]


async def test_the_consoles_cool_off_sends_the_waiting_reply_after_the_claim(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, as the console runs it: the composer service's countdown, unattended."""
    token = team_rep(live_server, 0, 0).token
    [mention_id] = live_server.ingest([mention_json(f"ord-{uuid.uuid4().hex[:8]}", TEXT)])
    async with running_session(link.base_url, token, tmp_path / "c.sqlite3") as session:
        service = ComposerService(
            session,
            session._store,
            session._worker,
            device="order-desk",
            clock=FakeClock(),
            policy=CoolOffPolicy(0, 0),
            save_delay=0.01,
        )
        await service.start()
        try:
            await online(session)
            row = session.row(mention_id)
            assert row is not None
            seen: list[str] = []

            def recorded(name: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
                async def wrapper(*args: Any, **kwargs: Any) -> Any:
                    result = await call(*args, **kwargs)
                    seen.append(name)
                    return result

                return wrapper

            monkeypatch.setattr(session.api, "claim", recorded("claim", session.api.claim))
            monkeypatch.setattr(session.api, "reply", recorded("reply", session.api.reply))
            service.cool_off.policy = CoolOffPolicy(0, 0)  # the server's policy came meanwhile
            link.cut()
            await until_true(
                session.connection_changed, lambda: session.state is ConnectionState.OFFLINE
            )
            assert (await session.claim(mention_id)).result is ActionResult.QUEUED
            await service.cool_off.send(
                mention_id, str(uuid.uuid4()), REPLY, row.version, check_reply(REPLY, mention=TEXT)
            )
            left = asyncio.ensure_future(until(service.cool_off.left, lambda _left: True))
            link.connect()
            session.reconnect_now()
            await left
            assert seen == ["claim", "reply"]
            assert service.cool_off.replies == []
        finally:
            await service.aclose()
