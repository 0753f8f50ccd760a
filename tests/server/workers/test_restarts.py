"""Crashes and restarts of the server process: a reply caught between the network's answer and
our commit is not posted twice, and a restart mid-stream (once, or five times in a row) loses
and duplicates no mention."""

from __future__ import annotations

import signal
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.server.helpers import (
    add_mastodon_account,
    events_from_now,
    is_mention,
    is_reply,
    mentions,
    poll,
    reply,
)
from tests.support.live_server import start_live_server

pytestmark = pytest.mark.slow


def _reply_status(base_url: str, token: str, mention_id: int) -> dict[str, Any] | None:
    detail = httpx.get(
        f"{base_url}/api/v1/mentions/{mention_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    replies: list[dict[str, Any]] = detail["replies"]
    return replies[0] if replies and replies[0]["status"] in ("sent", "failed") else None


@pytest.mark.parametrize("landed", [True, False], ids=["answer-lost", "never-arrived"])
def test_kill_while_sending_then_restart_posts_exactly_once(
    tmp_path: Path, mastodon: MastodonMock, landed: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with (
        start_live_server(tmp_path / "first", database_url=url) as server,
        events_from_now(server) as events,
    ):
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        post = mastodon.post("alice", "@acme where is my parcel?")
        mention = events.wait(is_mention(post["id"])).data["payload"]["mention"]
        # The network takes its time to answer the post: we die while waiting for it.
        mastodon.fault(
            match={"methods": ["POST"], "path": "/api/v1/statuses"},
            effect={"type": "latency", "delay_ms": 3000},
            count=1,
        )
        client_id = str(uuid.uuid4())
        assert reply(server, mention, "It is on its way.", client_id).status_code == 202
        events.wait(is_reply(client_id, "sending"))
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
    if landed:
        # The state a crash between the network's answer and our commit leaves behind: the
        # reply exists on the network (posted with our Idempotency-Key), our database says
        # "sending". (The mock drops a held request whose client died, so the landing that
        # the kill interrupted is replayed here exactly as the connector would have sent it.)
        response = httpx.post(
            f"{mastodon.base_url}/api/v1/statuses",
            headers={"Authorization": f"Bearer {BRAND_TOKEN}", "Idempotency-Key": client_id},
            data={
                "status": "@alice It is on its way.",
                "in_reply_to_id": post["id"],
                "visibility": "public",
            },
            timeout=10,
        )
        response.raise_for_status()
        assert len(mastodon.context(post["id"])["descendants"]) == 1

    with start_live_server(tmp_path / "second", database_url=url) as server:
        sent = poll(
            lambda: _reply_status(server.base_url, server.admin_token, mention["id"]),
            what="the reply to be recorded after the restart",
        )
    assert sent["status"] == "sent", sent["error"]
    descendants = mastodon.context(post["id"])["descendants"]
    assert len(descendants) == 1, "the reply was posted twice"
    assert sent["external_id"] == descendants[0]["id"]
    if landed:
        assert sent["external_id"] == response.json()["id"]


def test_crash_after_the_network_answered_before_our_commit_posts_once(
    tmp_path: Path, mastodon: MastodonMock
) -> None:
    """The real window: the mock has accepted the reply and answered, the server is about to
    commit `sent` — and dies (kill -9). We hold the SQLite write lock from outside while the
    answer comes back, so the server is provably stuck between the answer and its commit."""
    database = tmp_path / "server.sqlite3"
    url = f"sqlite:///{database}"
    with (
        start_live_server(tmp_path / "first", database_url=url) as server,
        events_from_now(server) as events,
    ):
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        post = mastodon.post("alice", "@acme my refund never came")
        mention = events.wait(is_mention(post["id"])).data["payload"]["mention"]
        mastodon.fault(
            match={"methods": ["POST"], "path": "/api/v1/statuses"},
            effect={"type": "latency", "delay_ms": 1500},
            count=1,
        )
        client_id = str(uuid.uuid4())
        assert reply(server, mention, "Refund is on its way.", client_id).status_code == 202
        events.wait(is_reply(client_id, "sending"))  # committed before the network call
        blocker = sqlite3.connect(database, isolation_level=None, timeout=30)
        try:
            blocker.execute("BEGIN IMMEDIATE")  # the server can read but no longer commit
            landed = poll(
                lambda: mastodon.context(post["id"])["descendants"],
                what="the network to accept the reply",
            )
            assert len(landed) == 1
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=10)
        finally:
            blocker.rollback()
            blocker.close()

    with start_live_server(tmp_path / "second", database_url=url) as server:
        sent = poll(
            lambda: _reply_status(server.base_url, server.admin_token, mention["id"]),
            what="the reply to be recorded after the restart",
        )
    assert sent["status"] == "sent", sent["error"]
    descendants = mastodon.context(post["id"])["descendants"]
    assert len(descendants) == 1, "the reply was posted twice"
    assert sent["external_id"] == descendants[0]["id"] == landed[0]["id"]


# Several server starts (about 6 s each on a busy 2-core machine): more than the default.
@pytest.mark.timeout(300)
def test_restart_mid_stream_loses_and_duplicates_no_mention(
    tmp_path: Path, mastodon: MastodonMock
) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    posted: list[str] = []
    with start_live_server(tmp_path / "first", database_url=url) as server:
        with events_from_now(server) as events:
            add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
            for n in range(5):
                posted.append(mastodon.post("alice", f"@acme before the crash {n}")["id"])
            events.wait(is_mention(posted[2]))
        server.process.send_signal(signal.SIGKILL)  # somewhere in the middle of the five
        server.process.wait(timeout=10)
    for n in range(5):
        posted.append(mastodon.post("bob", f"@acme while the server is down {n}")["id"])

    with start_live_server(tmp_path / "second", database_url=url) as server:
        with events_from_now(server) as events:
            poll(lambda: len(mentions(server)) >= 10, what="all ten mentions")
            late = mastodon.post("carmen", "@acme after the restart")["id"]
            events.wait(is_mention(late))
        stored = [m["external_id"] for m in mentions(server)]
    assert sorted(stored) == sorted([*posted, late])
    assert len(stored) == len(set(stored)) == 11


# Several server starts (about 6 s each on a busy 2-core machine): more than the default.
@pytest.mark.timeout(300)
def test_five_kills_during_ingest_lose_and_duplicate_no_mention(
    tmp_path: Path, mastodon: MastodonMock
) -> None:
    """The operator's drill: the server is killed (-9) five times while a page of mentions is
    being ingested, and started again on the same database each time."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    env = {"RESPONDER_SECRETS_FILE": str(tmp_path / "secrets.json")}
    posted: list[str] = []
    for kill in range(5):
        with start_live_server(tmp_path / f"run-{kill}", database_url=url, env=env) as server:
            with events_from_now(server) as events:
                if kill == 0:
                    add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
                batch = [
                    mastodon.post("alice", f"@acme round {kill}, post {n}")["id"] for n in range(6)
                ]
                posted.extend(batch)
                # The first of the page is in: the rest are being read or stored right now.
                events.wait(lambda e: e.type == "mention.created", within=60)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=10)

    with start_live_server(tmp_path / "after", database_url=url, env=env) as server:
        with events_from_now(server) as events:
            poll(lambda: len(mentions(server)) >= len(posted), within=60, what="every mention")
            late = mastodon.post("carmen", "@acme after five crashes")["id"]
            events.wait(is_mention(late), within=60)
        stored = [m["external_id"] for m in mentions(server)]
    assert sorted(stored) == sorted([*posted, late])
    assert len(stored) == len(set(stored)) == 31
