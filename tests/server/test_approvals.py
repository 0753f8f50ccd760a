"""Approvals through the API, on SQLite and PostgreSQL: with a team's `approval_required` on,
a rep's reply that promises beyond their authority is refused (403 `needs_approval`) until a
manager approves that very body (as written, or edited); a denial says why; asking again
withdraws the earlier request; who may ask, answer and read; the events' audience (the rep
who asked and managers); the mention's history says who approved what; a request left waiting
escalates like a handoff (injected clock)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from app.server.event_log import managers_and
from tests.server.helpers import World
from tests.support.live_server import mention_json

_ids = itertools.count(1)
PROMISE = "So sorry about this. We will refund your order in full today."
PLAIN = "So sorry about this. Could you DM us your order number so we can look into it?"
REASON = "Parcel lost twice; the customer has waited three weeks."


def _team(w: World, *, required: bool = True) -> dict[str, int]:
    """mia (manager) and dana, cy (reps) in `support`, which requires approval; bo (rep) in
    `billing`, which does not; a brand account to reply from."""
    w.user("mia", role="manager", teams=["support"])
    w.user("dana", teams=["support"])
    w.user("cy", teams=["support"])
    w.user("bo", teams=["billing"])
    teams = {t["name"]: int(t["id"]) for t in w.call("GET", "/teams", "mia").json()["data"]}
    body = {"seconds": 0, "heated_seconds": 0, "approval_required": required}
    response = w.call("PUT", f"/teams/{teams['support']}/cool-off", "mia", body)
    assert response.status_code == 200, response.text
    assert response.json()["approval_required"] is required
    w.brand_account()
    return teams


def _claimed(w: World, who: str) -> tuple[int, int]:
    body = mention_json(f"approval-{next(_ids)}", "@acme my parcel never came, third time!")
    created = w.call("POST", "/mentions", json=[body])
    mention_id = int(created.json()["created"][0])
    claimed = w.call("POST", f"/mentions/{mention_id}/claim", who, {"version": 1})
    assert claimed.status_code == 200, claimed.text
    return mention_id, int(claimed.json()["version"])


def _reply(w: World, who: str, mention_id: int, version: int, body: str, **extra: Any) -> Any:
    request = {"client_id": str(uuid.uuid4()), "body": body, "base_version": version, **extra}
    return w.call("POST", f"/mentions/{mention_id}/replies", who, request)


def _ask(w: World, who: str, mention_id: int, body: str = PROMISE) -> dict[str, Any]:
    response = w.call(
        "POST", "/approvals", who, {"mention_id": mention_id, "body": body, "reason": REASON}
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _history(w: World, mention_id: int, who: str) -> list[str]:
    detail = w.call("GET", f"/mentions/{mention_id}", who).json()
    return [entry["summary"] for entry in detail["history"]]


def test_a_promise_waits_for_a_managers_approval_of_that_body(team_app: World) -> None:
    w = team_app
    _team(w)
    assert w.call("GET", "/cool-off", "dana").json()["approval_required"] is True
    assert w.call("GET", "/cool-off", "bo").json()["approval_required"] is False
    mention_id, version = _claimed(w, "dana")

    refused = _reply(w, "dana", mention_id, version, PROMISE)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "needs_approval"
    assert "refund" in refused.json()["detail"]
    # Nothing beyond authority: no approval needed, even in the same team.
    plain_id, plain_version = _claimed(w, "dana")
    assert _reply(w, "dana", plain_id, plain_version, PLAIN).status_code == 202
    # A team without the rule, and a manager, reply as before.
    bo_id, bo_version = _claimed(w, "bo")
    assert _reply(w, "bo", bo_id, bo_version, PROMISE).status_code == 202
    mia_id, mia_version = _claimed(w, "mia")
    assert _reply(w, "mia", mia_id, mia_version, PROMISE).status_code == 202

    before = w.last_event_id()
    asked = _ask(w, "dana", mention_id)
    assert asked["state"] == "pending"
    assert asked["requested_by"] == {"id": w.ids["dana"], "name": "dana"}
    assert asked["beyond_authority"] == ["refund"]
    assert asked["customer"]
    assert "parcel never came" in asked["mention_excerpt"]
    [event] = w.events("approval.updated", after=before)
    assert event.mention_id == mention_id
    assert event.audience == managers_and(w.ids["dana"])  # the rep who asked and managers
    assert event.payload["approval"]["id"] == asked["id"]

    still = _reply(w, "dana", mention_id, version, PROMISE, approval_id=asked["id"])
    assert still.status_code == 403
    assert still.json()["code"] == "needs_approval"
    assert "waits" in still.json()["detail"]
    path = f"/approvals/{asked['id']}"
    assert w.call("POST", f"{path}/approve", "dana").json()["code"] == "role"
    assert w.call("POST", f"{path}/approve", "cy").status_code == 403

    approved = w.call("POST", f"{path}/approve", "mia")
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert approved.json()["approved_body"] == PROMISE
    assert approved.json()["edited"] is False
    assert approved.json()["decided_by"] == {"id": w.ids["mia"], "name": "mia"}
    again = w.call("POST", f"{path}/deny", "admin", {"reason": "no"})
    assert again.status_code == 409
    assert again.json()["code"] == "approval_answered"
    assert "mia" in again.json()["detail"]

    other_text = _reply(w, "dana", mention_id, version, PROMISE + " And a voucher.")
    assert other_text.status_code == 403
    changed = _reply(
        w, "dana", mention_id, version, PROMISE + " And a voucher.", approval_id=asked["id"]
    )
    assert changed.status_code == 403
    assert "differs" in changed.json()["detail"]
    # Another rep cannot use dana's approval, nor dana on another mention.
    cy_id, cy_version = _claimed(w, "cy")
    assert _reply(w, "cy", cy_id, cy_version, PROMISE, approval_id=asked["id"]).status_code == 403
    other_id, other_version = _claimed(w, "dana")
    elsewhere = _reply(w, "dana", other_id, other_version, PROMISE, approval_id=asked["id"])
    assert elsewhere.status_code == 403
    assert "another mention" in elsewhere.json()["detail"]

    sent = _reply(w, "dana", mention_id, version, PROMISE, approval_id=asked["id"])
    assert sent.status_code == 202, sent.text
    history = _history(w, mention_id, "dana")
    assert f"dana asked a manager to approve a reply: {REASON}" in history
    assert "mia approved dana's reply" in history


def test_edit_and_approve_or_deny_with_a_reason(team_app: World) -> None:
    w = team_app
    _team(w)
    mention_id, version = _claimed(w, "dana")
    asked = _ask(w, "dana", mention_id)
    edited_body = "So sorry about this. We will send you a replacement parcel today."
    approve = f"/approvals/{asked['id']}/approve"
    assert w.call("POST", approve, "mia", {"body": "   "}).status_code == 422
    assert w.call("POST", approve, "mia", {"body": edited_body, "x": 1}).status_code == 422
    approved = w.call("POST", approve, "mia", {"body": edited_body})
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_body"] == edited_body
    assert approved.json()["body"] == PROMISE  # what the rep asked stays on record
    assert approved.json()["edited"] is True
    # The edited text is the one that may go; the rep's own promise may not.
    refused = _reply(w, "dana", mention_id, version, PROMISE, approval_id=asked["id"])
    assert refused.status_code == 403
    assert _reply(w, "dana", mention_id, version, edited_body, approval_id=asked["id"]).is_success
    assert f"mia edited and approved dana's reply: {edited_body}" in _history(w, mention_id, "dana")

    second_id, second_version = _claimed(w, "dana")
    denied_request = _ask(w, "dana", second_id)
    deny = f"/approvals/{denied_request['id']}/deny"
    assert w.call("POST", deny, "mia", {}).status_code == 422
    assert w.call("POST", deny, "mia", {"reason": "  "}).status_code == 422
    assert w.call("POST", deny, "dana", {"reason": "mine"}).status_code == 403
    denied = w.call("POST", deny, "mia", {"reason": "Offer a replacement, not a refund."})
    assert denied.status_code == 200, denied.text
    assert denied.json()["state"] == "denied"
    assert denied.json()["decision_reason"] == "Offer a replacement, not a refund."
    late = _reply(w, "dana", second_id, second_version, PROMISE, approval_id=denied_request["id"])
    assert late.status_code == 403
    assert late.json()["code"] == "needs_approval"
    assert "denied by mia: Offer a replacement, not a refund." in late.json()["detail"]
    assert "mia denied dana's reply: Offer a replacement, not a refund." in _history(
        w, second_id, "dana"
    )
    assert w.call("POST", approve.replace(str(asked["id"]), "999999"), "mia").status_code == 404


def test_who_asks_who_reads_and_asking_again(team_app: World) -> None:
    w = team_app
    _team(w)
    mention_id, _ = _claimed(w, "dana")
    body = {"mention_id": mention_id, "body": PROMISE, "reason": REASON}
    not_owner = w.call("POST", "/approvals", "cy", body)
    assert not_owner.status_code == 403
    assert not_owner.json()["code"] == "not_owner"
    assert w.call("POST", "/approvals", "dana", {**body, "mention_id": 10**12}).status_code == 404
    assert w.call("POST", "/approvals", "dana", {**body, "reason": ""}).status_code == 422
    assert w.call("POST", "/approvals", "dana", {**body, "reason": "   "}).status_code == 422
    assert w.call("POST", "/approvals", "dana", {**body, "body": ""}).status_code == 422
    assert w.call("POST", "/approvals", "dana", {**body, "mention_id": "1"}).status_code == 422
    assert w.call("POST", "/approvals", "dana", {**body, "extra": True}).status_code == 422

    first = _ask(w, "dana", mention_id)
    second = _ask(w, "dana", mention_id, PROMISE + " Truly.")
    withdrawn = w.call("GET", f"/approvals/{first['id']}", "dana").json()
    assert withdrawn["state"] == "withdrawn"
    late = w.call("POST", f"/approvals/{first['id']}/approve", "mia")
    assert late.status_code == 409
    assert late.json()["code"] == "approval_withdrawn"

    assert [a["id"] for a in w.call("GET", "/approvals", "dana").json()["data"]] == [
        first["id"],
        second["id"],
    ]
    pending = w.call("GET", "/approvals", "mia", state="pending").json()
    assert [a["id"] for a in pending["data"]] == [second["id"]]
    assert w.call("GET", "/approvals", "cy").json() == {"data": [], "count": 0}
    assert w.call("GET", f"/approvals/{second['id']}", "cy").status_code == 404
    assert w.call("GET", "/approvals", "mia", state="maybe").status_code == 422
    by_mention = w.call("GET", "/approvals", "mia", mention_id=mention_id).json()
    assert by_mention["count"] == 2

    # The reason is for the rep who asked and managers; colleagues read that someone asked.
    assert f"dana asked a manager to approve a reply: {REASON}" in _history(w, mention_id, "mia")
    assert "dana asked a manager to approve a reply" in _history(w, mention_id, "cy")
    assert all(REASON not in line for line in _history(w, mention_id, "cy"))


def test_editing_a_held_reply_into_a_promise_needs_its_approval(team_app: World) -> None:
    w = team_app
    teams = _team(w)
    slow = {"seconds": 120, "heated_seconds": 120, "approval_required": True}
    assert w.call("PUT", f"/teams/{teams['support']}/cool-off", "mia", slow).is_success
    # Leaving `approval_required` out keeps it as it was.
    kept = {"seconds": 120, "heated_seconds": 120}
    assert w.call("PUT", f"/teams/{teams['support']}/cool-off", "mia", kept).json()[
        "approval_required"
    ]
    mention_id, version = _claimed(w, "dana")
    held = _reply(w, "dana", mention_id, version, PLAIN)
    assert held.status_code == 202
    reply_path = f"/replies/{held.json()['id']}"
    refused = w.call("PUT", reply_path, "dana", {"body": PROMISE})
    assert refused.status_code == 403
    assert refused.json()["code"] == "needs_approval"
    asked = _ask(w, "dana", mention_id)
    assert w.call("POST", f"/approvals/{asked['id']}/approve", "mia").is_success
    edited = w.call("PUT", reply_path, "dana", {"body": PROMISE, "approval_id": asked["id"]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == PROMISE


def test_a_rep_in_several_teams_needs_approval_if_any_team_requires_it(world: World) -> None:
    w = world
    teams = _team(w)
    w.user("eve", teams=["billing", "support"])
    assert w.call("GET", "/cool-off", "eve").json()["approval_required"] is True
    off = {"seconds": 0, "heated_seconds": 0, "approval_required": False}
    assert w.call("PUT", f"/teams/{teams['support']}/cool-off", "mia", off).is_success
    assert w.call("GET", "/cool-off", "eve").json()["approval_required"] is False
    mention_id, version = _claimed(w, "eve")
    assert _reply(w, "eve", mention_id, version, PROMISE).status_code == 202


def test_a_waiting_request_escalates_like_a_handoff(team_app: World) -> None:
    w = team_app
    teams = _team(w)
    w.user("lena", role="manager", teams=["support"])
    w.duty("lena", "on_duty")
    settings = w.call(
        "PATCH", f"/teams/{teams['support']}", "admin", {"escalate_after_minutes": 10}
    )
    assert settings.status_code == 200, settings.text
    mention_id, _ = _claimed(w, "dana")
    asked = _ask(w, "dana", mention_id)
    w.clock.advance(minutes=9)
    assert w.run_jobs()["approvals_escalated"] == []
    before = w.last_event_id()
    w.clock.advance(minutes=1)
    assert w.run_jobs()["approvals_escalated"] == [asked["id"]]
    [event] = w.events("approval.updated", after=before)
    escalated = event.payload["approval"]
    assert escalated["state"] == "pending"  # any manager may still answer
    assert escalated["escalated_to"] == {"id": w.ids["lena"], "name": "lena"}
    assert escalated["waiting_seconds"] == 600
    assert event.audience == managers_and(w.ids["dana"])
    assert w.run_jobs()["approvals_escalated"] == []  # once
    assert "dana's request for approval waited too long and went to lena" in _history(
        w, mention_id, "dana"
    )
    assert w.call("POST", f"/approvals/{asked['id']}/approve", "mia").is_success

    # Nobody to escalate to: managers hear of a coverage gap, once.
    w.duty("lena", "off_duty")
    second_id, _ = _claimed(w, "dana")
    third_id, _ = _claimed(w, "cy")
    second = _ask(w, "dana", second_id)
    third = _ask(w, "cy", third_id)
    mark = w.last_event_id()
    w.clock.advance(minutes=10)
    assert w.run_jobs()["approvals_escalated"] == [second["id"], third["id"]]
    gaps = w.events("coverage.gap", after=mark)
    assert len(gaps) == 1
    assert gaps[0].payload["scope"] == "managers"
    assert gaps[0].payload["approval_id"] == second["id"]
    assert "no manager is on duty" in gaps[0].payload["reason"]
