"""A reply that can never go out is refused at once, and a mention is `replied` only when the
network took the reply.

- `POST /mentions/{id}/replies` refuses (422, `reply_not_supported` / `no_brand_account`, a
  sentence that says to answer on the site, with the mention's link) a reply to a webhook or
  feed mention or to a network with no enabled brand account — before any countdown, leaving
  no trace; the mention's detail says which brand account would post a reply (`reply_via`), or
  where to answer instead (`reply_unavailable`, `reply_on_site_url`).
- The reply sender decides with the same rule (`reply_route`): an account removed after the
  reply was queued fails it with the route's sentence.
- Queueing moves the mention's version on (a colleague's reply against the older version is
  stale) and gives it an owner, but only `mark_reply_sent` makes it `replied`; a failed reply
  leaves it as it was."""

from __future__ import annotations

import itertools
import uuid
from typing import Any, cast

import pytest
from sqlalchemy import select

from app.models.enums import MentionStatus, Network
from app.models.tables import Mention, Reply
from app.server.services.accounts import remove_account, reply_route
from app.server.services.replies import mark_reply_failed, mark_reply_sent
from app.server.workers.locks import LocalLocks
from app.server.workers.sender import ReplySender
from tests.server.helpers import World
from tests.support.live_server import mention_json

_ids = itertools.count(1)


def _mention(w: World, network: str = "mastodon", *, url: str | None = None) -> int:
    body = mention_json(f"route-{next(_ids)}", "Where is my parcel?", network=network)
    if url is not None:
        body["url"] = url
    response = w.call("POST", "/mentions", json=[body])
    assert response.status_code == 200, response.text
    return int(response.json()["created"][0])


def _claim(w: World, who: str, mention_id: int) -> int:
    response = w.call("POST", f"/mentions/{mention_id}/claim", who, {"version": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


def _reply(w: World, who: str, mention_id: int, base_version: int) -> Any:
    return w.call(
        "POST",
        f"/mentions/{mention_id}/replies",
        who,
        {
            "client_id": str(uuid.uuid4()),
            "body": "Sorry! Checking now.",
            "base_version": base_version,
        },
    )


def _detail(w: World, mention_id: int) -> dict[str, Any]:
    response = w.call("GET", f"/mentions/{mention_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("network", "code", "words"),
    [
        ("webhook", "reply_not_supported", "cannot be answered from the console"),
        ("feed", "reply_not_supported", "cannot be answered from the console"),
        ("mastodon", "no_brand_account", "no mastodon brand account is connected"),
    ],
)
def test_a_reply_no_account_can_post_is_refused_at_once_with_the_link(
    world: World, network: str, code: str, words: str
) -> None:
    world.user("dana")
    world.brand_account("bluesky-brand", "bluesky")  # another network's account does not count
    link = f"https://{network}.example/posts/{next(_ids)}"
    mention_id = _mention(world, network, url=link)
    version = _claim(world, "dana", mention_id)
    before = _detail(world, mention_id)

    refused = _reply(world, "dana", mention_id, version)

    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == code
    assert words in body["detail"].lower()
    assert "answer it on the site" in body["detail"]
    assert link in body["detail"]
    after = _detail(world, mention_id)
    assert after["replies"] == [], "a refused reply left a trace"
    assert (after["status"], after["version"]) == (before["status"], before["version"])
    assert world.events("reply.updated") == []
    # The detail says so before anyone writes: no account, and where to answer instead.
    assert after["reply_via"] is None
    assert after["reply_unavailable"] == body["detail"]
    assert after["reply_on_site_url"] == link


def test_the_detail_names_the_account_that_will_post_the_reply(world: World) -> None:
    world.user("dana")
    mention_id = _mention(world)
    assert _detail(world, mention_id)["reply_via"] is None
    account_id = world.brand_account("acme-social", "mastodon")

    detail = _detail(world, mention_id)

    assert detail["reply_via"] == {
        "account_id": account_id,
        "account": "acme-social",
        "network": "mastodon",
    }
    assert detail["reply_unavailable"] is None
    assert detail["reply_on_site_url"] is None
    version = _claim(world, "dana", mention_id)
    queued = _reply(world, "dana", mention_id, version)
    assert queued.status_code == 202, queued.text
    with world.db.read() as session:
        reply = session.scalars(select(Reply).where(Reply.mention_id == mention_id)).one()
        assert reply.account_id == account_id  # the account chosen now is the one it leaves as


def test_two_accounts_of_the_network_and_no_receiving_one_is_refused(world: World) -> None:
    world.user("dana")
    world.brand_account("acme-one", "mastodon")
    world.brand_account("acme-two", "mastodon")
    mention_id = _mention(world, url="https://social.example/@sam/1")
    version = _claim(world, "dana", mention_id)
    refused = _reply(world, "dana", mention_id, version)
    assert refused.status_code == 422
    assert refused.json()["code"] == "no_brand_account"
    assert "cannot tell which one" in refused.json()["detail"]
    assert "https://social.example/@sam/1" in refused.json()["detail"]


def test_a_queued_or_failed_reply_does_not_make_the_mention_replied(world: World) -> None:
    world.user("dana")
    world.brand_account()
    first, second = _mention(world), _mention(world)
    replies: dict[int, int] = {}
    for mention_id in (first, second):
        version = _claim(world, "dana", mention_id)
        queued = _reply(world, "dana", mention_id, version)
        assert queued.status_code == 202, queued.text
        replies[mention_id] = int(queued.json()["id"])
        detail = _detail(world, mention_id)
        assert detail["status"] == "assigned", "queued is not replied"
        assert detail["version"] == version + 1
    [event] = world.events("reply.updated")[:1]
    assert event.payload["mention"]["status"] == "assigned"

    with world.db.write() as session:
        mark_reply_failed(
            session,
            replies[first],
            error="refused by the network",
            retry_at=None,
            now=world.clock(),
        )
    failed = _detail(world, first)
    assert failed["status"] == "assigned"
    assert failed["replies"][0]["status"] == "failed"

    with world.db.write() as session:
        mark_reply_sent(
            session,
            replies[second],
            external_id="109",
            external_url="https://social.example/@acme/109",
            now=world.clock(),
        )
    sent = _detail(world, second)
    assert sent["status"] == "replied"
    assert sent["version"] == 4  # claimed (2), reply queued (3), reply sent (4)
    assert world.events("reply.updated")[-1].payload["mention"]["status"] == "replied"


def test_a_colleagues_queued_reply_makes_an_older_reply_stale(world: World) -> None:
    world.user("dana")
    world.user("mia", role="manager")
    world.brand_account()
    mention_id = _mention(world)
    version = _claim(world, "dana", mention_id)
    assert _reply(world, "mia", mention_id, version).status_code == 202
    assert _detail(world, mention_id)["status"] == "assigned"

    stale = _reply(world, "dana", mention_id, version)

    assert stale.status_code == 409, stale.text
    assert stale.json()["code"] == "stale_base_version"
    assert stale.json()["current_version"] == version + 1


def test_a_snoozed_mention_answered_is_assigned_until_the_reply_is_sent(world: World) -> None:
    world.user("dana")
    world.brand_account()
    mention_id = _mention(world)
    version = _claim(world, "dana", mention_id)
    snoozed = world.call("POST", f"/mentions/{mention_id}/snooze", "dana", {"minutes": 30})
    assert snoozed.json()["status"] == "snoozed"
    assert _reply(world, "dana", mention_id, version + 1).status_code == 202
    detail = _detail(world, mention_id)
    assert (detail["status"], detail["snoozed_until"]) == ("assigned", None)


def test_the_sender_decides_with_the_same_rule(world: World) -> None:
    """An account removed while its reply waited: the sender refuses it with the sentence the
    reply route would say now (one rule, `reply_route`)."""
    world.user("dana")
    world.brand_account("acme-social")
    mention_id = _mention(world, url="https://social.example/@sam/7")
    version = _claim(world, "dana", mention_id)
    assert _reply(world, "dana", mention_id, version).status_code == 202
    with world.db.write() as session:
        remove_account(session, "acme-social", now=world.clock())
    world.clock.advance(seconds=20)  # the rep's cool-off (the default) is over

    sender = ReplySender(world.db, cast(Any, None), LocalLocks(), clock=world.clock)
    [claimed] = sender._claim(5)

    with world.db.read() as session:
        mention = session.get(Mention, mention_id)
        assert mention is not None
        route = reply_route(session, mention)
    assert route.account is None
    assert claimed.request is None
    assert claimed.problem == route.problem
    assert claimed.problem is not None
    assert "https://social.example/@sam/7" in claimed.problem
    assert _detail(world, mention_id)["reply_unavailable"] == claimed.problem


def test_the_receiving_account_answers_its_own_mentions(world: World) -> None:
    """A mention that came through an account is answered by it, even beside a second
    account of the same network; a webhook one has no such account."""
    world.user("dana")
    one = world.brand_account("acme-one", "mastodon")
    world.brand_account("acme-two", "mastodon")
    mention_id = _mention(world)
    with world.db.write() as session:
        mention = session.get(Mention, mention_id)
        assert mention is not None
        mention.account_id = one
    detail = _detail(world, mention_id)
    assert detail["reply_via"]["account"] == "acme-one"
    assert detail["reply_via"]["network"] == Network.MASTODON.value
    assert detail["status"] == MentionStatus.NEW.value
