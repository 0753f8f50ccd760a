"""A storm's holding statement through a real server process and a real Mastodon-API server
(mastodon-mock): every customer gets one threaded reply with their own name, the replies leave
no earlier than their paced times (the reply sender honours `next_attempt_at`), the mentions
end `replied`, and the same request again posts nothing twice.

This server sets its own Mastodon pace (RESPONDER_REPLY_PACE_PER_HOUR, 1,800 an hour: one
every 2 s) so the spacing shows within seconds rather than Mastodon's default 36 s."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.models.enums import StormKind
from app.models.storm_tables import Storm, StormGroupRow, StormMention
from app.server.db import open_database
from app.server.services.storm_answer import statement_client_id
from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.server.helpers import add_mastodon_account, events_from_now, is_account, is_mention
from tests.support.fixtures import mastodon
from tests.support.live_server import LiveServer, start_live_server

pytestmark = pytest.mark.slow

__all__ = ["mastodon"]

SPACING = timedelta(seconds=2)
CUSTOMERS = {"alice": "Alice", "bob": "Bob 🚲", "carmen": "كارمن"}


@pytest.fixture
def paced_server(tmp_path: Path) -> Iterator[LiveServer]:
    env = {"RESPONDER_REPLY_PACE_PER_HOUR": json.dumps({"mastodon": 1800})}
    with start_live_server(tmp_path / "server", env=env) as live:
        yield live


def _storm_of(server: LiveServer, mention_ids: list[int]) -> int:
    """The storm row the detector would have written, holding these mentions."""
    db = open_database(server.database_url)
    try:
        with db.write() as session:
            now = datetime.now().astimezone()
            storm = Storm(kind=StormKind.VOLUME, scope="all", started_at=now, last_at=now)
            session.add(storm)
            session.flush()
            session.add(StormGroupRow(storm_id=storm.id, group_id=1, kind="copies", label="down"))
            for mention_id in mention_ids:
                session.add(StormMention(storm_id=storm.id, mention_id=mention_id, group_id=1))
            return storm.id
    finally:
        db.dispose()


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_statement_reaches_each_customer_once_personalised_and_spaced(
    paced_server: LiveServer, mastodon: MastodonMock
) -> None:
    server = paced_server
    _id, manager = server.create_user("mia", role="manager")  # no cool-off: pacing alone
    text = "Hi {name}, the app is down for everyone; we expect it back within the hour."
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        events.wait(is_account("acme", "ok"))
        posts = {who: mastodon.post(who, "@acme the app is down again!") for who in CUSTOMERS}
        mentions = {
            who: events.wait(is_mention(post["id"])).data["payload"]["mention"]
            for who, post in posts.items()
        }
        storm_id = _storm_of(server, [m["id"] for m in mentions.values()])

        def send() -> httpx.Response:
            return httpx.post(
                f"{server.base_url}/api/v1/storms/{storm_id}/reply",
                headers=server.headers(manager),
                json={"text": text, "broadcast": False},
                timeout=10,
            )

        first = send()
        assert first.status_code == 202, first.text
        assert first.json()["skipped"] == []
        retried = send()  # a retry while they wait: the same replies
        assert sorted(retried.json()["replies"]) == sorted(first.json()["replies"])

        keys = {
            who: str(statement_client_id(storm_id, m["id"], text)) for who, m in mentions.items()
        }
        queued: dict[str, dict[str, object]] = {}
        sent: dict[str, dict[str, object]] = {}
        while len(sent) < len(CUSTOMERS):
            event = events.wait(lambda e: e.type == "reply.updated", within=30)
            reply = event.data["payload"]["reply"]
            who = next((w for w, k in keys.items() if k == reply["client_id"]), None)
            if who is None:
                continue
            if reply["status"] == "queued":
                queued.setdefault(who, reply)
            assert reply["status"] in ("queued", "sending", "sent"), reply["error"]
            if reply["status"] == "sent":
                sent[who] = event.data["payload"]
                assert event.data["payload"]["mention"]["status"] == "replied"

    # Spaced: due 2 s apart in arrival order, and none left before it was due.
    due = sorted(_moment(str(r["due_at"])) for r in queued.values())
    assert [b - a for a, b in itertools.pairwise(due)] == [SPACING, SPACING]
    for who, payload in sent.items():
        assert _moment(payload["reply"]["sent_at"]) >= _moment(str(queued[who]["due_at"]))

    # Each customer got exactly one threaded reply, with their own name.
    for who, post in posts.items():
        [status] = mastodon.context(post["id"])["descendants"]
        assert status["in_reply_to_id"] == post["id"]
        assert f"Hi {CUSTOMERS[who]}, the app is down" in status["content"]
        assert f"@{who}" in status["content"]
        assert sent[who]["reply"]["external_id"] == status["id"]

    # After they went out, the same request again creates and posts nothing.
    again = send()
    assert again.status_code == 202
    assert sorted(again.json()["replies"]) == sorted(first.json()["replies"])
    for post in posts.values():
        assert len(mastodon.context(post["id"])["descendants"]) == 1
    progress = server.get(f"/api/v1/storms/{storm_id}/progress", manager)
    assert (progress["total"], progress["sent"], progress["queued"]) == (3, 3, 0)
    assert progress["next_at"] is None
