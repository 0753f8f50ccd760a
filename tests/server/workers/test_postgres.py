"""Two server processes on one PostgreSQL database: each brand account is ingested by one
process at a time (an advisory lock), a dead process's account is taken over by the other,
and every reply is sent exactly once (FOR UPDATE SKIP LOCKED plus a lock while in flight)."""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path

import pytest

from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.server.helpers import (
    EventWaiter,
    add_mastodon_account,
    events_from_now,
    is_mention,
    is_reply,
    mentions,
    poll,
    reply,
)
from tests.support.live_server import LiveServer, start_live_server
from tests.support.sse import open_stream

pytestmark = pytest.mark.slow

STARTED = "ingest: started account"


def _holder(servers: list[LiveServer]) -> list[LiveServer]:
    return [s for s in servers if STARTED in s.log()]


def test_two_processes_ingest_each_account_once_and_send_each_reply_once(
    tmp_path: Path, fresh_postgres_url: str, mastodon: MastodonMock
) -> None:
    env = {"RESPONDER_SECRETS_FILE": str(tmp_path / "secrets.json")}
    with (
        start_live_server(tmp_path / "a", database_url=fresh_postgres_url, env=env) as first,
        start_live_server(tmp_path / "b", database_url=fresh_postgres_url, env=env) as second,
    ):
        servers = [first, second]
        with events_from_now(first) as events:
            add_mastodon_account(first, mastodon.base_url, BRAND_TOKEN)
            posts = [mastodon.post("alice", f"@acme order {n} is late")["id"] for n in range(8)]
            created = [events.wait(is_mention(post)) for post in posts]
            holders = poll(lambda: _holder(servers), what="an ingest worker")
            assert len(holders) == 1, "both processes ingest the account"
            assert len({e.id for e in created}) == len(posts)
            assert not [e for e in events.seen if e.type == "mention.created"]

            # Replies queued through both processes: each is posted once.
            client_ids: list[str] = []
            for n, event in enumerate(created):
                mention = event.data["payload"]["mention"]
                client_id = str(uuid.uuid4())
                client_ids.append(client_id)
                via = servers[n % 2]
                assert reply(via, mention, f"Checking order {n}.", client_id).status_code == 202
            for client_id in client_ids:
                sent = events.wait(is_reply(client_id, "sent", "failed"), within=60)
                assert sent.data["payload"]["reply"]["status"] == "sent"
        for post in posts:
            assert len(mastodon.context(post)["descendants"]) == 1, "a reply was posted twice"

        # The holder dies: the other process takes the account over.
        [holder] = _holder(servers)
        survivor = second if holder is first else first
        holder.process.send_signal(signal.SIGKILL)
        holder.process.wait(timeout=10)
        killed = time.monotonic()
        with events_from_now(survivor) as events:
            late = mastodon.post("bob", "@acme anyone still there?")["id"]
            events.wait(is_mention(late), within=60)
        # The figure the README's drill table quotes (seen with -s).
        took = time.monotonic() - killed
        print(f"takeover: a mention posted after the kill arrived in {took:.1f} s")
        assert STARTED in survivor.log()
        stored = [m["external_id"] for m in mentions(survivor)]
        assert sorted(stored) == sorted([*posts, late])


def test_reply_left_sending_by_a_dead_process_is_sent_once_by_another(
    tmp_path: Path, fresh_postgres_url: str, mastodon: MastodonMock
) -> None:
    env = {"RESPONDER_SECRETS_FILE": str(tmp_path / "secrets.json")}
    with start_live_server(tmp_path / "a", database_url=fresh_postgres_url, env=env) as first:
        with events_from_now(first) as events:
            add_mastodon_account(first, mastodon.base_url, BRAND_TOKEN)
            post = mastodon.post("carmen", "@acme the app crashes")["id"]
            mention = events.wait(is_mention(post)).data["payload"]["mention"]
            mastodon.fault(
                match={"methods": ["POST"], "path": "/api/v1/statuses"},
                effect={"type": "latency", "delay_ms": 3000},
                count=1,
            )
            client_id = str(uuid.uuid4())
            assert reply(first, mention, "Sorry, we are looking.", client_id).status_code == 202
            sending = events.wait(is_reply(client_id, "sending"))
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        with (
            start_live_server(tmp_path / "b", database_url=fresh_postgres_url, env=env) as second,
            open_stream(second.base_url, second.admin_token, last_event_id=sending.id) as source,
        ):
            sent = EventWaiter(source).wait(is_reply(client_id, "sent", "failed"), within=60)
    assert sent.data["payload"]["reply"]["status"] == "sent"
    assert len(mastodon.context(post)["descendants"]) == 1
