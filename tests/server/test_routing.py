"""Routing (DESIGN.md part 2): a team's rules decide which team a new mention belongs to; its
mode hands it to a member on duty below capacity — in turn or to whoever holds the fewest —
inside the ingest transaction; over capacity it waits and is handed out as capacity frees;
whoever goes off duty gives their unanswered mentions back (handoffs stay); nobody away or
off duty is given one. On SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from typing import Any

from tests.server.helpers import World
from tests.support.live_server import mention_json

_ids = itertools.count(1)


def _team(w: World, name: str) -> int:
    return next(t["id"] for t in w.call("GET", "/teams").json()["data"] if t["name"] == name)


def _route(w: World, team: str, **routing: Any) -> dict[str, Any]:
    response = w.call("PUT", f"/teams/{_team(w, team)}/routing", "boss", routing)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _post(w: World, *texts: str, **fields: Any) -> list[int]:
    items = [{**mention_json(f"route-{next(_ids)}", text), **fields} for text in texts]
    response = w.call("POST", "/mentions", json=items)
    assert response.status_code == 200, response.text
    return [int(i) for i in response.json()["created"]]


def _mention(w: World, mention_id: int) -> dict[str, Any]:
    return dict(w.call("GET", f"/mentions/{mention_id}", "boss").json())


def _owner(w: World, mention_id: int) -> str | None:
    assignee = _mention(w, mention_id)["assignee"]
    return str(assignee["name"]) if assignee else None


def _handed_out(w: World, mention_id: int) -> dict[str, Any]:
    """The mention once the server's waiting router (app/server/routing_watch.py) has handed
    it out: each of its runs is awaited, none is slept for."""
    router = w.client.app.state.waiting_router
    for _ in range(20):
        runs = router.runs
        mention = _mention(w, mention_id)
        if mention["assignee"] is not None:
            return mention
        assert router.wait_for_runs(runs + 1, timeout=10), "the waiting router did not run"
    raise AssertionError(f"mention {mention_id} was not handed out")


def _people(w: World) -> None:
    w.user("boss", role="manager")
    for name in ("ana", "ben", "cy", "dan"):
        w.user(name, teams=["billing"])
    w.duty("ana", "on_duty")
    w.duty("ben", "on_duty")
    w.duty("cy", "away")  # dan stays off duty


def test_routing_is_read_by_anyone_and_changed_by_managers(team_app: World) -> None:
    w = team_app
    _people(w)
    billing = _team(w, "billing")
    fresh = w.call("GET", f"/teams/{billing}/routing", "ana").json()
    assert fresh["saved"] is False
    assert fresh["mode"] == "manual"
    assert fresh["capacity"] == 10
    refused = w.call("PUT", f"/teams/{billing}/routing", "ana", {"mode": "round_robin"})
    assert refused.status_code == 403
    saved = _route(w, "billing", mode="balanced", capacity=3, keywords=["refund", " refund "])
    assert saved["saved"] is True
    assert saved["keywords"] == ["refund"]
    assert saved["updated_by"]["name"] == "boss"
    # A field left out keeps its value.
    assert _route(w, "billing", capacity=4)["mode"] == "balanced"
    for bad in (
        {"capacity": 0},
        {"mode": "lottery"},
        {"networks": ["myspace"]},
        {"priorities": ["huge"]},
        {"keywords": [""]},
        {"colour": "red"},
    ):
        response = w.call("PUT", f"/teams/{billing}/routing", "boss", bad)
        assert response.status_code == 422, (bad, response.text)
    assert w.call("GET", "/teams/999999/routing", "ana").status_code == 404
    assert w.call("PUT", "/teams/999999/routing", "boss", {"capacity": 2}).status_code == 404


def test_round_robin_hands_out_in_turn_to_people_on_duty_and_waits_over_capacity(
    team_app: World,
) -> None:
    w = team_app
    _people(w)
    _route(w, "billing", mode="round_robin", capacity=2, keywords=["refund"])
    after = w.last_event_id()
    ids = _post(
        w,
        "I want a refund for order 1",
        "Refund please, it broke",
        "Still waiting on my refund",
        "Where is my refunded money",
        "refund refund refund",
        "Love the new colours!",
    )
    owners = [_owner(w, i) for i in ids]
    # Two each for the two on duty; cy (away) and dan (off duty) get none.
    assert sorted(o for o in owners if o) == ["ana", "ana", "ben", "ben"]
    waiting = [i for i, o in zip(ids[:5], owners[:5], strict=True) if o is None]
    assert len(waiting) == 1
    waits = _mention(w, waiting[0])
    assert waits["status"] == "new"
    assert waits["team_id"] == _team(w, "billing")
    assert "waiting: everyone on duty holds 2 open" in waits["routed_reason"]
    given = _mention(w, next(i for i, o in zip(ids, owners, strict=True) if o == "ana"))
    assert given["routed_reason"].startswith("billing (keyword “refund")
    assert given["routed_reason"].endswith("· round robin")
    assert given["version"] == 1
    assert given["status"] == "assigned"
    # Not billing's: no team, nobody's.
    assert owners[5] is None
    assert _mention(w, ids[5])["team_id"] is None
    # The events told everyone who has each at once: one mention.created each, no update.
    created = {
        e.payload["mention"]["id"]: e.payload["mention"]
        for e in w.events("mention.created", after=after)
    }
    assert {created[i]["assignee"]["name"] for i in ids if _owner(w, i)} == {"ana", "ben"}
    assert not w.events("mention.updated", after=after)

    # Ana answers one (resolves it): her room goes to the mention that waited.
    mine = next(i for i in ids if _owner(w, i) == "ana")
    version = _mention(w, mine)["version"]
    assert (
        w.call("POST", f"/mentions/{mine}/resolve", "ana", {"version": version}).status_code == 200
    )
    # Handed out as the change reaches the event log: no upkeep round needed.
    taken = _handed_out(w, waiting[0])
    assert taken["assignee"]["name"] == "ana"
    assert taken["version"] == 2
    assert taken["routed_reason"].endswith("· round robin")


def test_balanced_gives_the_next_one_to_whoever_holds_the_fewest(team_app: World) -> None:
    w = team_app
    _people(w)
    w.claimed("ana")
    w.claimed("ana")
    _route(w, "billing", mode="balanced", capacity=5)  # no rules: any mention
    ids = _post(w, "one", "two", "three", "four")
    assert sorted(str(_owner(w, i)) for i in ids) == ["ana", "ben", "ben", "ben"]
    assert all(_mention(w, i)["routed_reason"].endswith("· fewest open") for i in ids)


def test_nobody_on_duty_means_waiting_and_coming_on_duty_takes_what_waits(
    team_app: World,
) -> None:
    w = team_app
    _people(w)
    w.duty("ana", "off_duty")
    w.duty("ben", "away")
    _route(w, "billing", mode="round_robin", capacity=3)
    ids = _post(w, "a", "b")
    assert [_owner(w, i) for i in ids] == [None, None]
    assert "nobody of the team is on duty" in _mention(w, ids[0])["routed_reason"]
    w.duty("dan", "on_duty")  # at once, in the duty change's own transaction
    assert [_owner(w, i) for i in ids] == ["dan", "dan"]


def test_going_off_duty_gives_unanswered_mentions_back_and_handoffs_stay(
    team_app: World,
) -> None:
    w = team_app
    _people(w)
    _route(w, "billing", mode="round_robin", capacity=10)
    w.duty("ben", "off_duty")
    ids = _post(w, "first", "second", "third")
    assert {_owner(w, i) for i in ids} == {"ana"}
    # One she also claimed herself (routing's reason gives way to hers).
    claimed = w.call("POST", f"/mentions/{ids[1]}/claim", "ana", {"version": 1})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["routed_reason"] is None
    # One of them handed to a colleague (pending): it stays with its handoff.
    handed = w.call(
        "POST",
        "/handoffs",
        "ana",
        {"mention_id": ids[2], "to_user_id": w.ids["boss"], "note": "legal?"},
    )
    assert handed.status_code in (200, 201), handed.text
    w.duty("ben", "on_duty")
    w.duty("ana", "off_duty")
    assert [_owner(w, i) for i in ids[:2]] == ["ben", "ben"]
    assert _mention(w, ids[1])["routed_reason"] == "billing · round robin"
    back = _mention(w, ids[0])
    assert "back from ana (off duty)" not in back["routed_reason"]  # handed on at once
    assert back["routed_reason"].endswith("· round robin")
    assert _mention(w, ids[2])["status"] == "handoff"
    actions = [e.payload["action"] for e in w.events("mention.updated") if e.mention_id == ids[0]]
    assert actions[-2:] == ["returned", "routed"]
    history = [h["summary"] for h in _mention(w, ids[0])["history"]]
    assert history[-2:] == [
        "Given back to its team: its owner went off duty",
        "Routing gave it to ben",
    ]


def test_the_most_particular_team_takes_a_mention(team_app: World) -> None:
    w = team_app
    w.user("boss", role="manager")
    w.user("de_rep", teams=["support"])
    w.user("bs_rep", teams=["stores"])
    w.user("any_rep", teams=["product"])
    for name in ("de_rep", "bs_rep", "any_rep"):
        w.duty(name, "on_duty")
    _route(w, "support", mode="round_robin", languages=["de"])
    _route(w, "stores", mode="round_robin", languages=["de"], networks=["bluesky"])
    _route(w, "product", mode="round_robin")  # any mention no other team took
    german_mastodon = _post(w, "Meine Bestellung ist nicht angekommen", language="de")[0]
    german_read = _post(w, "Ich habe die Rechnung nicht bekommen und bin sauer")[0]
    german_bluesky = _post(
        w,
        "Die Lieferung fehlt",
        language="de-AT",
        network="bluesky",
        external_id="at://did:plc:routing/app.bsky.feed.post/3kroute",
    )[0]
    english = _post(w, "My parcel is late")[0]
    assert _owner(w, german_mastodon) == "de_rep"
    assert _owner(w, german_read) == "de_rep"  # no language given: read from the text
    assert _mention(w, german_read)["routed_reason"].startswith("support (language de)")
    assert _owner(w, german_bluesky) == "bs_rep"
    assert _owner(w, english) == "any_rep"
    assert _mention(w, english)["routed_reason"] == "product · round robin"


def test_a_claim_clears_why_routing_gave_it_and_manual_teams_only_sort(
    team_app: World,
) -> None:
    w = team_app
    _people(w)
    _route(w, "billing", mode="manual", keywords=["invoice"])
    mention_id = _post(w, "Wrong invoice again")[0]
    sorted_only = _mention(w, mention_id)
    assert sorted_only["assignee"] is None
    assert sorted_only["team_id"] == _team(w, "billing")
    assert sorted_only["routed_reason"] == "billing (keyword “invoice”)"
    claimed = w.call("POST", f"/mentions/{mention_id}/claim", "ben", {"version": 1})
    assert claimed.status_code == 200
    assert claimed.json()["routed_reason"] is None
    assigned = w.call(
        "POST",
        f"/mentions/{mention_id}/assign",
        "boss",
        {"user_id": w.ids["ana"], "version": claimed.json()["version"]},
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["routed_reason"] == "assigned by boss"
