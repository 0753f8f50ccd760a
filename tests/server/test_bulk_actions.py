"""Bulk actions (POST /mentions/bulk) on SQLite and PostgreSQL: each mention done by its single
call's rules and events, each on its own — a refused mention is left exactly as it was, and so
are the others; the whole request is refused only for what would refuse every mention."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.server.helpers import World
from tests.support.live_server import mention_json

_batch = itertools.count(1)


def _mentions(world: World, count: int, text: str = "Where is my parcel?") -> list[int]:
    batch = next(_batch)
    items = [mention_json(f"bulk-{batch}-{i}", f"{text} ({i})") for i in range(count)]
    response = world.call("POST", "/mentions", json=items)
    assert response.status_code == 200, response.text
    created = [int(i) for i in response.json()["created"]]
    assert len(created) == count
    return created


def _bulk(world: World, who: str, action: str, ids: list[int], **fields: Any) -> dict[str, Any]:
    response = world.call(
        "POST", "/mentions/bulk", who, {"action": action, "mention_ids": ids, **fields}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert [r["mention_id"] for r in body["results"]] == list(dict.fromkeys(ids))
    return body


def _state(world: World, mention_id: int) -> tuple[str, int | None, int]:
    body = world.call("GET", f"/mentions/{mention_id}").json()
    return body["status"], body["assignee_id"], body["version"]


def test_a_bulk_resolve_of_200_with_3_owned_by_others_reports_the_3_and_changes_none_of_theirs(
    team_app: World,
) -> None:
    w = team_app
    for name in ("ana", "dana", "ben"):
        w.user(name)
    ids = _mentions(w, 200)
    theirs = {ids[7]: "dana", ids[99]: "ben", ids[150]: "dana"}
    for mention_id, owner in theirs.items():
        assert w.call("POST", f"/mentions/{mention_id}/claim", owner, {"version": 1}).is_success
    mine = [i for i in ids if i not in theirs]
    claimed = _bulk(w, "ana", "claim", ids)
    assert claimed["succeeded"] == 197
    assert claimed["conflicted"] == 3
    assert {r["mention_id"] for r in claimed["results"] if not r["ok"]} == set(theirs)
    before = {i: _state(w, i) for i in theirs}
    versions = {str(r["mention_id"]): r["mention"]["version"] for r in claimed["results"]}
    after_claims = w.last_event_id()

    resolved = _bulk(w, "ana", "resolve", ids, versions=versions, follow_up_in_days=2)

    assert (resolved["succeeded"], resolved["conflicted"], resolved["failed"]) == (197, 3, 0)
    refused = {r["mention_id"]: r for r in resolved["results"] if not r["ok"]}
    assert set(refused) == set(theirs)
    for mention_id, owner in theirs.items():
        result = refused[mention_id]
        assert result["code"] == "forbidden"
        assert result["reason"] == "not_owner"
        assert result["current_owner"] == {"id": w.ids[owner], "name": owner}
        assert owner in result["message"]
        assert result["mention"]["status"] == "assigned"
        assert _state(w, mention_id) == before[mention_id], "a colleague's mention changed"
    for result in resolved["results"]:
        if result["ok"]:
            assert result["mention"]["status"] == "resolved"
            assert result["mention"]["follow_up_at"] is not None
    # As the single resolve: one mention.updated per resolved mention, none for theirs.
    events = w.events("mention.updated", after=after_claims)
    assert sorted(e.mention_id for e in events if e.mention_id is not None) == sorted(mine)
    assert {e.payload["action"] for e in events} == {"resolved"}
    assert w.call("GET", "/mentions", "ana", status="resolved", limit=500).json()["count"] == 197


def test_each_mention_is_its_own_compare_and_set(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("cy")
    a, b, c = _mentions(w, 3)
    # b moved on after ana saw it (cy claimed and released it): her version is stale.
    assert w.call("POST", f"/mentions/{b}/claim", "cy", {"version": 1}).is_success
    assert w.call("POST", f"/mentions/{b}/release", "cy").is_success
    body = _bulk(w, "ana", "claim", [a, b, c, a], versions={str(a): 1, str(b): 1, str(c): 1})
    assert (body["succeeded"], body["conflicted"], body["failed"]) == (2, 1, 0)
    stale = body["results"][1]
    assert (stale["ok"], stale["code"], stale["reason"]) == (False, "conflict", "claim_lost")
    assert stale["mention"]["version"] == 3
    assert _state(w, b) == ("new", None, 3)
    assert _state(w, a)[1] == w.ids["ana"]
    assert _state(w, c)[1] == w.ids["ana"]


def test_release_and_the_refusals_that_stop_the_whole_request(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("mia", role="manager", teams=["support"])
    w.user("ben")
    ids = _mentions(w, 4)
    _bulk(w, "ana", "claim", ids[:3])
    before = w.last_event_id()

    # A rep may not assign: refused whole, nothing done.
    refused = w.call(
        "POST", "/mentions/bulk", "ana", {"action": "assign", "mention_ids": ids, "user_id": 1}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "role"
    # A handoff to nobody, or to a team that is not there: refused whole.
    for target, status in (({}, 422), ({"to_team": "nobody here"}, 404)):
        response = w.call(
            "POST", "/mentions/bulk", "ana", {"action": "handoff", "mention_ids": ids, **target}
        )
        assert response.status_code == status, response.text
    assert w.events(after=before) == []

    released = _bulk(w, "ana", "release", ids)
    assert (released["succeeded"], released["conflicted"], released["failed"]) == (3, 0, 1)
    assert released["results"][3]["code"] == "forbidden"  # nobody's: claim it first
    assert all(_state(w, i)[:2] == ("new", None) for i in ids)

    # A manager assigns them all to ben, then hands them to the support team.
    assigned = _bulk(w, "mia", "assign", ids, user_id=w.ids["ben"])
    assert assigned["succeeded"] == 4
    assert all(_state(w, i)[1] == w.ids["ben"] for i in ids)
    handed = _bulk(w, "mia", "handoff", ids, to_team="support", note="Billing questions")
    assert handed["succeeded"] == 4, handed
    assert all(r["mention"]["status"] == "handoff" for r in handed["results"])
    open_handoffs = w.call("GET", "/handoffs", "mia", box="all").json()
    assert sorted(h["mention_id"] for h in open_handoffs["data"]) == sorted(ids)
    # Handed again while open: each refused as the single call refuses it.
    again = _bulk(w, "mia", "handoff", ids[:2], to_team="support")
    assert [r["reason"] for r in again["results"]] == ["handoff_open", "handoff_open"]


def test_an_unknown_mention_is_reported_and_the_others_done(team_app: World) -> None:
    w = team_app
    w.user("ana")
    (known,) = _mentions(w, 1)
    body = _bulk(w, "ana", "claim", [known, 2_000_000_000])
    assert (body["succeeded"], body["conflicted"], body["failed"]) == (1, 0, 1)
    missing = body["results"][1]
    assert (missing["code"], missing["mention"]) == ("not_found", None)


def test_bad_requests_are_422(world: World) -> None:
    world.user("ana")
    for body in (
        {"action": "claim", "mention_ids": []},
        {"action": "claim", "mention_ids": list(range(1, 502))},
        {"action": "sing", "mention_ids": [1]},
        {"action": "claim", "mention_ids": ["1"]},
        {"action": "claim", "mention_ids": [1], "versions": {"x": 1}},
        {"action": "resolve", "mention_ids": [1], "follow_up_in_days": 400},
        {"action": "claim", "mention_ids": [1], "surprise": True},
    ):
        response = world.call("POST", "/mentions/bulk", "ana", body)
        assert response.status_code == 422, (body, response.text)


def test_500_mentions_in_one_request_well_under_two_seconds(team_app: World) -> None:
    """The measured figures are in the README (bench/bench_bulk.py); this bound only catches a
    step that went quadratic or lost its batching."""
    w = team_app
    w.user("ana")
    ids = _mentions(w, 500)
    timings = {}
    for action in ("claim", "resolve"):
        started = time.perf_counter()
        body = _bulk(w, "ana", action, ids)
        timings[action] = time.perf_counter() - started
        assert body["succeeded"] == 500
    assert max(timings.values()) < 4.0, timings


def test_tags_are_added_to_each_as_the_single_call_adds_them(team_app: World) -> None:
    w = team_app
    w.user("ana")
    a, b = _mentions(w, 2)
    assert w.call("PUT", f"/mentions/{a}/tags", "ana", {"tags": ["refund"]}).is_success
    before = w.last_event_id()
    body = _bulk(w, "ana", "tag", [a, b], tags=["Billing", "refund"])
    assert body["succeeded"] == 2
    assert [r["mention"]["tags"] for r in body["results"]] == [
        ["refund", "billing"],
        ["billing", "refund"],
    ]
    events = w.events("mention.updated", after=before)
    assert [(e.mention_id, e.payload["action"]) for e in events] == [(a, "tagged"), (b, "tagged")]
    assert w.call("GET", "/mentions", "ana", tag="billing").json()["count"] == 2
    # Too many for one mention: that one is refused, as PUT refuses it; the other is tagged.
    many = [f"t{i}" for i in range(19)]
    assert w.call("PUT", f"/mentions/{a}/tags", "ana", {"tags": many}).is_success
    again = _bulk(w, "ana", "tag", [a, b], tags=["late", "parcel"])
    assert [(r["ok"], r["code"]) for r in again["results"]] == [(False, "invalid"), (True, None)]
    assert w.call("GET", f"/mentions/{a}", "ana").json()["tags"] == many
    refused = w.call("POST", "/mentions/bulk", "ana", {"action": "tag", "mention_ids": [a]})
    assert refused.status_code == 422
