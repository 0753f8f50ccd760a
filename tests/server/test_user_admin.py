"""Administering users through the API: revoking a user's tokens (an admin, or the user their
own), deactivating (their work handed back, they leave lists and coverage), changing a role,
and who may create teams when creating users (only an admin)."""

from __future__ import annotations

from pathlib import Path

from tests.server.helpers import World, make_world


def _team(w: World, name: str) -> dict[str, object]:
    team: dict[str, object] = next(
        t for t in w.call("GET", "/teams").json()["data"] if t["name"] == name
    )
    return team


def test_an_admin_revokes_every_token_of_a_user(team_app: World) -> None:
    w = team_app
    dana = w.user("dana")
    assert w.call("GET", "/me", "dana").status_code == 200
    revoked = w.call("DELETE", f"/users/{dana}/tokens")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == {"user_id": dana, "name": "dana", "revoked": 1}
    refused = w.call("GET", "/me", "dana")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    # Again: nothing left to revoke, and the user is still listed (revoking is not leaving).
    assert w.call("DELETE", f"/users/{dana}/tokens").json()["revoked"] == 0
    assert "dana" in [u["name"] for u in w.call("GET", "/users").json()["data"]]


def test_a_user_revokes_their_own_tokens_but_nobody_elses(team_app: World) -> None:
    w = team_app
    w.user("eve")
    frank = w.user("frank")
    w.user("gil", role="manager")
    for who in ("eve", "gil"):
        refused = w.call("DELETE", f"/users/{frank}/tokens", who)
        assert refused.status_code == 403, refused.text
        assert refused.json()["detail"] == "Only an admin can revoke someone else's tokens."
    assert w.call("GET", "/me", "frank").status_code == 200
    own = w.call("DELETE", f"/users/{frank}/tokens", "frank")
    assert own.status_code == 200, own.text
    assert w.call("GET", "/me", "frank").status_code == 401
    assert w.call("DELETE", "/users/99999/tokens").status_code == 404


def test_this_process_refuses_a_revoked_token_at_once_despite_its_token_cache(
    tmp_path: Path,
) -> None:
    """The token cache would trust the token for a minute; the revoking process forgets it."""
    for w in make_world(tmp_path, settings={"token_cache_seconds": 60}):
        hana = w.user("hana")
        assert w.call("GET", "/me", "hana").status_code == 200  # now cached
        assert w.call("DELETE", f"/users/{hana}/tokens").status_code == 200
        assert w.call("GET", "/me", "hana").status_code == 401


def test_deactivating_hands_back_their_work_and_removes_them(team_app: World) -> None:
    w = team_app
    ivy = w.user("ivy", teams=["billing"])
    w.user("jon")
    w.user("kim")
    w.duty("ivy", "on_duty")
    owned = w.claimed("ivy")
    sent = w.claimed("ivy")  # ivy hands it to kim: the handoff waits on kim
    assert w.call(
        "POST", "/handoffs", "ivy", {"mention_id": sent, "to_user_id": w.ids["kim"]}
    ).is_success
    waiting = w.claimed("jon")  # jon hands it to ivy: it waits on ivy
    to_ivy = w.call(
        "POST", "/handoffs", "jon", {"mention_id": waiting, "to_user_id": ivy, "note": "yours"}
    ).json()
    before = w.last_event_id()
    assert "ivy" in str(_team(w, "billing"))

    response = w.call("PUT", f"/users/{ivy}", json={"active": False})
    assert response.status_code == 200, response.text

    assert w.call("GET", "/me", "ivy").status_code == 401
    assert "ivy" not in [u["name"] for u in w.call("GET", "/users").json()["data"]]
    coverage = w.call("GET", "/coverage").json()
    assert "ivy" not in [u["name"] for u in coverage["on_duty"]]
    assert "ivy" not in str(_team(w, "billing"))
    for mention_id in (owned, sent):  # hers: back in the queue, unowned
        mention = w.call("GET", f"/mentions/{mention_id}", "jon").json()
        assert (mention["status"], mention["assignee_id"]) == ("new", None)
        summaries = [line["summary"] for line in mention["history"]]
        assert "admin released it: its owner was deactivated" in summaries
    handoffs = {
        h["id"]: h
        for h in w.call("GET", "/handoffs", "admin", box="all", status="all").json()["data"]
    }
    assert {h["status"] for h in handoffs.values()} == {"cancelled"}
    assert handoffs[to_ivy["id"]]["reason"] == (
        "ivy was deactivated; the mention went back to the sender."
    )
    back = w.call("GET", f"/mentions/{waiting}", "jon").json()
    assert (back["status"], back["assignee_id"]) == ("assigned", w.ids["jon"])
    types = [e.type for e in w.events(after=before)]
    assert types.count("duty.changed") == 1
    assert types.count("handoff.updated") == 2
    assert "coverage.gap" in types  # nobody is on duty any more
    # A deactivated user cannot be changed, nor come back (their name stays theirs).
    again = w.call("PUT", f"/users/{ivy}", json={"active": True})
    assert again.status_code == 422
    assert again.json()["detail"] == "ivy is deactivated; a deactivated user cannot be changed."
    assert w.call("PUT", f"/users/{ivy}", json={"active": False}).status_code == 200


def test_only_an_admin_changes_a_role_or_deactivates_and_never_themselves(team_app: World) -> None:
    w = team_app
    lou = w.user("lou")
    w.user("max", role="manager")
    refused = w.call("PUT", f"/users/{lou}", "max", {"active": False})
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only an admin can change a user's role or deactivate them."
    )
    admin_id = w.call("GET", "/me").json()["id"]
    own = w.call("PUT", f"/users/{admin_id}", json={"role": "rep"})
    assert own.status_code == 403
    assert "ask another admin" in own.json()["detail"]
    assert w.call("PUT", "/users/99999", json={"active": False}).status_code == 404
    assert w.call("PUT", f"/users/{lou}", json={"active": "no"}).status_code == 422

    assert w.call("GET", "/users", "lou").status_code == 403
    promoted = w.call("PUT", f"/users/{lou}", json={"role": "manager"})
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "manager"
    assert w.call("GET", "/users", "lou").status_code == 200  # the same token, the new role


def test_a_manager_creates_users_only_into_existing_teams(team_app: World) -> None:
    w = team_app
    w.user("nia", role="manager")
    w.user("ola", teams=["support"])  # the admin may create the team on the way
    unknown = w.call(
        "POST", "/users", "nia", {"name": "pat", "role": "rep", "teams": ["support", "nowhere"]}
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_team"
    assert unknown.json()["detail"] == (
        "There is no team named 'nowhere'; only an admin creates teams. Pick an existing team "
        "or ask an admin to create it."
    )
    names = [t["name"] for t in w.call("GET", "/teams").json()["data"]]
    assert "support" in names
    assert "nowhere" not in names
    users = [u["name"] for u in w.call("GET", "/users").json()["data"]]
    assert "pat" not in users  # nothing of the refused request was kept
    created = w.call("POST", "/users", "nia", {"name": "pat", "teams": ["support"]})
    assert created.status_code == 201, created.text
    assert created.json()["teams"] == ["support"]
