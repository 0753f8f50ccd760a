"""Handoffs through the API: to a person and to a team, accept (the acceptor owns it), decline
with a reason (back to the sender), the boxes with waiting times, the mention's history, and
escalation to the team's on-duty manager with an injected clock."""

from __future__ import annotations

from tests.server.helpers import World


def _handoff(world: World, sender: str, mention_id: int, **target: object) -> dict[str, object]:
    body = {
        "mention_id": mention_id,
        "note": "Customer asks about a refund; said we'd check.",
        **target,
    }
    response = world.call("POST", "/handoffs", sender, body)
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def test_handoff_to_a_person_accepted(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    w.user("cy")
    mention_id = w.claimed("ana")
    before = w.last_event_id()
    handoff = _handoff(w, "ana", mention_id, to_user_id=w.ids["ben"])
    assert handoff["status"] == "pending"
    assert handoff["from_user"] == {"id": w.ids["ana"], "name": "ana"}
    assert handoff["to_user"] == {"id": w.ids["ben"], "name": "ben"}

    # Both events in the one transaction, in order, naming the mention.
    written = w.events(after=before)
    assert [e.type for e in written] == ["mention.updated", "handoff.updated"]
    assert all(e.mention_id == mention_id for e in written)
    assert written[0].payload["mention"]["status"] == "handoff"
    assert written[0].payload["mention"]["version"] == 3
    assert written[1].payload["handoff"]["id"] == handoff["id"]

    # While the handoff is open the sender holds the mention: a colleague's claim loses.
    lost = w.call("POST", f"/mentions/{mention_id}/claim", "cy", {"version": 3})
    assert lost.status_code == 409
    assert lost.json()["current_owner"]["name"] == "ana"

    w.clock.advance(minutes=3)
    inbox = w.call("GET", "/handoffs", "ben", box="to_me").json()
    assert [h["id"] for h in inbox["data"]] == [handoff["id"]]
    assert inbox["data"][0]["waiting_seconds"] == 180
    outbox = w.call("GET", "/handoffs", "ana", box="from_me").json()
    assert [h["id"] for h in outbox["data"]] == [handoff["id"]]
    assert w.call("GET", "/handoffs", "cy").json()["count"] == 0

    accepted = w.call("POST", f"/handoffs/{handoff['id']}/accept", "ben")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_by"]["name"] == "ben"
    mention = w.call("GET", f"/mentions/{mention_id}", "ben").json()
    assert mention["status"] == "assigned"
    assert mention["assignee_id"] == w.ids["ben"]
    assert mention["version"] == 4
    assert [h["status"] for h in mention["handoffs"]] == ["accepted"]
    summaries = [entry["summary"] for entry in mention["history"]]
    # History in sentences, once each (the mention's own change goes with the handoff's)
    assert summaries[-2:] == [
        "ana handed it off to ben: Customer asks about a refund; said we'd check.",
        "ben accepted the handoff",
    ]
    # Answered: it leaves the open boxes, and a second answer is refused.
    assert w.call("GET", "/handoffs", "ben", box="to_me").json()["count"] == 0
    again = w.call("POST", f"/handoffs/{handoff['id']}/decline", "ben", {"reason": "oops"})
    assert again.status_code == 409
    assert again.json()["code"] == "handoff_answered"


def test_handoff_to_a_team_accepted_by_someone_on_duty(team_app: World) -> None:
    w = team_app
    w.user("sam")
    w.user("bill-on", teams=["billing"])
    w.user("bill-off", teams=["billing"])
    w.user("outsider", teams=["support"])
    w.duty("bill-on", "on_duty")
    mention_id = w.claimed("sam")
    handoff = _handoff(w, "sam", mention_id, to_team="billing")
    assert handoff["to_team"] == "billing"
    assert handoff["to_user"] is None

    box = w.call("GET", "/handoffs", "bill-off", box="to_my_teams").json()
    assert [h["id"] for h in box["data"]] == [handoff["id"]]
    off = w.call("POST", f"/handoffs/{handoff['id']}/accept", "bill-off")
    assert off.status_code == 403
    assert off.json()["code"] == "not_on_duty"
    stranger = w.call("POST", f"/handoffs/{handoff['id']}/accept", "outsider")
    assert stranger.status_code == 403
    assert stranger.json()["code"] == "not_recipient"

    accepted = w.call("POST", f"/handoffs/{handoff['id']}/accept", "bill-on")
    assert accepted.status_code == 200, accepted.text
    mention = w.call("GET", f"/mentions/{mention_id}", "sam").json()
    assert mention["assignee_id"] == w.ids["bill-on"]
    assert mention["status"] == "assigned"


def test_decline_needs_a_reason_and_returns_the_mention_to_the_sender(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    mention_id = w.claimed("ana")
    handoff = _handoff(w, "ana", mention_id, to_user_id=w.ids["ben"])
    path = f"/handoffs/{handoff['id']}/decline"

    missing = w.call("POST", path, "ben", {})
    assert missing.status_code == 422
    assert "reason" in missing.json()["detail"]
    blank = w.call("POST", path, "ben", {"reason": "   "})
    assert blank.status_code == 422
    assert w.call("POST", path, "ana", {"reason": "I changed my mind"}).status_code == 403

    declined = w.call("POST", path, "ben", {"reason": "Billing owns refunds, not me."})
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    assert declined.json()["reason"] == "Billing owns refunds, not me."
    mention = w.call("GET", f"/mentions/{mention_id}", "ana").json()
    assert mention["status"] == "assigned"
    assert mention["assignee_id"] == w.ids["ana"]
    events = w.events("mention.updated", "handoff.updated")
    assert events[-2].payload["action"] == "handoff_declined"
    assert events[-1].payload["handoff"]["status"] == "declined"
    # The history reads as sentences; the arrival names no person (an admin's call to the
    # ingest endpoint brought it, nobody did it)
    history = mention["history"]
    assert [h["summary"] for h in history] == [
        "Arrived from Mastodon",
        "ana claimed it",
        "ana handed it off to ben: Customer asks about a refund; said we'd check.",
        "ben declined the handoff: Billing owns refunds, not me.",
    ]
    assert history[0]["actor"] is None
    assert history[1]["actor"]["name"] == "ana"
    # The sender may hand it on again.
    _handoff(w, "ana", mention_id, to_team="billing")


def test_bad_handoff_requests_get_clear_4xx(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    mine = w.claimed("ana")
    bens = w.claimed("ben")

    def create(who: str, **body: object) -> tuple[int, dict[str, object]]:
        response = w.call("POST", "/handoffs", who, body)
        return response.status_code, response.json()

    assert create("ana", mention_id=999_999, to_user_id=w.ids["ben"])[0] == 404
    assert create("ana", mention_id=mine, to_user_id=999_999)[0] == 404
    status, body = create("ana", mention_id=mine, to_team="no-such-team")
    assert status == 404
    assert "no-such-team" in str(body["detail"])
    assert create("ana", mention_id=mine)[0] == 422
    assert create("ana", mention_id=mine, to_user_id=w.ids["ben"], to_team="billing")[0] == 422
    assert create("ana", mention_id=mine, to_user_id=w.ids["ana"])[0] == 422
    assert create("ana", mention_id=mine, to_user_id="ben")[0] == 422
    assert create("ana", mention_id=mine, to_user_id=w.ids["ben"], colour="red")[0] == 422
    status, body = create("ana", mention_id=bens, to_team="billing")
    assert status == 403
    assert body["code"] == "not_owner"

    resolved = w.claimed("ana")
    assert w.call("POST", f"/mentions/{resolved}/resolve", "ana", {}).status_code == 200
    status, body = create("ana", mention_id=resolved, to_team="billing")
    assert status == 409
    assert body["code"] == "mention_resolved"

    _handoff(w, "ana", mine, to_team="billing")
    status, body = create("ana", mention_id=mine, to_user_id=w.ids["ben"])
    assert status == 409
    assert body["code"] == "handoff_open"

    assert w.call("POST", "/handoffs/999999/accept", "ben").status_code == 404
    assert w.call("POST", "/handoffs/999999/decline", "ben", {"reason": "x"}).status_code == 404
    assert w.call("GET", "/handoffs", "ana", box="sideways").status_code == 422
    assert w.call("GET", "/handoffs", "ana", status="lost").status_code == 422
    assert w.call("GET", "/handoffs", "ana", box="all").status_code == 403
    assert w.call("GET", "/handoffs", "admin", box="all").status_code == 200


def test_stale_handoff_is_refused_when_the_mention_moved_on(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    w.user("boss", role="manager")
    mention_id = w.claimed("ana")
    handoff = _handoff(w, "ana", mention_id, to_user_id=w.ids["ben"])
    moved = w.call("POST", f"/mentions/{mention_id}/assign", "boss", {"user_id": w.ids["boss"]})
    assert moved.status_code == 200
    stale = w.call("POST", f"/handoffs/{handoff['id']}/accept", "ben")
    assert stale.status_code == 409
    assert stale.json()["code"] == "handoff_stale"
    assert stale.json()["current_owner"]["name"] == "boss"
    # The next jobs round closes it instead of escalating it later.
    w.clock.advance(minutes=1)
    before = w.last_event_id()
    assert w.run_jobs()["escalated"] == []
    [mention_event, closed] = w.events("mention.updated", "handoff.updated", after=before)
    assert closed.payload["handoff"]["status"] == "cancelled"
    assert mention_event.payload["mention"]["status"] == "assigned"
    assert mention_event.payload["mention"]["assignee_id"] == w.ids["boss"]
    assert w.call("GET", "/handoffs", "ben", box="to_me").json()["count"] == 0
    w.clock.advance(minutes=30)
    assert w.run_jobs()["escalated"] == []
    # A handoff left open by a mention that moved on never blocks a new one.
    other = w.claimed("ana")
    left_open = _handoff(w, "ana", other, to_user_id=w.ids["ben"])
    released = w.call("POST", f"/mentions/{other}/release", "boss", {})
    assert released.status_code == 200
    version = released.json()["version"]
    assert (
        w.call("POST", f"/mentions/{other}/claim", "ana", {"version": version}).status_code == 200
    )
    _handoff(w, "ana", other, to_team="billing")
    first = w.call("GET", f"/handoffs/{left_open['id']}", "ana").json()
    assert first["status"] == "cancelled"


def test_unanswered_handoff_escalates_to_the_teams_on_duty_manager(team_app: World) -> None:
    w = team_app
    w.user("sam")
    w.user("lee", teams=["legal"])
    w.user("lena", role="manager", teams=["legal"])
    w.user("other-boss", role="manager", teams=["support"])
    w.duty("lena", "on_duty")
    w.duty("other-boss", "on_duty")
    legal = next(t for t in w.call("GET", "/teams", "sam").json()["data"] if t["name"] == "legal")
    assert (
        w.call("PATCH", f"/teams/{legal['id']}", "sam", {"escalate_after_minutes": 10}).status_code
        == 403
    )
    patched = w.call("PATCH", f"/teams/{legal['id']}", "lena", {"escalate_after_minutes": 10})
    assert patched.status_code == 200
    assert patched.json()["escalate_after_minutes"] == 10

    mention_id = w.claimed("sam")
    handoff = _handoff(w, "sam", mention_id, to_team="legal")
    w.clock.advance(minutes=9, seconds=59)
    assert w.run_jobs()["escalated"] == []
    w.clock.advance(seconds=1)
    before = w.last_event_id()
    assert w.run_jobs()["escalated"] == [handoff["id"]]
    assert w.run_jobs()["escalated"] == []  # once

    written = w.events("handoff.updated", "coverage.gap", after=before)
    assert len(written) == 1
    escalated = written[0].payload["handoff"]
    assert escalated["status"] == "escalated"
    assert escalated["escalated_to"] == {"id": w.ids["lena"], "name": "lena"}
    assert escalated["waiting_seconds"] == 600
    assert written[0].mention_id == mention_id
    history = w.call("GET", f"/mentions/{mention_id}", "sam").json()["history"]
    assert "The handoff to the legal team waited too long and went to lena" in [
        entry["summary"] for entry in history
    ]
    box = w.call("GET", "/handoffs", "lena", box="to_me").json()
    assert [h["id"] for h in box["data"]] == [handoff["id"]]
    accepted = w.call("POST", f"/handoffs/{handoff['id']}/accept", "lena")
    assert accepted.status_code == 200, accepted.text
    assert w.call("GET", f"/mentions/{mention_id}", "sam").json()["assignee_id"] == w.ids["lena"]


def test_escalation_with_no_manager_on_duty_raises_one_coverage_gap(team_app: World) -> None:
    w = team_app
    w.user("sam")
    w.user("lena", role="manager", teams=["legal"])
    w.user("rep-on", teams=["legal"])
    w.duty("rep-on", "on_duty")  # someone is on, but no manager
    first = _handoff(w, "sam", w.claimed("sam"), to_team="legal")
    second = _handoff(w, "sam", w.claimed("sam"), to_user_id=w.ids["rep-on"])
    before = w.last_event_id()
    w.clock.advance(minutes=15)  # the default escalation time
    assert w.run_jobs()["escalated"] == [first["id"], second["id"]]
    gaps = w.events("coverage.gap", after=before)
    assert len(gaps) == 1, "one gap, however many handoffs escalate into it"
    assert gaps[0].audience == "manager"
    assert gaps[0].payload["scope"] == "managers"
    assert gaps[0].payload["handoff_id"] == first["id"]
    handoffs = w.call("GET", "/handoffs", "admin", box="all").json()["data"]
    assert {h["status"] for h in handoffs} == {"escalated"}
    assert all(h["escalated_to"] is None for h in handoffs)

    # A manager comes on duty: the gap closes; the next escalation without one is a new gap.
    w.duty("lena", "on_duty")
    w.duty("lena", "off_duty")
    third = _handoff(w, "sam", w.claimed("sam"), to_team="legal")
    w.clock.advance(minutes=15)
    mark = w.last_event_id()
    assert w.run_jobs()["escalated"] == [third["id"]]
    assert len(w.events("coverage.gap", after=mark)) == 1
