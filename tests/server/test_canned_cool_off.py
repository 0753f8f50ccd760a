"""Canned replies and the playbook per role and team (managers edit, reps read what is meant
for them), and the per-team cool-off managers set."""

from __future__ import annotations

from typing import Any

from tests.server.helpers import World


def _create(world: World, **body: object) -> dict[str, Any]:
    response = world.call("POST", "/canned", "mia", body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_reps_see_entries_for_their_role_and_team_managers_see_all(world: World) -> None:
    world.user("mia", role="manager")
    world.user("dana", teams=["support"])
    world.user("bo", teams=["billing"])
    everyone = _create(world, title="Sorry", body="We're sorry about this.", shortcut="1")
    billing = _create(
        world,
        kind="playbook",
        title="Refund up to 20",
        body="I can refund up to 20 EUR.",
        team="billing",
    )
    managers = _create(world, title="Escalate", body="I've escalated this.", role="manager")
    dana = world.call("GET", "/canned", "dana").json()
    assert [e["id"] for e in dana["data"]] == [everyone["id"]]
    bo = world.call("GET", "/canned", "bo").json()
    assert {e["id"] for e in bo["data"]} == {everyone["id"], billing["id"]}
    playbook = world.call("GET", "/canned", "bo", kind="playbook").json()
    assert [e["title"] for e in playbook["data"]] == ["Refund up to 20"]
    assert playbook["data"][0]["team"] == "billing"
    mia = world.call("GET", "/canned", "mia").json()
    assert {e["id"] for e in mia["data"]} == {everyone["id"], billing["id"], managers["id"]}


def test_only_managers_edit_and_edits_show(world: World) -> None:
    world.user("mia", role="manager")
    world.user("dana")
    entry = _create(world, title="Sorry", body="We're sorry.")
    refused = world.call("POST", "/canned", "dana", {"title": "x", "body": "y"})
    assert refused.status_code == 403
    assert world.call("PATCH", f"/canned/{entry['id']}", "dana", {"body": "z"}).status_code == 403
    changed = world.call("PATCH", f"/canned/{entry['id']}", "mia", {"body": "We're so sorry."})
    assert changed.status_code == 200
    assert changed.json()["body"] == "We're so sorry."
    assert world.call("GET", "/canned", "dana").json()["data"][0]["body"] == "We're so sorry."
    assert world.call("DELETE", f"/canned/{entry['id']}", "dana").status_code == 403
    assert world.call("DELETE", f"/canned/{entry['id']}", "mia").status_code == 204
    assert world.call("GET", "/canned", "dana").json()["count"] == 0
    missing = world.call("PATCH", f"/canned/{entry['id']}", "mia", {"body": "again"})
    assert missing.status_code == 404


def test_canned_bad_input(world: World) -> None:
    world.user("mia", role="manager")
    assert world.call("POST", "/canned", "mia", {"title": "", "body": "x"}).status_code == 422
    unknown_team = world.call("POST", "/canned", "mia", {"title": "t", "body": "b", "team": "nope"})
    assert unknown_team.status_code == 422
    assert "nope" in unknown_team.json()["detail"]
    bad_kind = world.call("POST", "/canned", "mia", {"title": "t", "body": "b", "kind": "spell"})
    assert bad_kind.status_code == 422


def test_cool_off_defaults_team_setting_and_longest_wins(world: World) -> None:
    world.user("mia", role="manager")
    world.user("dana", teams=["support"])
    world.user("bo", teams=["support", "billing"])
    world.user("zed")
    teams = {t["name"]: t["id"] for t in world.call("GET", "/teams", "dana").json()["data"]}
    assert world.call("GET", "/cool-off", "dana").json()["seconds"] == 20
    assert world.call("GET", "/cool-off", "dana").json()["heated_seconds"] == 60
    body = {"seconds": 10, "heated_seconds": 45}
    assert world.call("PUT", f"/teams/{teams['support']}/cool-off", "dana", body).status_code == 403
    set_ = world.call("PUT", f"/teams/{teams['support']}/cool-off", "mia", body)
    assert set_.status_code == 200
    assert set_.json()["seconds"] == 10
    assert world.call("GET", f"/teams/{teams['support']}/cool-off", "dana").json()["seconds"] == 10
    mine = world.call("GET", "/cool-off", "dana").json()
    assert (mine["seconds"], mine["heated_seconds"]) == (10, 45)
    # bo is also in billing, which keeps the defaults: the longer wins
    both = world.call("GET", "/cool-off", "bo").json()
    assert (both["seconds"], both["heated_seconds"]) == (20, 60)
    assert world.call("GET", "/cool-off", "zed").json()["seconds"] == 20


def test_cool_off_bad_input(world: World) -> None:
    world.user("mia", role="manager")
    team_id = world.call("GET", "/teams", "mia").json()["data"][0]["id"]
    shorter = world.call(
        "PUT", f"/teams/{team_id}/cool-off", "mia", {"seconds": 30, "heated_seconds": 10}
    )
    assert shorter.status_code == 422
    assert "shorter" in shorter.json()["detail"]
    negative = world.call(
        "PUT", f"/teams/{team_id}/cool-off", "mia", {"seconds": -1, "heated_seconds": 10}
    )
    assert negative.status_code == 422
    missing = world.call("PUT", "/teams/9999/cool-off", "mia", {"seconds": 1, "heated_seconds": 10})
    assert missing.status_code == 404


def test_every_change_writes_an_event_consoles_reload_on(world: World) -> None:
    """Adding, editing and deleting a canned reply or a playbook entry, and setting a team's
    cool-off, each write one event in the change's transaction; the event names the entry,
    not its text (it may be meant for another role or team)."""
    world.user("mia", role="manager")
    start = world.last_event_id()
    entry = _create(world, title="Sorry", body="We're sorry.", team="billing")
    playbook = _create(world, kind="playbook", title="Refund", body="I can refund 20 EUR.")
    assert world.call("PATCH", f"/canned/{entry['id']}", "mia", {"body": "So sorry."}).is_success
    assert world.call("DELETE", f"/canned/{playbook['id']}", "mia").status_code == 204
    team_id = world.call("GET", "/teams").json()["data"][0]["id"]
    setting = {"seconds": 30, "heated_seconds": 90}
    assert world.call("PUT", f"/teams/{team_id}/cool-off", "mia", setting).is_success

    events = world.events("canned.changed", "cool_off.changed", after=start)

    assert [(e.type, e.payload.get("action")) for e in events] == [
        ("canned.changed", "created"),
        ("canned.changed", "created"),
        ("canned.changed", "updated"),
        ("canned.changed", "deleted"),
        ("cool_off.changed", None),
    ]
    assert [e.payload["canned"] for e in events[:4]] == [
        {"id": entry["id"], "kind": "canned"},
        {"id": playbook["id"], "kind": "playbook"},
        {"id": entry["id"], "kind": "canned"},
        {"id": playbook["id"], "kind": "playbook"},
    ]
    assert all(e.actor_id == world.ids["mia"] for e in events)
    assert all(e.audience is None for e in events)  # every console reloads what it may see
    cool_off = events[-1].payload["cool_off"]
    assert (cool_off["team_id"], cool_off["seconds"], cool_off["heated_seconds"]) == (
        team_id,
        30,
        90,
    )
    # A refused change writes nothing.
    bad = {"seconds": 90, "heated_seconds": 30}
    assert world.call("PUT", f"/teams/{team_id}/cool-off", "mia", bad).status_code == 422
    assert world.events("cool_off.changed", after=events[-1].id) == []
