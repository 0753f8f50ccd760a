"""Teams (seeded, editable by admins, settings by managers) and follow-ups (check-backs due,
mine or everyone's for managers, marked done by the owner)."""

from __future__ import annotations

from tests.server.helpers import World

SEEDED = {"support", "billing", "communications", "product", "legal", "stores"}


def test_teams_are_seeded_and_admins_edit_them(team_app: World) -> None:
    w = team_app
    w.user("ana", teams=["support"])
    w.user("boss", role="manager")
    teams = w.call("GET", "/teams", "ana").json()
    assert {t["name"] for t in teams["data"]} >= SEEDED
    support = next(t for t in teams["data"] if t["name"] == "support")
    assert support["members"] == [{"id": w.ids["ana"], "name": "ana"}]
    assert support["escalate_after_minutes"] == 15
    assert support["time_zone"] == "UTC"

    assert w.call("POST", "/teams", "boss", {"name": "returns"}).status_code == 403
    created = w.call("POST", "/teams", "admin", {"name": "returns", "time_zone": "Europe/Paris"})
    assert created.status_code == 201, created.text
    team_id = created.json()["id"]
    assert w.call("POST", "/teams", "admin", {"name": "returns"}).status_code == 409
    assert (
        w.call("POST", "/teams", "admin", {"name": "x", "time_zone": "Nowhere/Land"}).status_code
        == 422
    )

    # Membership: admins only; the user's own record shows the team.
    assert (
        w.call("PUT", f"/teams/{team_id}/members", "boss", {"user_ids": [w.ids["ana"]]}).status_code
        == 403
    )
    put = w.call(
        "PUT", f"/teams/{team_id}/members", "admin", {"user_ids": [w.ids["ana"], w.ids["boss"]]}
    )
    assert put.status_code == 200
    assert [m["name"] for m in put.json()["members"]] == ["ana", "boss"]
    assert w.call("GET", "/me", "ana").json()["teams"] == ["returns", "support"]
    # Consoles reload the roster on duty.changed: each changed person's record is announced.
    announced = [e.payload for e in w.events("duty.changed") if e.payload.get("reason")]
    assert {(p["user"]["name"], tuple(p["user"]["teams"])) for p in announced} == {
        ("ana", ("returns", "support")),
        ("boss", ("returns",)),
    }
    assert (
        w.call("PUT", f"/teams/{team_id}/members", "admin", {"user_ids": [999_999]}).status_code
        == 404
    )
    removed = w.call("DELETE", f"/teams/{team_id}/members/{w.ids['boss']}", "admin")
    assert [m["name"] for m in removed.json()["members"]] == ["ana"]
    assert w.call("DELETE", f"/teams/{team_id}/members/{w.ids['boss']}", "admin").status_code == 404
    added = w.call("POST", f"/teams/{team_id}/members/{w.ids['boss']}", "admin")
    assert [m["name"] for m in added.json()["members"]] == ["ana", "boss"]

    # Managers set escalation and zone, only admins rename.
    assert w.call("PATCH", f"/teams/{team_id}", "boss", {"name": "refunds"}).status_code == 403
    assert (
        w.call("PATCH", f"/teams/{team_id}", "boss", {"escalate_after_minutes": 5}).status_code
        == 200
    )
    assert (
        w.call("PATCH", f"/teams/{team_id}", "boss", {"escalate_after_minutes": 0}).status_code
        == 422
    )
    renamed = w.call("PATCH", f"/teams/{team_id}", "admin", {"name": "refunds"})
    assert renamed.json()["name"] == "refunds"
    assert renamed.json()["escalate_after_minutes"] == 5
    assert w.call("PATCH", f"/teams/{team_id}", "admin", {"name": "support"}).status_code == 409
    assert w.call("GET", "/teams/999999", "ana").status_code == 404


def test_followups_due_for_me_and_for_managers(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    w.user("boss", role="manager")
    soon = w.claimed("ana")
    later = w.claimed("ben")
    assert (
        w.call("POST", f"/mentions/{soon}/resolve", "ana", {"follow_up_in_days": 1}).status_code
        == 200
    )
    assert (
        w.call("POST", f"/mentions/{later}/resolve", "ben", {"follow_up_in_days": 3}).status_code
        == 200
    )
    assert w.call("GET", "/followups", "ana").json()["count"] == 0
    upcoming = w.call("GET", "/followups", "ana", when="upcoming").json()
    assert [f["mention"]["id"] for f in upcoming["data"]] == [soon]

    w.clock.advance(days=1)
    raised = w.run_jobs()["followups"]
    assert raised == [soon]
    mine = w.call("GET", "/followups", "ana").json()
    assert [f["mention"]["id"] for f in mine["data"]] == [soon]
    assert mine["data"][0]["due"] is True
    assert mine["data"][0]["owner"]["name"] == "ana"
    assert w.call("GET", "/followups", "ben").json()["count"] == 0
    assert w.call("GET", "/followups", "ana", scope="all").status_code == 403
    assert w.call("GET", "/followups", "ana", when="someday").status_code == 422
    everyone = w.call("GET", "/followups", "boss", scope="all", when="any").json()
    assert [f["mention"]["id"] for f in everyone["data"]] == [soon, later]

    assert w.call("POST", f"/followups/{soon}/done", "ben").status_code == 403
    done = w.call("POST", f"/followups/{soon}/done", "ana")
    assert done.status_code == 200
    assert done.json()["follow_up_at"] is None
    assert w.call("GET", "/followups", "ana").json()["count"] == 0
    assert w.call("POST", f"/followups/{soon}/done", "ana").status_code == 409
    assert w.call("POST", "/followups/999999/done", "ana").status_code == 404
