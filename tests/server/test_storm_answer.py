"""Answering a storm together through the real app (SQLite and PostgreSQL): claiming a storm's
open mentions for me, for a person, round-robin for a team, with colleagues' mentions skipped;
the holding statement as personalised, idempotent, paced replies through the normal reply
path (cool-off, length per network, a broadcast to the team) and its progress.

The storms themselves are written as rows (their detection is tested in test_storms*.py):
what is tested here starts from a storm that holds given mentions."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.models.enums import Network, Role, StormKind
from app.models.storm_schemas import StormReply
from app.models.storm_tables import Storm, StormGroupRow, StormMention
from app.models.tables import Reply
from app.server.auth import USER_TOKEN, Principal
from app.server.services.replies import mark_reply_sending, mark_reply_sent
from app.server.services.storm_answer import (
    STEP,
    reply_pace,
    reply_to_storm,
    statement_client_id,
)
from tests.server.helpers import World

_ids = itertools.count(1)


def customer(
    world: World,
    display_name: str = "A Customer",
    *,
    network: str = "mastodon",
    handle: str | None = None,
    text: str = "Your app is down again!",
) -> int:
    """A mention from one customer, through the real ingest."""
    n = next(_ids)
    external_id = (
        f"at://did:plc:storm{n}/app.bsky.feed.post/p{n}" if network == "bluesky" else f"storm-{n}"
    )
    body = {
        "network": network,
        "external_id": external_id,
        "author": {"handle": handle or f"@fan{n}", "display_name": display_name},
        "text": text,
    }
    response = world.call("POST", "/mentions", json=[body])
    assert response.status_code == 200, response.text
    return int(response.json()["created"][0])


def storm_of(world: World, groups: Mapping[int, Sequence[int]]) -> int:
    """A storm row holding the mentions, in the given groups."""
    now = world.clock()
    with world.db.write() as session:
        storm = Storm(
            kind=StormKind.VOLUME,
            scope="all",
            started_at=now,
            last_at=now,
            updated_at=now,
            rate_per_hour=240.0,
            usual_per_hour=40.0,
            count=sum(len(ids) for ids in groups.values()),
        )
        session.add(storm)
        session.flush()
        for group_id, ids in groups.items():
            session.add(
                StormGroupRow(
                    storm_id=storm.id, group_id=group_id, kind="copies", label=f"group {group_id}"
                )
            )
            for mention_id in ids:
                session.add(
                    StormMention(storm_id=storm.id, mention_id=mention_id, group_id=group_id)
                )
        return storm.id


def claim(world: World, storm_id: int, who: str, **body: Any) -> Any:
    return world.call("POST", f"/storms/{storm_id}/claim", who, body)


def statement(world: World, storm_id: int, who: str, text: str, **more: Any) -> Any:
    return world.call("POST", f"/storms/{storm_id}/reply", who, {"text": text, **more})


def mention(world: World, mention_id: int) -> dict[str, Any]:
    response = world.call("GET", f"/mentions/{mention_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def replies(world: World) -> dict[int, Reply]:
    """Every reply by mention id (one each in these tests)."""
    with world.db.read() as session:
        rows = session.scalars(select(Reply).order_by(Reply.id)).all()
    found: dict[int, Reply] = {}
    for row in rows:
        assert row.mention_id not in found, "two replies to one mention"
        found[row.mention_id] = row
    return found


def storm_events(world: World, after: int = 0) -> list[dict[str, Any]]:
    return [e.payload for e in world.events("storm.updated", after=after)]


# --- claiming ---------------------------------------------------------------------------------


def test_claim_for_me_takes_the_open_ones_and_skips_colleagues_and_answered(
    team_app: World,
) -> None:
    world = team_app
    world.user("dana")
    world.user("bo")
    free, theirs, done, also_free = (customer(world) for _ in range(4))
    assert world.call("POST", f"/mentions/{theirs}/claim", "bo", {"version": 1}).status_code == 200
    assert world.call("POST", f"/mentions/{done}/resolve", "admin").status_code == 200
    storm_id = storm_of(world, {1: [free, theirs, done, also_free]})
    before = world.last_event_id()

    result = claim(world, storm_id, "dana")
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["claimed"] == [free, also_free]
    skipped = {s["id"]: s for s in body["skipped"]}
    assert skipped[theirs]["owner"]["name"] == "bo"
    assert skipped[theirs]["reason"] == "bo has this mention."
    assert skipped[done]["reason"] == "Already resolved."
    assert body["storm"]["claimed_by"]["name"] == "dana"
    for mention_id in (free, also_free):
        shown = mention(world, mention_id)
        assert shown["assignee"]["name"] == "dana"
        assert shown["status"] == "assigned"
    # The single claim's events, one per mention; one storm.updated for the whole storm.
    updates = world.events("mention.updated", after=before)
    assert sorted(e.mention_id for e in updates if e.payload["action"] == "claimed") == [
        free,
        also_free,
    ]
    [event] = storm_events(world, before)
    assert event["change"] == "claimed"
    assert event["storm"]["claimed_by"]["name"] == "dana"

    # Again: already hers, nothing changes, nothing is announced.
    again = world.last_event_id()
    repeat = claim(world, storm_id, "dana").json()
    assert repeat["claimed"] == [free, also_free]
    assert world.events(after=again) == []


def test_a_rep_claims_only_for_herself_a_manager_for_anyone(team_app: World) -> None:
    world = team_app
    dana = world.user("dana", teams=["support"])
    world.user("bo", teams=["support"])
    world.user("mia", role="manager")
    storm_id = storm_of(world, {1: [customer(world), customer(world)], 2: [customer(world)]})

    for body in ({"user_id": world.ids["bo"]}, {"team": "support"}):
        refused = claim(world, storm_id, "dana", **body)
        assert refused.status_code == 403
        assert refused.json()["detail"] == (
            "Only a manager or an admin can claim a storm for someone else."
        )
    assert claim(world, storm_id, "dana", user_id=dana, group_id=2).status_code == 200

    before = world.last_event_id()
    for_bo = claim(world, storm_id, "mia", user_id=world.ids["bo"])
    assert for_bo.status_code == 200, for_bo.text
    assert len(for_bo.json()["claimed"]) == 2
    # Each mention's change names the manager who gave it, and to whom (as an assignment).
    given = world.events("mention.updated", after=before)
    assert len(given) == 2
    assert {e.actor_id for e in given} == {world.ids["mia"]}
    assert {e.payload["action"] for e in given} == {"assigned"}
    assert [s["owner"]["name"] for s in for_bo.json()["skipped"]] == ["dana"]
    assert for_bo.json()["storm"]["claimed_by"]["name"] == "bo"

    # Bad requests are sentences, never a 500.
    both = claim(world, storm_id, "mia", user_id=dana, team="support")
    assert both.status_code == 422
    assert "not both" in both.json()["detail"]
    assert claim(world, storm_id, "mia", team="nobody").json()["detail"] == (
        "No team named 'nobody'."
    )
    blank_team = claim(world, storm_id, "mia", team="  ")
    assert blank_team.status_code == 422
    assert blank_team.json()["detail"].startswith("Name the team")
    assert claim(world, 999, "mia").status_code == 404
    assert claim(world, 999, "mia").json()["detail"] == "No storm with id 999."
    assert claim(world, storm_id, "mia", group_id=7).json()["detail"] == (
        f"Storm {storm_id} has no group 7."
    )
    assert claim(world, storm_id, "mia", user_id=9999).status_code == 404
    assert claim(world, storm_id, "mia", shout=True).status_code == 422


def test_a_team_claim_deals_round_robin_over_members_on_duty(team_app: World) -> None:
    world = team_app
    world.user("mia", role="manager")
    for name in ("ann", "bo", "cy"):
        world.user(name, teams=["support"])
    world.user("dee", teams=["billing"])
    world.duty("ann", "on_duty")
    world.duty("bo", "on_duty")  # cy stays off duty
    world.claimed("bo")  # bo already holds one open mention: ann is dealt first
    mentions = [customer(world) for _ in range(5)]
    storm_id = storm_of(world, {1: mentions})

    nobody = claim(world, storm_id, "mia", team="billing")
    assert nobody.status_code == 409
    assert nobody.json()["detail"].startswith("Nobody in billing is on duty")

    result = claim(world, storm_id, "mia", team="Support")  # names match in any case
    assert result.status_code == 200, result.text
    assert result.json()["claimed"] == mentions
    owners = [mention(world, m)["assignee"]["name"] for m in mentions]
    assert owners == ["ann", "bo", "ann", "bo", "ann"]
    assert result.json()["storm"]["claimed_team"] == "support"
    assert result.json()["storm"]["claimed_by"] is None


# --- the holding statement --------------------------------------------------------------------

HOSTILE = {
    "Ana": "Ana",
    "{name} {0} <b>Bob</b> %s": "{name} {0} <b>Bob</b> %s",
    "": "@fan",
    "@victim@evil.example win": "@fan",
    "Buy at https://spam.example": "@fan",
    "#boycott": "@fan",
    "Zoë\u202e\n  :blobcat: Smith": "Zoë Smith",
}


def test_statement_is_personalised_queued_once_and_announced(team_app: World) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.user("mia", role="manager")
    names = list(HOSTILE)
    mentions = [customer(world, name) for name in names]
    storm_id = storm_of(world, {1: mentions})
    text = "Hi {name}, we are on it. Your {order} is safe."
    before = world.last_event_id()

    first = statement(world, storm_id, "mia", text, broadcast=False)
    assert first.status_code == 202, first.text
    body = first.json()
    assert body["skipped"] == []
    assert len(body["replies"]) == len(mentions)
    assert body["storm"]["statement"] == text
    assert body["broadcast_id"] is None
    queued = replies(world)
    for mention_id, name in zip(mentions, names, strict=True):
        expected = HOSTILE[name]
        if expected == "@fan":
            expected = mention(world, mention_id)["author"]["handle"]
        assert queued[mention_id].body == f"Hi {expected}, we are on it. Your {{order}} is safe."
        assert queued[mention_id].client_id == str(statement_client_id(storm_id, mention_id, text))
        assert mention(world, mention_id)["assignee"]["name"] == "mia"  # as a single reply does
    # One reply.updated per reply, as POST /mentions/{id}/replies; one storm.updated.
    assert len(world.events("reply.updated", after=before)) == len(mentions)
    [announced] = storm_events(world, before)
    assert announced["change"] == "statement"
    assert announced["storm"]["statement"] == text

    # The same request again (a retry): the same replies, nothing new, nothing announced.
    again = world.last_event_id()
    retried = statement(world, storm_id, "mia", text, broadcast=False)
    assert retried.status_code == 202
    assert sorted(retried.json()["replies"]) == sorted(body["replies"])
    assert len(replies(world)) == len(mentions)
    assert world.events(after=again) == []


def test_statement_skips_colleagues_answered_and_waiting_and_what_no_account_can_post(
    team_app: World,
) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.user("dana")
    world.user("bo")
    mine = customer(world)
    assert world.call("POST", f"/mentions/{mine}/claim", "dana", {"version": 1}).status_code == 200
    theirs = world.claimed("bo")
    waiting = world.claimed("dana")
    queued = world.call(
        "POST",
        f"/mentions/{waiting}/replies",
        "dana",
        {"client_id": "6c1f0a1e-0000-4000-8000-000000000001", "body": "On it", "base_version": 2},
    )
    assert queued.status_code == 202, queued.text
    webhook = customer(world, network="webhook")
    nobodys = customer(world)
    storm_id = storm_of(world, {1: [mine, theirs, waiting, webhook, nobodys]})

    result = statement(world, storm_id, "dana", "Sorry {name}, fixing it now.")
    assert result.status_code == 202, result.text
    body = result.json()
    assert len(body["replies"]) == 2
    reasons = {s["id"]: s["reason"] for s in body["skipped"]}
    assert reasons[theirs] == "bo has this mention."
    assert reasons[waiting] == "A reply to this mention is already waiting to go out."
    assert reasons[webhook].startswith(
        "A Webhook mention cannot be answered from the console: no brand account posts there."
    )
    assert set(reasons) == {theirs, waiting, webhook}
    # A rep sends no broadcast (broadcasts are managers'), the statement goes all the same.
    assert body["broadcast_id"] is None
    assert set(replies(world)) == {waiting, mine, nobodys}


def _due(world: World) -> dict[int, datetime]:
    due: dict[int, datetime] = {}
    for mention_id, row in replies(world).items():
        assert row.next_attempt_at is not None
        due[mention_id] = row.next_attempt_at
    return due


def test_replies_are_spaced_per_network_after_the_cool_off(team_app: World) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.brand_account("acme-sky", "bluesky")
    world.user("dana", teams=["support"])
    teams = {t["name"]: t["id"] for t in world.call("GET", "/teams").json()["data"]}
    cool = world.call(
        "PUT", f"/teams/{teams['support']}/cool-off", "admin", {"seconds": 60, "heated_seconds": 60}
    )
    assert cool.status_code == 200, cool.text
    toots = [customer(world) for _ in range(3)]
    skeets = [customer(world, network="bluesky") for _ in range(2)]
    storm_id = storm_of(world, {1: toots + skeets})
    now = world.clock()

    assert statement(world, storm_id, "dana", "We hear you, {name}.").status_code == 202
    due = _due(world)
    hold = now + timedelta(seconds=60)  # the rep's team cool-off comes first
    # Mastodon: 300 statuses / 3 h → one every 36 s; Bluesky: 1,500 an hour → every 2.4 s.
    assert [due[m] for m in toots] == [hold + timedelta(seconds=36 * i) for i in range(3)]
    assert [due[m] for m in skeets] == [hold + timedelta(seconds=2.4 * i) for i in range(2)]

    # A second statement (another group, later) queues behind the network's last reply.
    world.clock.advance(seconds=5)
    later = [customer(world)]
    second = storm_of(world, {1: later})
    assert statement(world, second, "dana", "Still on it, {name}.").status_code == 202
    assert _due(world)[later[0]] == due[toots[-1]] + timedelta(seconds=36)


def test_unpaced_networks_and_a_servers_own_pace(team_app: World) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.user("mia", role="manager")  # a manager's replies wait only as long as she asks
    toots = [customer(world) for _ in range(3)]
    storm_id = storm_of(world, {1: toots})
    now = world.clock()
    mia = Principal(kind=USER_TOKEN, name="mia", user_id=world.ids["mia"], role=Role.MANAGER)
    with world.db.write() as session:
        reply_to_storm(
            session,
            storm_id,
            StormReply(text="Thanks {name}", broadcast=False),
            by=mia,
            now=now,
            paces={Network.MASTODON: 3600},
        )
    due = _due(world)
    assert [due[m] for m in toots] == [now + timedelta(seconds=i) for i in range(3)]
    assert reply_pace(Network.WEBHOOK) is None
    assert reply_pace(Network.DEMO) is None
    assert reply_pace(Network.MASTODON) == timedelta(seconds=36)


def test_a_statement_too_long_for_a_network_is_refused_for_those_customers(
    team_app: World,
) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.brand_account("acme-sky", "bluesky")
    world.user("mia", role="manager")
    short_name = customer(world, "Al", network="bluesky")
    long_name = customer(world, "Maximilian Alexander von Habsburg", network="bluesky")
    toot = customer(world, "Maximilian Alexander von Habsburg")
    storm_id = storm_of(world, {1: [short_name, long_name, toot]})
    # Exactly 300 graphemes on Bluesky with the @handle in front for "Al"; over for the other.
    handle = mention(world, short_name)["author"]["handle"]
    text = "Hi {name}, " + "x" * (300 - len(f"{handle} Hi Al, "))

    result = statement(world, storm_id, "mia", text, broadcast=False)
    assert result.status_code == 202, result.text
    [skipped] = result.json()["skipped"]
    assert skipped["id"] == long_name
    assert skipped["reason"].startswith("The statement for this customer is ")
    assert skipped["reason"].endswith("as Bluesky counts them; Bluesky allows 300.")
    assert set(replies(world)) == {short_name, toot}  # Mastodon allows 500


def test_a_managers_statement_is_broadcast_once(team_app: World) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.user("mia", role="manager")
    world.user("ann", teams=["support"])
    world.duty("ann", "on_duty")
    storm_id = storm_of(world, {1: [customer(world), customer(world)]})
    assert claim(world, storm_id, "mia", team="support").status_code == 200
    before = world.last_event_id()

    sent = statement(world, storm_id, "mia", "Dear {name}, the app is back within the hour.")
    assert sent.status_code == 202, sent.text
    broadcast_id = sent.json()["broadcast_id"]
    assert broadcast_id is not None
    [event] = world.events("broadcast.sent", after=before)
    text = event.payload["broadcast"]["text"]
    assert "team support" in text
    assert "Dear [the customer's name], the app is back within the hour." in text
    listed = world.call("GET", "/broadcasts", "ann").json()["data"]
    assert [b["id"] for b in listed] == [broadcast_id]

    again = statement(world, storm_id, "mia", "Dear {name}, the app is back within the hour.")
    assert again.json()["broadcast_id"] == broadcast_id
    assert [e.id for e in world.events("broadcast.sent", after=before)] == [event.id]


def test_progress_counts_the_statements_replies(team_app: World) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.user("mia", role="manager")
    mentions = [customer(world) for _ in range(3)]
    other = world.claimed("mia")  # a reply of her own, not the statement's
    storm_id = storm_of(world, {1: mentions})
    empty = world.call("GET", f"/storms/{storm_id}/progress", "mia").json()
    assert empty == {
        "storm_id": storm_id,
        "total": 0,
        "queued": 0,
        "sending": 0,
        "sent": 0,
        "failed": 0,
        "next_at": None,
    }
    assert statement(world, storm_id, "mia", "Hi {name}", broadcast=False).status_code == 202
    assert (
        world.call(
            "POST",
            f"/mentions/{other}/replies",
            "mia",
            {"client_id": "6c1f0a1e-0000-4000-8000-000000000002", "body": "Hi", "base_version": 2},
        ).status_code
        == 202
    )
    now = world.clock()
    progress = world.call("GET", f"/storms/{storm_id}/progress", "mia").json()
    assert (progress["total"], progress["queued"], progress["sent"]) == (3, 3, 0)
    assert progress["next_at"] is not None
    assert datetime.fromisoformat(progress["next_at"]) == now

    first = replies(world)[mentions[0]].id
    with world.db.write() as session:
        mark_reply_sending(session, first, now)
        mark_reply_sent(session, first, external_id="1", external_url=None, now=now)
    progress = world.call("GET", f"/storms/{storm_id}/progress", "mia").json()
    assert (progress["total"], progress["queued"], progress["sent"]) == (3, 2, 1)
    assert datetime.fromisoformat(progress["next_at"]) == now + timedelta(seconds=36)
    assert mention(world, mentions[0])["status"] == "replied"
    assert world.call("GET", "/storms/999/progress", "mia").status_code == 404


def test_bad_statements_are_sentences(team_app: World) -> None:
    world = team_app
    world.user("mia", role="manager")
    storm_id = storm_of(world, {1: [customer(world)]})
    blank = statement(world, storm_id, "mia", "   ")
    assert blank.status_code == 422
    assert blank.json()["detail"].startswith("The holding statement is empty")
    assert statement(world, storm_id, "mia", "").status_code == 422
    assert statement(world, storm_id, "mia", "x" * 5001).status_code == 422
    assert statement(world, 999, "mia", "Hi").json()["detail"] == "No storm with id 999."
    assert statement(world, storm_id, "mia", "Hi", group_id=5).status_code == 404
    assert statement(world, storm_id, "mia", "Hi", broadcast="yes").status_code == 422


def test_a_big_storm_is_claimed_and_answered_in_steps_with_one_pace(team_app: World) -> None:
    world = team_app
    world.brand_account("acme", "mastodon")
    world.user("mia", role="manager")
    count = 2 * STEP + 5
    batch = [
        {
            "network": "mastodon",
            "external_id": f"big-{n}",
            "author": {"handle": f"@big{n}", "display_name": f"Fan {n}"},
            "text": "down again",
        }
        for n in range(count)
    ]
    created = world.call("POST", "/mentions", json=batch)
    assert created.status_code == 200, created.text
    mentions = [int(i) for i in created.json()["created"]]
    storm_id = storm_of(world, {1: mentions})
    before = world.last_event_id()

    claimed = claim(world, storm_id, "mia")
    assert claimed.status_code == 200, claimed.text
    assert sorted(claimed.json()["claimed"]) == sorted(mentions)
    assert len(storm_events(world, before)) == 1  # one storm.updated for all the steps

    now = world.clock()
    sent = statement(world, storm_id, "mia", "Hi {name}, we are on it.", broadcast=False)
    assert sent.status_code == 202, sent.text
    assert len(sent.json()["replies"]) == count
    due = _due(world)
    spacing = timedelta(seconds=36)
    assert sorted(due.values()) == [now + spacing * i for i in range(count)]
    assert replies(world)[mentions[-1]].body == f"Hi Fan {count - 1}, we are on it."
