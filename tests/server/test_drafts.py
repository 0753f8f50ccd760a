"""Drafts synced per mention and per user: revisions move on, a stale save keeps both copies
and reports them, resolving keeps the rep's choice, other users never see someone's draft."""

from __future__ import annotations

from typing import Any

from tests.server.helpers import World


def _put(
    world: World, who: str, mention_id: int, body: str, base: int, **extra: object
) -> dict[str, Any]:
    response = world.call(
        "PUT",
        f"/mentions/{mention_id}/draft",
        who,
        {"body": body, "base_revision": base, "device": extra.pop("device", "desk-1"), **extra},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_save_and_read_back_moves_the_revision(world: World) -> None:
    world.user("dana")
    mention_id = world.claimed("dana")
    assert world.call("GET", f"/mentions/{mention_id}/draft", "dana").status_code == 404
    first = _put(world, "dana", mention_id, "Hi, so sorry", 0)
    assert (first["revision"], first["saved"], first["conflict"]) == (1, True, None)
    second = _put(world, "dana", mention_id, "Hi, so sorry about the wait", 1)
    assert second["revision"] == 2
    assert second["saved"]
    read = world.call("GET", f"/mentions/{mention_id}/draft", "dana").json()
    assert read["body"] == "Hi, so sorry about the wait"
    assert read["revision"] == 2


def test_two_workstations_conflict_keeps_both_and_reports(world: World) -> None:
    world.user("dana")
    mention_id = world.claimed("dana")
    _put(world, "dana", mention_id, "Start", 0, device="laptop")
    _put(world, "dana", mention_id, "Start, typed on the laptop", 1, device="laptop")
    # the desktop last synced at revision 1 and typed offline meanwhile
    stale = _put(world, "dana", mention_id, "Start, typed on the desktop", 1, device="desktop")
    assert stale["saved"] is False
    assert stale["body"] == "Start, typed on the laptop"
    assert stale["revision"] == 2
    assert stale["conflict"]["body"] == "Start, typed on the desktop"
    assert stale["conflict"]["device"] == "desktop"
    # a normal save at the current revision keeps the conflict for the rep to see
    kept = _put(world, "dana", mention_id, "Start, typed on the laptop.", 2, device="laptop")
    assert kept["saved"]
    assert kept["conflict"]["body"] == "Start, typed on the desktop"
    # the rep chooses: both copies are replaced by the choice
    chosen = _put(world, "dana", mention_id, "Merged text", 3, resolves_conflict=True)
    assert chosen["conflict"] is None
    assert chosen["body"] == "Merged text"
    assert chosen["revision"] == 4


def test_the_same_text_twice_is_not_a_conflict(world: World) -> None:
    world.user("dana")
    mention_id = world.claimed("dana")
    _put(world, "dana", mention_id, "Same", 0)
    again = _put(world, "dana", mention_id, "Same", 0)
    assert again["saved"]
    assert again["conflict"] is None
    assert again["revision"] == 1


def test_drafts_are_per_user_and_survive_reassignment(world: World) -> None:
    world.user("dana")
    world.user("eli")
    world.user("mia", role="manager")
    mention_id = world.claimed("dana")
    _put(world, "dana", mention_id, "Dana's words", 0)
    assert world.call("GET", f"/mentions/{mention_id}/draft", "eli").status_code == 404
    assigned = world.call(
        "POST", f"/mentions/{mention_id}/assign", "mia", {"user_id": world.ids["eli"]}
    )
    assert assigned.status_code == 200, assigned.text
    assert world.call("GET", f"/mentions/{mention_id}/draft", "dana").json()["body"] == (
        "Dana's words"
    )
    assert world.call("DELETE", f"/mentions/{mention_id}/draft", "dana").status_code == 204
    assert world.call("GET", f"/mentions/{mention_id}/draft", "dana").status_code == 404


def test_bad_draft_input_is_a_clear_4xx(world: World) -> None:
    world.user("dana")
    mention_id = world.claimed("dana")
    unknown = world.call("PUT", "/mentions/999999/draft", "dana", {"body": "x", "base_revision": 0})
    assert unknown.status_code == 404
    assert "999999" in unknown.json()["detail"]
    negative = world.call(
        "PUT", f"/mentions/{mention_id}/draft", "dana", {"body": "x", "base_revision": -1}
    )
    assert negative.status_code == 422
    huge = world.call(
        "PUT", f"/mentions/{mention_id}/draft", "dana", {"body": "x" * 10_001, "base_revision": 0}
    )
    assert huge.status_code in (413, 422)
    no_token = world.client.put(f"/api/v1/mentions/{mention_id}/draft", json={})
    assert no_token.status_code == 401
