"""The cool-off is held by the server, not only by the console (invariant 5).

- A rep's reply POSTed with no cool-off of its own (curl, a modified console) waits the team's
  minimum from its arrival: the sender (driven with the injectable clock) does not take it
  a moment before; a longer wait asked for is kept; managers are held only as they ask.
- While it is held its author edits it (the countdown never shortens; heat lengthens it),
  cancels it (never sent; a manager may too) or asks for it sooner (never sooner than the
  team's minimum from the first POST); each change is a `reply.updated` event.
- Once the sender has taken it, every change is refused (409 `reply_left`); a cancelled reply
  is refused by `mark_reply_sending`; cancel racing the sender ends with exactly one winner on
  SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any, cast

import pytest

from app.models.enums import ReplyStatus, Role
from app.models.tables import Reply
from app.server.auth import USER_TOKEN, Principal
from app.server.errors import Conflict
from app.server.services.replies import mark_reply_sending
from app.server.services.reply_hold import cancel_reply
from app.server.workers.locks import LocalLocks
from app.server.workers.sender import ReplySender
from tests.server.helpers import T0, World
from tests.support.live_server import mention_json

_ids = itertools.count(1)
TEAM_MINIMUM = 60


def _team_with_minimum(w: World, seconds: int = TEAM_MINIMUM) -> None:
    """dana (rep) and mia (manager) in `support`, whose cool-off is `seconds`; an account."""
    w.user("mia", role="manager", teams=["support"])
    w.user("dana", teams=["support"])
    teams = w.call("GET", "/teams", "dana").json()["data"]
    [team_id] = [t["id"] for t in teams if t["name"] == "support"]
    body = {"seconds": seconds, "heated_seconds": max(seconds, 90)}
    assert w.call("PUT", f"/teams/{team_id}/cool-off", "mia", body).status_code == 200
    w.brand_account()


def _claimed(w: World, who: str) -> tuple[int, int]:
    body = mention_json(f"hold-{next(_ids)}", "My parcel never came.")
    created = w.call("POST", "/mentions", json=[body])
    mention_id = int(created.json()["created"][0])
    claimed = w.call("POST", f"/mentions/{mention_id}/claim", who, {"version": 1})
    assert claimed.status_code == 200, claimed.text
    return mention_id, int(claimed.json()["version"])


def _post(w: World, who: str, **extra: Any) -> dict[str, Any]:
    mention_id, version = _claimed(w, who)
    body = {"client_id": str(uuid.uuid4()), "body": "Sorry! Checking now.", "base_version": version}
    response = w.call("POST", f"/mentions/{mention_id}/replies", who, {**body, **extra})
    assert response.status_code == 202, response.text
    reply: dict[str, Any] = response.json()
    return reply


def _sender(w: World) -> ReplySender:
    # Only claiming is exercised: no connector pool is needed.
    return ReplySender(w.db, cast(Any, None), LocalLocks(), clock=w.clock)


def _taken(w: World) -> list[int]:
    """The reply ids the sender takes now (marked `sending`), released again at once."""
    sender = _sender(w)
    claimed = sender._claim(20)
    for item in claimed:
        sender._release(item.reply_id)
    return [c.reply_id for c in claimed]


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_reps_reply_is_not_sent_before_the_team_minimum(world: World) -> None:
    _team_with_minimum(world)
    reply = _post(world, "dana")  # no cool-off asked: what a curl or a modified console sends
    assert reply["status"] == "queued"
    assert _at(reply["due_at"]) == T0 + timedelta(seconds=TEAM_MINIMUM)
    assert reply["due_in_seconds"] == TEAM_MINIMUM

    world.clock.advance(seconds=TEAM_MINIMUM - 0.001)
    assert not _sender(world)._has_due()
    assert _taken(world) == []
    world.clock.advance(seconds=0.001)
    assert _taken(world) == [reply["id"]]


def test_a_shorter_ask_is_raised_to_the_minimum_and_a_longer_one_kept(world: World) -> None:
    _team_with_minimum(world)
    short = _post(world, "dana", cool_off_seconds=5)
    long = _post(world, "dana", cool_off_seconds=90)
    assert _at(short["due_at"]) == T0 + timedelta(seconds=TEAM_MINIMUM)
    assert _at(long["due_at"]) == T0 + timedelta(seconds=90)
    world.clock.advance(seconds=TEAM_MINIMUM)
    assert _taken(world) == [short["id"]]
    world.clock.advance(seconds=30)
    assert _taken(world) == [long["id"]]


def test_a_managers_reply_is_held_only_as_long_as_asked(world: World) -> None:
    _team_with_minimum(world)
    asked = _post(world, "mia", cool_off_seconds=20)
    at_once = _post(world, "mia")
    assert _at(asked["due_at"]) == T0 + timedelta(seconds=20)
    assert _at(at_once["due_at"]) == T0
    assert _taken(world) == [at_once["id"]]


def test_cancel_while_held_and_never_after(world: World) -> None:
    _team_with_minimum(world)
    world.user("bo", teams=["support"])
    reply = _post(world, "dana")
    path = f"/replies/{reply['id']}/cancel"
    refused = world.call("POST", path, "bo")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_author")

    after = world.last_event_id()
    cancelled = world.call("POST", path, "dana")
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["due_at"]) == ("cancelled", None)
    [event] = world.events("reply.updated", after=after)
    assert event.payload["reply"]["status"] == "cancelled"
    assert event.actor_id == world.ids["dana"]

    world.clock.advance(seconds=TEAM_MINIMUM * 2)
    assert _taken(world) == []
    again = world.call("POST", path, "dana")
    assert (again.status_code, again.json()["code"]) == (409, "reply_cancelled")
    edit = world.call("PUT", f"/replies/{reply['id']}", "dana", {"body": "Hello"})
    assert (edit.status_code, edit.json()["code"]) == (409, "reply_cancelled")
    # The same POST again (a retry) returns the cancelled reply; it is not queued anew.
    with world.db.read() as session:
        assert session.get(Reply, reply["id"]).status is ReplyStatus.CANCELLED  # type: ignore[union-attr]

    taken = _post(world, "dana")
    world.clock.advance(seconds=TEAM_MINIMUM)
    assert _taken(world) == [taken["id"]]
    late = world.call("POST", f"/replies/{taken['id']}/cancel", "dana")
    assert (late.status_code, late.json()["code"]) == (409, "reply_left")
    assert "already left" in late.json()["detail"]


def test_a_manager_may_cancel_a_reps_held_reply(world: World) -> None:
    _team_with_minimum(world)
    reply = _post(world, "dana")
    cancelled = world.call("POST", f"/replies/{reply['id']}/cancel", "mia")
    assert cancelled.json()["status"] == "cancelled"
    edit = world.call("PUT", f"/replies/{_post(world, 'dana')['id']}", "mia", {"body": "x"})
    assert (edit.status_code, edit.json()["code"]) == (403, "not_author")


def test_edit_keeps_or_lengthens_the_countdown_never_shortens_it(world: World) -> None:
    _team_with_minimum(world)
    reply = _post(world, "dana")
    path = f"/replies/{reply['id']}"
    world.clock.advance(seconds=10)
    after = world.last_event_id()
    edited = world.call("PUT", path, "dana", {"body": "Sorry! A new parcel leaves today."})
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "Sorry! A new parcel leaves today."
    assert _at(edited.json()["due_at"]) == T0 + timedelta(seconds=TEAM_MINIMUM)
    assert edited.json()["due_in_seconds"] == TEAM_MINIMUM - 10
    [event] = world.events("reply.updated", after=after)
    assert event.payload["reply"]["body"] == "Sorry! A new parcel leaves today."

    shorter = world.call("PUT", path, "dana", {"body": "Sorry!", "cool_off_seconds": 1})
    assert _at(shorter.json()["due_at"]) == T0 + timedelta(seconds=TEAM_MINIMUM)
    heated = world.call("PUT", path, "dana", {"body": "Sorry!!", "cool_off_seconds": 120})
    assert _at(heated.json()["due_at"]) == T0 + timedelta(seconds=130)
    bad = world.call("PUT", path, "dana", {"body": "x", "cool_off_seconds": -1})
    assert bad.status_code == 422

    world.clock.advance(seconds=120)
    assert _taken(world) == [reply["id"]]
    late = world.call("PUT", path, "dana", {"body": "too late"})
    assert (late.status_code, late.json()["code"]) == (409, "reply_left")


def test_send_now_never_goes_below_the_team_minimum_from_the_first_post(world: World) -> None:
    _team_with_minimum(world)
    reply = _post(world, "dana", cool_off_seconds=90)
    path = f"/replies/{reply['id']}/send-now"
    world.clock.advance(seconds=10)
    sooner = world.call("POST", path, "dana")
    assert sooner.status_code == 200, sooner.text
    assert _at(sooner.json()["due_at"]) == T0 + timedelta(seconds=TEAM_MINIMUM)
    assert _taken(world) == []
    world.clock.set(T0 + timedelta(seconds=TEAM_MINIMUM))
    assert _taken(world) == [reply["id"]]

    later = _post(world, "dana", cool_off_seconds=90)  # posted at T0 + 60
    world.clock.advance(seconds=70)
    now = world.call("POST", f"/replies/{later['id']}/send-now", "dana")
    assert _at(now.json()["due_at"]) == world.clock()
    assert _taken(world) == [later["id"]]


def test_mark_reply_sending_refuses_a_cancelled_reply(world: World) -> None:
    _team_with_minimum(world)
    reply = _post(world, "dana")
    assert world.call("POST", f"/replies/{reply['id']}/cancel", "dana").status_code == 200
    with pytest.raises(Conflict) as refused, world.db.write() as session:
        mark_reply_sending(session, reply["id"], world.clock())
    assert refused.value.code == "reply_cancelled"


def test_cancel_racing_the_sender_has_exactly_one_winner(team_app: World) -> None:
    """Each round: a due reply, its author's cancel and the sender's claim started together
    from two threads. Either the cancel wins (never sent) or the sender does (cancel refused
    with `reply_left`), never both, never neither."""
    w = team_app
    w.user("dana")
    w.brand_account()
    dana = Principal(kind=USER_TOKEN, name="dana", user_id=w.ids["dana"], role=Role.REP)
    outcomes: list[str] = []
    for _round in range(12):
        reply = _post(w, "dana")
        w.clock.advance(seconds=20)  # the default minimum: due now
        start = threading.Barrier(2)
        cancel_result: list[str] = []
        taken: list[int] = []

        def cancel(
            reply_id: int = reply["id"],
            into: list[str] = cancel_result,
            start: threading.Barrier = start,
        ) -> None:
            start.wait()
            try:
                with w.db.write() as session:
                    cancel_reply(session, reply_id, by=dana, now=w.clock())
                into.append("cancelled")
            except Conflict as exc:
                into.append(exc.code)

        def send(into: list[int] = taken, start: threading.Barrier = start) -> None:
            start.wait()
            into.extend(_taken(w))

        threads = [threading.Thread(target=cancel), threading.Thread(target=send)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with w.db.read() as session:
            stored = session.get(Reply, reply["id"])
            assert stored is not None
            status = stored.status
        if cancel_result == ["cancelled"]:
            assert (taken, status) == ([], ReplyStatus.CANCELLED)
        else:
            assert cancel_result == ["reply_left"]
            assert (taken, status) == ([reply["id"]], ReplyStatus.SENDING)
        outcomes.append(cancel_result[0])
        # Nothing stays due for the next round.
        with w.db.write() as session:
            for row in session.query(Reply).filter(Reply.status == ReplyStatus.SENDING):
                row.status = ReplyStatus.SENT
    assert len(outcomes) == 12


def _stopped(w: World, reply_id: int) -> Reply:
    with w.db.read() as session:
        reply = session.get(Reply, reply_id)
        assert reply is not None
        return reply


def test_a_colleagues_resolve_while_held_stops_the_reply_for_its_author(world: World) -> None:
    """Invariant 3 while the server holds the reply: a manager resolves the mention during
    its cool-off; when it falls due it is `stopped`, not sent, with the sentence its author
    reads; sent again with force it goes out and the mention stays resolved."""
    _team_with_minimum(world)
    reply = _post(world, "dana")
    mention_id = reply["mention_id"]
    world.clock.advance(seconds=10)
    assert world.call("POST", f"/mentions/{mention_id}/resolve", "mia", {}).status_code == 200
    world.clock.advance(seconds=TEAM_MINIMUM)
    after = world.last_event_id()
    assert _taken(world) == []
    stopped = _stopped(world, reply["id"])
    assert stopped.status is ReplyStatus.STOPPED
    assert stopped.error is not None
    assert "mia resolved this mention while your reply waited" in stopped.error
    [event] = world.events("reply.updated", after=after)
    assert event.payload["reply"]["status"] == "stopped"
    assert _taken(world) == []  # never taken later either

    detail = world.call("GET", f"/mentions/{mention_id}", "dana").json()
    again = {
        "client_id": str(uuid.uuid4()),
        "body": "Sorry! Checking now.",
        "base_version": detail["version"],
        "force": True,
    }
    resent = world.call("POST", f"/mentions/{mention_id}/replies", "dana", again)
    assert resent.status_code == 202, resent.text
    world.clock.advance(seconds=TEAM_MINIMUM)
    assert _taken(world) == [resent.json()["id"]]
    assert world.call("GET", f"/mentions/{mention_id}", "dana").json()["status"] == "resolved"


def test_the_authors_own_resolve_while_held_lets_it_leave(world: World) -> None:
    _team_with_minimum(world)
    reply = _post(world, "dana")
    world.clock.advance(seconds=5)
    resolved = world.call("POST", f"/mentions/{reply['mention_id']}/resolve", "dana", {})
    assert resolved.status_code == 200, resolved.text
    world.clock.advance(seconds=TEAM_MINIMUM)
    assert _taken(world) == [reply["id"]]


def test_a_colleague_taking_the_mention_while_held_stops_the_reply(world: World) -> None:
    _team_with_minimum(world)
    bo = world.user("bo", teams=["support"])
    reply = _post(world, "dana")
    mention_id = reply["mention_id"]
    version = world.call("GET", f"/mentions/{mention_id}", "mia").json()["version"]
    assign = {"user_id": bo, "version": version}
    assert world.call("POST", f"/mentions/{mention_id}/assign", "mia", assign).status_code == 200
    world.clock.advance(seconds=TEAM_MINIMUM)
    assert _taken(world) == []
    stopped = _stopped(world, reply["id"])
    assert stopped.status is ReplyStatus.STOPPED
    assert "bo took this mention while your reply waited" in (stopped.error or "")


def test_deactivating_a_rep_cancels_the_replies_the_server_still_holds(team_app: World) -> None:
    """Nothing goes out in the name of someone who has left: dana's held reply is cancelled
    when she is deactivated, with the sentence colleagues read, and the sender never takes it."""
    w = team_app
    _team_with_minimum(w)
    reply = _post(w, "dana")
    before = w.last_event_id()
    response = w.call("PUT", f"/users/{w.ids['dana']}", json={"active": False})
    assert response.status_code == 200, response.text

    detail = w.call("GET", f"/mentions/{reply['mention_id']}", "mia").json()
    [cancelled] = detail["replies"]
    assert cancelled["status"] == "cancelled"
    assert cancelled["error"] == "dana was deactivated before this reply left; it was not sent."
    assert [e.payload["reply"]["status"] for e in w.events("reply.updated", after=before)] == [
        "cancelled"
    ]
    w.clock.advance(seconds=TEAM_MINIMUM + 1)
    assert _taken(w) == []
