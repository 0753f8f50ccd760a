"""Duty: who may set whose duty, the roster per team with "since when", and the weekly rota
that switches duty in the team's local time — across Europe's spring daylight-saving change
(Sunday 29 March 2026, 02:00 CET → 03:00 CEST) — with a manual change holding until the next
rota boundary."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.server.helpers import World


def _duty(world: World, name: str) -> str:
    return str(world.call("GET", "/me", name).json()["duty"])


def test_reps_set_only_their_own_duty_managers_anyones(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    w.user("boss", role="manager")
    assert (
        w.call("PUT", f"/users/{w.ids['ana']}/duty", "ana", {"duty": "on_duty"}).status_code == 200
    )
    refused = w.call("PUT", f"/users/{w.ids['ben']}/duty", "ana", {"duty": "on_duty"})
    assert refused.status_code == 403
    assert w.call("PUT", f"/users/{w.ids['ben']}/duty", "boss", {"duty": "away"}).status_code == 200
    assert (
        w.call("PUT", f"/users/{w.ids['ben']}/duty", "admin", {"duty": "on_duty"}).status_code
        == 200
    )
    assert (
        w.call("PUT", f"/users/{w.ids['ben']}/duty", "boss", {"duty": "asleep"}).status_code == 422
    )
    assert w.call("PUT", "/users/999999/duty", "boss", {"duty": "away"}).status_code == 404


def test_roster_shows_each_team_with_since_when(team_app: World) -> None:
    w = team_app
    w.user("ana", teams=["support"])
    w.user("ben", teams=["support", "billing"])
    w.user("loner")
    w.duty("ana", "on_duty")
    w.clock.advance(minutes=5)
    w.duty("ben", "away")
    roster = w.call("GET", "/roster", "loner").json()
    teams = {t["team"]: t for t in roster["teams"]}
    # The six seeded teams are there even when empty.
    assert {"support", "billing", "communications", "product", "legal", "stores"} <= set(teams)
    support = teams["support"]
    assert [m["user"]["name"] for m in support["on_duty"]] == ["ana"]
    assert [m["user"]["name"] for m in support["away"]] == ["ben"]
    assert support["on_duty"][0]["since"] == "2026-03-27T08:00:00Z"
    assert support["away"][0]["since"] == "2026-03-27T08:05:00Z"
    assert [m["user"]["name"] for m in teams["billing"]["away"]] == ["ben"]
    assert [m["user"]["name"] for m in teams[None]["off_duty"]] == ["admin", "loner"]


def _at(w: World, year: int, month: int, day: int, hour: int, minute: int = 0) -> None:
    w.clock.set(datetime(year, month, day, hour, minute, tzinfo=UTC))
    w.run_jobs()


def test_rota_switches_duty_in_local_time_across_a_dst_change(team_app: World) -> None:
    w = team_app
    w.user("sue", teams=["stores"])
    w.user("boss", role="manager")
    stores = next(t for t in w.call("GET", "/teams").json()["data"] if t["name"] == "stores")
    # Saturday 28 March, 07:00 UTC = 08:00 CET: before the shift.
    w.clock.set(datetime(2026, 3, 28, 7, 0, tzinfo=UTC))
    w.duty("sue", "on_duty")  # on duty by hand; saving the rota applies it at once
    shifts = [
        {"weekday": day, "start": "09:00", "end": "17:00", "user_id": w.ids["sue"]}
        for day in range(7)
    ]
    body = {"time_zone": "Europe/Berlin", "shifts": shifts}
    assert w.call("PUT", f"/teams/{stores['id']}/rota", "sue", body).status_code == 403
    saved = w.call("PUT", f"/teams/{stores['id']}/rota", "boss", body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["on_rota_now"] == []
    assert _duty(w, "sue") == "off_duty"

    _at(w, 2026, 3, 28, 7, 59)
    assert _duty(w, "sue") == "off_duty"
    _at(w, 2026, 3, 28, 8, 0)  # 09:00 CET
    assert _duty(w, "sue") == "on_duty"
    _at(w, 2026, 3, 28, 15, 59)
    assert _duty(w, "sue") == "on_duty"
    _at(w, 2026, 3, 28, 16, 0)  # 17:00 CET
    assert _duty(w, "sue") == "off_duty"

    # Sunday 29 March is summer time: 09:00 CEST is 07:00 UTC, no longer 08:00.
    _at(w, 2026, 3, 29, 6, 59)
    assert _duty(w, "sue") == "off_duty"
    _at(w, 2026, 3, 29, 7, 0)
    assert _duty(w, "sue") == "on_duty"
    assert [
        u["name"] for u in w.call("GET", f"/teams/{stores['id']}/rota").json()["on_rota_now"]
    ] == ["sue"]

    # A manual change holds until the next boundary (17:00 CEST = 15:00 UTC)…
    w.clock.set(datetime(2026, 3, 29, 10, 0, tzinfo=UTC))
    w.duty("sue", "away")
    _at(w, 2026, 3, 29, 14, 59)
    assert _duty(w, "sue") == "away"
    _at(w, 2026, 3, 29, 15, 0)
    assert _duty(w, "sue") == "off_duty"
    # … and so does coming on early, until the shift's start.
    w.clock.set(datetime(2026, 3, 30, 5, 0, tzinfo=UTC))
    w.duty("sue", "on_duty")
    _at(w, 2026, 3, 30, 6, 59)
    assert _duty(w, "sue") == "on_duty"
    _at(w, 2026, 3, 30, 7, 0)
    assert _duty(w, "sue") == "on_duty"

    changes = [e for e in w.events("duty.changed") if e.actor_id is None]
    assert changes, "rota changes are ordinary duty.changed events without an actor"
    roster = w.call("GET", "/roster").json()
    assert next(t for t in roster["teams"] if t["team"] == "stores")["has_rota"] is True


def test_overnight_shift_and_bad_rota_input(team_app: World) -> None:
    w = team_app
    w.user("nia", teams=["support"])
    w.user("outsider")
    support = next(t for t in w.call("GET", "/teams").json()["data"] if t["name"] == "support")
    path = f"/teams/{support['id']}/rota"

    def put(**body: object) -> int:
        return w.call("PUT", path, "admin", body).status_code

    shift = {"weekday": 4, "start": "22:00", "end": "06:00", "user_id": w.ids["nia"]}
    assert put(time_zone="Mars/Olympus", shifts=[shift]) == 422
    assert put(shifts=[{**shift, "start": "25:00"}]) == 422
    assert put(shifts=[{**shift, "weekday": 7}]) == 422
    assert put(shifts=[{**shift, "end": "22:00"}]) == 422
    assert put(shifts=[{**shift, "user_id": w.ids["outsider"]}]) == 422
    assert put(shifts=[{**shift, "user_id": 999_999}]) == 404
    assert w.call("PUT", "/teams/999999/rota", "admin", {"shifts": []}).status_code == 404

    # Friday 22:00 → Saturday 06:00 in New York (UTC-4 in late March).
    w.clock.set(datetime(2026, 3, 28, 1, 0, tzinfo=UTC))  # Friday 21:00 local
    assert put(time_zone="America/New_York", shifts=[shift]) == 200
    assert _duty(w, "nia") == "off_duty"
    _at(w, 2026, 3, 28, 2, 0)  # 22:00 Friday
    assert _duty(w, "nia") == "on_duty"
    _at(w, 2026, 3, 28, 9, 59)  # 05:59 Saturday
    assert _duty(w, "nia") == "on_duty"
    _at(w, 2026, 3, 28, 10, 0)  # 06:00 Saturday
    assert _duty(w, "nia") == "off_duty"
