"""Story: a manager sets how her team's new mentions are handed out and how fast they must be
answered. In a real console on a real X server, by keyboard alone, Dana opens Console ▸
Routing & response times…, chooses Returns (a team with a rota, in Europe/Berlin: the dialog
says the targets count in its rota hours), ticks "Route new mentions to Returns", chooses
round robin up to 4 open each, English and German, Mastodon and Bluesky, two keywords, urgent
and high priority, and 15 / 45 / 240 minutes for urgent, high and normal, and saves. Then
View ▸ Manager overview shows the support team's first responses in time.

The server's API is the oracle for what was saved; the console's own log of its requests
says when it asked; the screenshots are for people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from app.models.tables import Mention
from app.server.db import open_database
from tests.support.live_server import LiveServer, mention_json
from tests.support.xconsole import Consoles
from tests.support.xdesktop import XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(180)]

DIALOG = "Routing and response times"


def _support_answered_today(server: LiveServer, manager_token: str) -> None:
    """The support team routes "parcel" mentions with targets; 25 of today's were judged,
    23 answered in time (set in the database: no network is involved)."""
    api, headers = f"{server.base_url}/api/v1", server.headers(manager_token)
    teams = server.get("/api/v1/teams")["data"]
    support = next(int(t["id"]) for t in teams if t["name"] == "support")
    minutes = {"urgent": 15, "high": 30, "normal": 60, "low": 240}
    for path, body in (
        ("routing", {"keywords": ["parcel"]}),
        ("sla", {"first_response_minutes": minutes}),
    ):
        httpx.put(f"{api}/teams/{support}/{path}", json=body, headers=headers).raise_for_status()
    ids = server.ingest([mention_json(f"p-{n}", f"Where is my parcel {n}?") for n in range(26)])
    arrived = datetime.now(UTC) - timedelta(minutes=5)
    db = open_database(server.database_url)
    try:
        with db.write() as session:
            for chosen, late in ((ids[:23], False), (ids[23:25], True)):
                due = arrived + timedelta(minutes=1)
                session.execute(
                    update(Mention)
                    .where(Mention.id.in_(chosen))
                    .values(
                        ingested_at=arrived,
                        sla_due_at=due,
                        first_response_at=due + timedelta(seconds=30 if late else -30),
                    )
                )
    finally:
        db.dispose()


def test_a_manager_sets_routing_and_response_times_by_keyboard(
    xdesk: XDesktop, server: LiveServer, consoles: Consoles
) -> None:
    admin = server.headers()
    api = f"{server.base_url}/api/v1"
    created = httpx.post(
        f"{api}/teams", json={"name": "Returns", "time_zone": "Europe/Berlin"}, headers=admin
    )
    created.raise_for_status()
    returns = int(created.json()["id"])
    _dana_id, dana_token = server.create_user(
        "Dana Kowalski", role="manager", teams=["Returns", "support"]
    )
    ana_id, _ = server.create_user("Ana Lopez", teams=["Returns"])
    shifts = [{"weekday": d, "start": "08:00", "end": "20:00", "user_id": ana_id} for d in range(7)]
    httpx.put(
        f"{api}/teams/{returns}/rota", json={"shifts": shifts}, headers=admin
    ).raise_for_status()
    _support_answered_today(server, dana_token)

    dana = consoles.launch("dana", server.base_url)
    window = dana.sign_in(dana_token)
    dana.wait_for_request("GET", "/api/v1/roster", status=200)
    xdesk.place(window, 0, 0, 1400, 900)
    xdesk.activate(window)

    # Console ▸ Routing & response times… (Alt+C, then its letter M).
    shown = dana.visible_windows()
    xdesk.key("alt+c")
    dana.wait_for_more_windows(shown)  # the menu is a window of its own
    xdesk.screenshot("console-menu")
    xdesk.key("m")
    dialog = dana.window(DIALOG)
    dana.wait_for_request("GET", r"/api/v1/teams/\d+/sla", status=200)
    xdesk.activate(dialog)

    # Alt+T and typing the name's start choose the team; its settings load. (Only letters no
    # other team starts with: on a loaded machine a pause between two keys starts the
    # combo box's search afresh, and "s" would choose stores.)
    mark = len(dana.requests())
    xdesk.key("alt+t")
    xdesk.type_text("Ret")
    dana.wait_for_request("GET", f"/api/v1/teams/{returns}/sla", status=200, after=mark)
    dana.window(f"{DIALOG} — Returns")  # shown: its title names the team
    xdesk.screenshot("returns-routes-nothing-yet")

    # Tab to "Route new mentions to Returns" and tick it (Space), then fill the rules.
    xdesk.key("Tab", "space")
    xdesk.key("alt+h")
    xdesk.type_text("Rou")  # round robin, chosen by its first letters
    xdesk.key("alt+p", "ctrl+a")
    xdesk.type_text("4")
    xdesk.key("alt+l")
    xdesk.type_text("en, de")
    xdesk.key("Tab", "space", "Tab", "space")  # Mastodon, Bluesky
    xdesk.key("alt+k")
    xdesk.type_text("refund, invoice")
    xdesk.key("Tab", "space", "Tab", "space")  # Urgent, High
    xdesk.key("Tab", "Tab", "Tab", "ctrl+a")  # past Normal and Low: the urgent target
    xdesk.type_text("15")
    xdesk.key("Tab", "ctrl+a")
    xdesk.type_text("45")
    xdesk.key("Tab", "ctrl+a")
    xdesk.type_text("240")
    xdesk.screenshot("returns-filled-in")

    mark = len(dana.requests())
    xdesk.key("alt+s")
    dana.wait_for_request("PUT", f"/api/v1/teams/{returns}/routing", status=200, after=mark)
    dana.wait_for_request("PUT", f"/api/v1/teams/{returns}/sla", status=200, after=mark)
    xdesk.screenshot("returns-saved")
    routing = server.get(f"/api/v1/teams/{returns}/routing")
    assert routing["saved"] is True
    assert routing["mode"] == "round_robin"
    assert routing["capacity"] == 4
    assert routing["languages"] == ["en", "de"]
    assert routing["networks"] == ["mastodon", "bluesky"]
    assert routing["keywords"] == ["refund", "invoice"]
    assert routing["priorities"] == ["urgent", "high"]
    targets = server.get(f"/api/v1/teams/{returns}/sla")
    assert targets["first_response_minutes"] == {"urgent": 15, "high": 45, "normal": 240}
    assert targets["rota_hours"] is True

    # Escape closes the dialog; View ▸ Manager overview (Alt+V, O) shows the attainment.
    xdesk.key("Escape")
    xdesk.wait_for_no_window(DIALOG, pid=dana.pid)
    xdesk.activate(window)
    mark = len(dana.requests())
    shown = dana.visible_windows()
    xdesk.key("alt+v")
    dana.wait_for_more_windows(shown)
    xdesk.key("o")
    overview = dana.window("Manager overview")
    dana.wait_for_request("GET", r"/api/v1/overview", status=200, after=mark)
    dana.wait_for_request("GET", r"/api/v1/teams", status=200, after=mark)
    xdesk.activate(overview)
    # Drawn once the last answer is in: the hour's bar of 26 routine mentions shows (the
    # legend's swatch of that colour is a few dozen pixels).
    x, y, width, height = xdesk.geometry(overview)
    poll(
        lambda: xdesk.colour_count(x, y, width, height, "#78909C") > 500,
        20,
        "the overview to draw the mentions of the last hours",
    )
    xdesk.screenshot("overview-first-responses-in-time")
