"""A handoff's note and decline reason are for its parties (sender, recipient person or members
of the recipient team) and managers: reading it by id, the mention's detail and its history;
and coverage-gap lines of a mention's history are for managers. (The event stream's part,
live and replayed with Last-Event-ID: tests/server/test_access_streams.py.)"""

from __future__ import annotations

from typing import Any

from tests.server.helpers import World

NOTE = "Customer is the CEO's cousin; be gentle."
URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"


def _detail(w: World, who: str, mention_id: int) -> dict[str, Any]:
    response = w.call("GET", f"/mentions/{mention_id}", who)
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


def _summaries(w: World, who: str, mention_id: int) -> list[str]:
    return [line["summary"] for line in _detail(w, who, mention_id)["history"]]


def test_a_handoff_note_and_reason_reach_only_its_parties_and_managers(team_app: World) -> None:
    w = team_app
    for name in ("ana", "ben", "cy"):
        w.user(name)
    w.user("mo", role="manager")
    mention_id = w.claimed("ana")
    created = w.call(
        "POST",
        "/handoffs",
        "ana",
        {"mention_id": mention_id, "to_user_id": w.ids["ben"], "note": NOTE},
    )
    assert created.status_code == 201, created.text
    handoff_id = created.json()["id"]

    for who in ("ana", "ben", "mo", "admin"):
        read = w.call("GET", f"/handoffs/{handoff_id}", who)
        assert read.status_code == 200, (who, read.text)
        assert read.json()["note"] == NOTE
        assert _detail(w, who, mention_id)["handoffs"][0]["note"] == NOTE
        assert f"ana handed it off to ben: {NOTE}" in _summaries(w, who, mention_id)
    refused = w.call("GET", f"/handoffs/{handoff_id}", "cy")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only the sender, the recipient (or the recipient team) and managers can read this handoff."
    )
    outsider = _detail(w, "cy", mention_id)
    assert outsider["handoffs"][0]["note"] == ""  # that there is a handoff is no secret
    assert outsider["handoffs"][0]["to_user"]["name"] == "ben"
    assert "ana handed it off to ben" in _summaries(w, "cy", mention_id)
    assert NOTE not in str(outsider)
    assert w.call("GET", "/handoffs", "cy", mention_id=mention_id).json()["count"] == 0

    declined = w.call("POST", f"/handoffs/{handoff_id}/decline", "ben", {"reason": "not billing"})
    assert declined.status_code == 200, declined.text
    assert "ben declined the handoff: not billing" in _summaries(w, "ana", mention_id)
    assert "ben declined the handoff" in _summaries(w, "cy", mention_id)
    outsider = _detail(w, "cy", mention_id)
    assert outsider["handoffs"][0]["reason"] is None
    assert "not billing" not in str(outsider)


def test_a_team_handoff_is_readable_by_the_teams_members(team_app: World) -> None:
    w = team_app
    w.user("sam")
    w.user("dee", teams=["legal"])
    w.user("out", teams=["billing"])
    mention_id = w.claimed("sam")
    body = {"mention_id": mention_id, "to_team": "legal", "note": NOTE}
    handoff_id = w.call("POST", "/handoffs", "sam", body).json()["id"]
    assert w.call("GET", f"/handoffs/{handoff_id}", "dee").json()["note"] == NOTE
    assert _detail(w, "dee", mention_id)["handoffs"][0]["note"] == NOTE
    assert w.call("GET", f"/handoffs/{handoff_id}", "out").status_code == 403
    assert _detail(w, "out", mention_id)["handoffs"][0]["note"] == ""


def test_coverage_gap_lines_of_a_history_are_for_managers(team_app: World) -> None:
    w = team_app
    w.user("rae")
    w.user("boss", role="manager")
    mention_id = w.mention(URGENT)  # nobody is on duty: a gap, told in the mention's history
    gap_reasons = [str(e.payload["reason"]) for e in w.events("coverage.gap")]
    assert len(gap_reasons) == 1
    assert gap_reasons[0] in _summaries(w, "boss", mention_id)
    rep_view = _summaries(w, "rae", mention_id)
    assert gap_reasons[0] not in rep_view
    assert rep_view  # the rest of the history is still there
