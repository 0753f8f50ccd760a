"""Notes and presence through the API, on SQLite and PostgreSQL: a note's @mentions (the
longest name wins, case-insensitive, active users only, not inside an e-mail address), its
`note.added` event and whom it notifies, the mention's detail and history, the "Mentions of me"
filter; presence states, their `presence.changed` events only on a change, their lapse 30 s
after the last refresh (injected clock) and the upkeep that deletes lapsed rows."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select

from app.models.note_tables import Presence
from tests.server.helpers import World, events_from_now
from tests.support.live_server import LiveServer, mention_json, start_live_server


def _people(w: World) -> None:
    w.user("Ana", teams=["support"])
    w.user("Ana Lopez", teams=["support"])
    w.user("ben", teams=["support"])
    w.user("dana", teams=["support"])


def _note(w: World, who: str, mention_id: int, body: str) -> dict[str, object]:
    response = w.call("POST", f"/mentions/{mention_id}/notes", who, {"body": body})
    assert response.status_code == 201, response.text
    note: dict[str, object] = response.json()
    return note


def test_a_note_names_exactly_the_people_it_mentions(team_app: World) -> None:
    w = team_app
    _people(w)
    mention_id = w.mention("@acme my order is late again")
    before = w.last_event_id()

    note = _note(w, "ben", mention_id, "@ana lopez can you check the refund? cc @BEN and @dana.")
    assert note["mentioned_user_ids"] == [w.ids["Ana Lopez"], w.ids["ben"], w.ids["dana"]]
    assert note["author"] == {"id": w.ids["ben"], "name": "ben"}
    assert note["mention_id"] == mention_id
    (event,) = w.events("note.added", after=before)
    assert event.mention_id == mention_id
    assert event.actor_id == w.ids["ben"]
    assert event.audience is None  # every console: notes are internal to the brand
    assert event.payload["note"]["id"] == note["id"]
    # The author is not notified of their own note; the others are, and nobody else.
    assert event.payload["notify"] == [w.ids["Ana Lopez"], w.ids["dana"]]

    short = _note(w, "dana", mention_id, "@Ana: thanks! Mail ana@example.com, not @anabel")
    assert short["mentioned_user_ids"] == [w.ids["Ana"]]
    plain = _note(w, "dana", mention_id, "Nobody named here.")
    assert plain["mentioned_user_ids"] == []

    detail = w.call("GET", f"/mentions/{mention_id}", "Ana").json()
    assert [n["id"] for n in detail["notes"]] == [note["id"], short["id"], plain["id"]]
    history = [e["summary"] for e in detail["history"]]
    assert "ben added a note: “@ana lopez can you check the refund? cc @BEN and @dana.”" in history
    assert "dana added a note: “Nobody named here.”" in history


def test_a_deactivated_user_is_not_named(team_app: World) -> None:
    w = team_app
    _people(w)
    gone = w.call("PUT", f"/users/{w.ids['dana']}", "admin", {"active": False})
    assert gone.status_code == 200, gone.text
    mention_id = w.mention()
    assert _note(w, "ben", mention_id, "@dana are you there?")["mentioned_user_ids"] == []


def test_mentions_of_me(team_app: World) -> None:
    w = team_app
    _people(w)
    first, second, third = w.mention("first"), w.mention("second"), w.mention("third")
    _note(w, "ben", first, "@dana look")
    _note(w, "ben", third, "@Dana and @ana")
    _note(w, "dana", second, "@ben yours")

    def ids(who: str) -> list[int]:
        response = w.call("GET", "/mentions", who, mentioned="me")
        assert response.status_code == 200, response.text
        assert response.json()["count"] == len(response.json()["data"])
        return [m["id"] for m in response.json()["data"]]

    assert ids("dana") == [third, first]  # newest first
    assert ids("ben") == [second]
    assert ids("Ana Lopez") == []
    assert w.call("GET", "/mentions", "dana", mentioned="you").status_code == 422


def test_notes_refuse_blank_long_and_unknown(team_app: World) -> None:
    w = team_app
    _people(w)
    mention_id = w.mention()
    for body in ("", "   ", "x" * 2001):
        response = w.call("POST", f"/mentions/{mention_id}/notes", "ben", {"body": body})
        assert response.status_code == 422, (body, response.text)
    assert w.call("POST", f"/mentions/{mention_id}/notes", "ben", {}).status_code == 422
    missing = w.call("POST", "/mentions/999999/notes", "ben", {"body": "hi"})
    assert missing.status_code == 404
    anonymous = w.client.post(f"/api/v1/mentions/{mention_id}/notes", json={"body": "x"})
    assert anonymous.status_code == 401
    assert _note(w, "ben", mention_id, "y" * 2000)["body"] == "y" * 2000


def test_presence_changes_are_told_refreshes_are_not(team_app: World) -> None:
    w = team_app
    _people(w)
    mention_id = w.mention()
    start = w.clock()
    before = w.last_event_id()

    def report(who: str, state: str, on: int = mention_id) -> dict[str, object]:
        response = w.call("POST", f"/mentions/{on}/presence", who, {"state": state})
        assert response.status_code == 200, response.text
        answer: dict[str, object] = response.json()
        return answer

    viewing = report("dana", "viewing")
    assert viewing["state"] == "viewing"
    assert viewing["user"] == {"id": w.ids["dana"], "name": "dana"}
    assert datetime.fromisoformat(str(viewing["expires_at"])) == start + timedelta(seconds=30)
    w.clock.advance(seconds=10)
    refreshed = report("dana", "viewing")
    assert datetime.fromisoformat(str(refreshed["expires_at"])) == start + timedelta(seconds=40)
    report("dana", "typing")
    report("ben", "viewing")
    changes = w.events("presence.changed", after=before)
    told = [(e.payload["user"]["name"], e.payload["state"]) for e in changes]
    assert told == [("dana", "viewing"), ("dana", "typing"), ("ben", "viewing")]
    assert all(e.mention_id is None and e.audience is None for e in changes)
    assert changes[0].payload["mention_id"] == mention_id

    live = w.call("GET", "/presence", "Ana").json()
    assert {(p["user"]["name"], p["state"]) for p in live["data"]} == {
        ("dana", "typing"),
        ("ben", "viewing"),
    }
    detail = w.call("GET", f"/mentions/{mention_id}", "Ana").json()
    assert {(p["user"]["name"], p["state"]) for p in detail["presence"]} == {
        ("dana", "typing"),
        ("ben", "viewing"),
    }
    history = [e["summary"] for e in detail["history"]]
    assert not any("view" in line or "typ" in line for line in history)

    # Ben leaves: told at once. Dana's typing lapses 30 s after her last refresh.
    left = report("ben", "left")
    assert left["state"] == "left"
    w.clock.advance(seconds=29)
    assert [p["user"]["name"] for p in w.call("GET", "/presence", "Ana").json()["data"]] == ["dana"]
    w.clock.advance(seconds=1)
    assert w.call("GET", "/presence", "Ana").json() == {"data": [], "count": 0}
    assert w.call("GET", f"/mentions/{mention_id}", "Ana").json()["presence"] == []
    assert w.run_jobs()["presence_lapsed"] == [mention_id]
    with w.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Presence)) == 0
    assert w.run_jobs()["presence_lapsed"] == []

    # Reported again after the lapse: a change, told again; leaving twice is told once.
    after_lapse = w.last_event_id()
    report("dana", "typing")
    report("dana", "left")
    report("dana", "left")
    told = [
        (e.payload["user"]["name"], e.payload["state"])
        for e in w.events("presence.changed", after=after_lapse)
    ]
    assert told == [("dana", "typing"), ("dana", "left")]
    assert (w.clock() - start).total_seconds() == 40


def test_presence_refuses_unknown_states_and_mentions(team_app: World) -> None:
    w = team_app
    _people(w)
    mention_id = w.mention()
    for body in ({"state": "sleeping"}, {}, {"state": "viewing", "extra": 1}):
        response = w.call("POST", f"/mentions/{mention_id}/presence", "ben", body)
        assert response.status_code == 422, response.text
    missing = w.call("POST", "/mentions/999999/presence", "ben", {"state": "viewing"})
    assert missing.status_code == 404
    assert w.client.get("/api/v1/presence").status_code == 401


def test_a_retried_note_is_added_once(team_app: World) -> None:
    w = team_app
    _people(w)
    mention_id, other = w.mention(), w.mention()
    before = w.last_event_id()
    request = {"body": "@dana see the refund", "client_id": str(uuid.uuid4())}
    first = w.call("POST", f"/mentions/{mention_id}/notes", "ben", request)
    again = w.call("POST", f"/mentions/{mention_id}/notes", "ben", request)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert first.json()["client_id"] == request["client_id"]
    assert len(w.events("note.added", after=before)) == 1
    assert len(w.call("GET", f"/mentions/{mention_id}", "ben").json()["notes"]) == 1
    # Another author may happen on the same id; the same author on another mention may not.
    assert w.call("POST", f"/mentions/{mention_id}/notes", "dana", request).status_code == 201
    moved = w.call("POST", f"/mentions/{other}/notes", "ben", request)
    assert moved.status_code == 409, moved.text


def test_two_server_processes_share_presence(
    postgres_live_server: LiveServer, postgres_url: str, tmp_path: Path
) -> None:
    """Presence is rows, not a process's memory: a state reported to one server process is
    listed by another on the same database, and the other's event stream tells it."""
    first = postgres_live_server
    dana_id, dana_token = first.create_user("pp-dana")
    _, ben_token = first.create_user("pp-ben")
    [mention_id] = first.ingest([mention_json("pp-1", "Two processes, one presence")])
    with start_live_server(tmp_path / "second", database_url=postgres_url) as second:
        with events_from_now(second, ben_token) as events:
            answer = httpx.post(
                f"{first.base_url}/api/v1/mentions/{mention_id}/presence",
                json={"state": "typing"},
                headers=first.headers(dana_token),
                timeout=10,
            )
            assert answer.status_code == 200, answer.text
            told = events.wait(lambda e: e.type == "presence.changed")
        assert told.data["payload"]["user"] == {"id": dana_id, "name": "pp-dana"}
        assert told.data["payload"]["state"] == "typing"
        listed = second.get("/api/v1/presence", ben_token)
        assert [(p["mention_id"], p["user"]["name"], p["state"]) for p in listed["data"]] == [
            (mention_id, "pp-dana", "typing")
        ]
