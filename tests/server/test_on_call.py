"""On-call escalation, the whole chain: an urgent mention with nobody on duty pages the first
person of the on-call order at once — a `page.sent` event and a notice that really arrives at
that person's own notifier URL (a receiving HTTP endpoint on 127.0.0.1) — passes on to the
next person when the injected clock says nobody acknowledged in time, and ends when someone
acknowledges from the notice's link (GET shows, only POST acknowledges) and takes the watch;
quiet hours, the manual order, the unanswered end, coming on duty, permissions and bad input.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.models.enums import Duty, Role
from app.models.schemas import MentionCreate
from app.models.tables import Account
from app.server.event_log import MANAGERS, audience_admits, managers_and
from app.server.services.ingest import ingest, read_items
from tests.server.helpers import World, make_world
from tests.support.postgres import temporary_postgres_database

URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"
PUBLIC_URL = "https://care.example.test"
KEY = re.compile(re.escape(PUBLIC_URL) + r"/ack/([A-Za-z0-9_-]+)")
WAIT = 10.0  # seconds a notice may take to arrive on a loaded machine


@dataclass(frozen=True)
class Received:
    path: str
    title: str
    message: str


class Receiver:
    """A real HTTP endpoint the notifier posts to (apprise's json:// form)."""

    def __init__(self) -> None:
        self.arrived: queue.Queue[Received] = queue.Queue()
        inbox = self.arrived

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                self.send_response(200)
                self.end_headers()
                inbox.put(Received(self.path, str(body["title"]), str(body["message"])))

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/{name}"

    def next(self) -> Received:
        try:
            return self.arrived.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError("no notice arrived") from None

    def nothing_more(self) -> bool:
        return self.arrived.empty()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    try:
        yield endpoint
    finally:
        endpoint.close()


@pytest.fixture(params=["sqlite", "postgres"])
def w(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    settings = {"public_url": PUBLIC_URL}
    if request.param == "sqlite":
        yield from make_world(tmp_path, settings=settings)
        return
    with temporary_postgres_database() as url:
        yield from make_world(tmp_path, settings=settings, database_url=url)


def _pages(w: World, who: str, state: str = "waiting") -> list[dict[str, Any]]:
    response = w.call("GET", "/pages", who, state=state)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def _page_events(w: World, type_: str, after: int) -> list[dict[str, Any]]:
    return [e.payload["page"] for e in w.events(type_, after=after)]


def _paging(w: World, who: str, url: str, quiet: tuple[str, str] | None = None) -> None:
    body: dict[str, Any] = {"urls": [url], "time_zone": "UTC"}
    if quiet is not None:
        body["quiet_hours"] = {"start": quiet[0], "end": quiet[1]}
    response = w.call("PUT", "/users/me/paging", who, body)
    assert response.status_code == 200, response.text


def _team_id(w: World, name: str) -> int:
    return int(next(t["id"] for t in w.call("GET", "/teams").json()["data"] if t["name"] == name))


def _rota_order(w: World) -> None:
    """Ana's next shift starts at 09:00, Bob's at 10:00 (it is Friday 08:00 UTC): the overall
    order is Ana, Bob, then the admin (no shift)."""
    w.user("ana", role="manager", teams=["nights"])
    w.user("bob", role="manager", teams=["nights"])
    shifts = [
        {"weekday": 4, "start": "09:00", "end": "10:00", "user_id": w.ids["ana"]},
        {"weekday": 4, "start": "10:00", "end": "11:00", "user_id": w.ids["bob"]},
    ]
    body = {"time_zone": "UTC", "shifts": shifts}
    saved = w.call("PUT", f"/teams/{_team_id(w, 'nights')}/rota", "ana", body)
    assert saved.status_code == 200, saved.text


def test_the_whole_chain_pages_passes_on_and_ends_with_an_ack_from_the_link(
    w: World, receiver: Receiver
) -> None:
    _rota_order(w)
    _paging(w, "ana", receiver.url("ana"))
    _paging(w, "bob", receiver.url("bob"))
    before = w.last_event_id()

    mention = w.mention(URGENT)  # nobody on duty: Ana is paged at once

    [sent] = _page_events(w, "page.sent", before)
    assert sent["user"]["name"] == "ana"
    assert sent["step"] == 1
    assert sent["state"] == "waiting"
    assert sent["team"] is None  # a webhook mention: the overall order
    assert sent["count"] == 1
    assert sent["mentions"][0]["id"] == mention
    assert "dangerous" in sent["mentions"][0]["excerpt"]
    assert sent["escalates_at"].startswith("2026-03-27T08:05")
    [event] = w.events("page.sent", after=before)
    assert event.audience == managers_and(w.ids["ana"])
    notice = receiver.next()
    assert notice.path == "/ana"
    assert notice.title.startswith("Responder: you are on call")
    assert "urgent mention arrived with nobody on duty: @customer" in notice.message
    assert f"#{mention}" in notice.message  # how to open it: Go to mention #id
    ana_key = KEY.search(notice.message)
    assert ana_key is not None, notice.message
    assert ana_key.group(1) not in sent["text"]  # the link is only in her notice
    assert [p["id"] for p in _pages(w, "ana")] == [sent["id"]]

    # Four minutes on, nothing moves; five, and the page passes on to Bob.
    w.clock.advance(minutes=4)
    assert w.run_jobs()["paged"] == []
    w.clock.advance(minutes=1)
    assert w.run_jobs()["paged"] == [sent["id"]]
    updated = _page_events(w, "page.updated", before)
    assert [(p["id"], p["state"]) for p in updated] == [(sent["id"], "passed_on")]
    second = _page_events(w, "page.sent", before)[-1]
    assert second["user"]["name"] == "bob"
    assert second["step"] == 2
    assert "ana did not acknowledge within 5 minutes." in second["text"]
    notice = receiver.next()
    assert notice.path == "/bob"
    bob_key = KEY.search(notice.message)
    assert bob_key is not None
    assert [p["id"] for p in _pages(w, "bob")] == [second["id"]]
    assert [p["id"] for p in _pages(w, "ana")] == [second["id"]]  # a manager sees every page

    # The link: GET shows the page and its buttons and acknowledges nothing.
    link = f"/ack/{bob_key.group(1)}"
    shown = w.client.get(link)
    assert shown.status_code == 200
    assert shown.headers["content-type"].startswith("text/html")
    assert "Acknowledge and go on duty" in shown.text
    assert "dangerous" in shown.text
    assert [p["state"] for p in _pages(w, "bob")] == ["waiting"]

    acked = w.client.post(f"{link}?take_watch=true")
    assert acked.status_code == 200, acked.text
    assert "bob acknowledged it and took the watch" in acked.text
    me = w.call("GET", "/me", "bob").json()
    assert me["duty"] == Duty.ON_DUTY
    [duty] = [e.payload["user"] for e in w.events("duty.changed", after=before)]
    assert duty["name"] == "bob"
    final = _page_events(w, "page.updated", before)[-1]
    assert final["id"] == second["id"]
    assert final["state"] == "acknowledged"
    assert final["acknowledged_by"]["name"] == "bob"
    assert final["took_watch"] is True
    assert _pages(w, "bob") == []

    # Nobody is paged again: not by the clock, not by Ana's old link, not by new mentions.
    w.clock.advance(minutes=30)
    assert w.run_jobs()["paged"] == []
    late = w.client.post(f"/ack/{ana_key.group(1)}")
    assert late.status_code == 409
    assert "bob already acknowledged this page" in late.text
    w.mention(URGENT)  # Bob is on duty now: covered, no page
    assert len(_page_events(w, "page.sent", before)) == 2
    assert receiver.nothing_more()


def test_a_follow_up_joins_the_page_instead_of_paging_again(w: World, receiver: Receiver) -> None:
    _rota_order(w)
    _paging(w, "ana", receiver.url("ana"))
    before = w.last_event_id()
    first = w.mention(URGENT)
    receiver.next()
    w.clock.advance(minutes=1)
    second = w.mention(URGENT)  # coalesced: waits for the follow-up alert
    w.clock.advance(minutes=2, seconds=1)
    assert w.run_jobs()["urgent_follow_up"] == [second]
    assert len(_page_events(w, "page.sent", before)) == 1
    [joined] = _page_events(w, "page.updated", before)
    assert joined["state"] == "waiting"
    assert joined["count"] == 2
    assert [m["id"] for m in joined["mentions"]] == [first, second]
    assert joined["text"].count("#") == 2
    assert receiver.nothing_more()


def test_quiet_hours_skip_a_person_until_everyone_left_is_quiet(
    w: World, receiver: Receiver
) -> None:
    _rota_order(w)
    _paging(w, "ana", receiver.url("ana"), quiet=("22:00", "08:30"))  # runs past midnight
    _paging(w, "bob", receiver.url("bob"))
    paging = w.call("GET", "/users/me/paging", "ana").json()
    assert paging["quiet_now"] is True
    assert paging["quiet_hours"] == {"start": "22:00", "end": "08:30"}
    before = w.last_event_id()
    w.mention(URGENT)
    [sent] = _page_events(w, "page.sent", before)
    assert sent["user"]["name"] == "bob"  # Ana sleeps: skipped
    assert "quiet hours" not in sent["text"]
    assert receiver.next().path == "/bob"
    w.call("POST", f"/pages/{sent['id']}/ack", "bob", {"take_watch": False})

    # Now everyone in the order is in quiet hours: the first of them is woken anyway.
    _paging(w, "bob", receiver.url("bob"), quiet=("07:00", "09:00"))
    admin = w.call(
        "PUT", "/users/me/paging", "admin", {"quiet_hours": {"start": "00:00", "end": "00:00"}}
    )
    assert admin.status_code == 200, admin.text
    assert admin.json()["quiet_now"] is True  # equal ends: quiet all day
    w.clock.advance(minutes=10)
    after = w.last_event_id()
    w.mention(URGENT)  # the follow-up alert of the same gap opens a new escalation
    [woken] = _page_events(w, "page.sent", after)
    assert woken["user"]["name"] == "ana"
    assert "quiet hours; this page wakes you anyway" in woken["text"]
    notice = receiver.next()
    assert notice.path == "/ana"
    assert "wakes you anyway" in notice.message


def test_a_manual_order_overrides_the_rota_per_team(w: World, receiver: Receiver) -> None:
    _rota_order(w)
    w.user("rita", teams=["nights"])
    w.user("outsider", role="manager")
    team = _team_id(w, "nights")
    shown = w.call("GET", f"/teams/{team}/on-call", "rita").json()
    assert shown["source"] == "rota"
    assert [u["name"] for u in shown["order"]] == ["ana", "bob"]
    assert shown["escalate_after_minutes"] == 5

    body = {"user_ids": [w.ids["rita"], w.ids["bob"]], "escalate_after_minutes": 2}
    refused = w.call("PUT", f"/teams/{team}/on-call", "rita", body)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only a manager or an admin can do this."
    saved = w.call("PUT", f"/teams/{team}/on-call", "ana", body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["source"] == "manual"
    assert [u["name"] for u in saved.json()["order"]] == ["rita", "bob"]
    assert saved.json()["escalate_after_minutes"] == 2

    # A brand account watched by the team: its urgent mentions page the team's order.
    account = w.brand_account("acme")
    with w.db.write() as session:
        row = session.get(Account, account)
        assert row is not None
        row.settings = {"team": "nights"}
    _paging(w, "rita", receiver.url("rita"))
    before = w.last_event_id()
    item = MentionCreate.model_validate(
        {
            "network": "mastodon",
            "external_id": "900001",
            "author": {"handle": "@angry", "display_name": "Angry"},
            "text": URGENT,
        }
    )
    with w.db.write() as session:
        ingest(
            session,
            [item],
            readings=read_items([item]),
            now=w.clock(),
            actor_id=None,
            account_id=account,
        )
    [sent] = _page_events(w, "page.sent", before)
    assert sent["team"] == "nights"
    assert sent["user"]["name"] == "rita"
    assert sent["text"].startswith("You are on call for nights.")
    assert receiver.next().path == "/rita"
    w.clock.advance(minutes=2)
    w.run_jobs()
    assert _page_events(w, "page.sent", before)[-1]["user"]["name"] == "bob"

    # An empty list follows the rota again.
    reset = w.call("PUT", f"/teams/{team}/on-call", "ana", {"user_ids": []})
    assert reset.json()["source"] == "rota"
    assert reset.json()["escalate_after_minutes"] == 2

    not_member = w.call("PUT", f"/teams/{team}/on-call", "ana", {"user_ids": [w.ids["outsider"]]})
    assert not_member.status_code == 422
    assert not_member.json()["detail"] == "outsider is not in team 'nights'; add them to it first."
    twice = w.call("PUT", f"/teams/{team}/on-call", "ana", {"user_ids": [w.ids["ana"]] * 2})
    assert twice.status_code == 422
    assert w.call("GET", "/teams/999/on-call", "ana").status_code == 404


def test_the_order_running_out_ends_unanswered_and_alerts_every_manager(
    w: World, receiver: Receiver
) -> None:
    w.user("ana", role="manager")  # the managers, without a rota: by name
    before = w.last_event_id()
    w.mention(URGENT)
    first = _page_events(w, "page.sent", before)[0]
    w.clock.advance(minutes=5)
    w.run_jobs()
    second = _page_events(w, "page.sent", before)[-1]
    assert [first["user"]["name"], second["user"]["name"]] == ["admin", "ana"]
    w.clock.advance(minutes=5)
    assert w.run_jobs()["paged"] == [second["id"]]
    ended = _page_events(w, "page.updated", before)[-1]
    assert ended["id"] == second["id"]
    assert ended["state"] == "unanswered"
    [alert] = [
        e for e in w.events("coverage.gap", after=before) if e.payload.get("alert") == "unanswered"
    ]
    assert alert.audience == MANAGERS
    assert alert.payload["reason"].startswith("Nobody answered the page about an urgent mention (@")
    assert alert.payload["count"] == 1
    w.clock.advance(minutes=30)
    assert w.run_jobs()["paged"] == []  # the end: no more pages
    assert len(_page_events(w, "page.sent", before)) == 2

    # Still, someone may take it late.
    late = w.call(
        "POST", f"/pages/{second['id']}/ack", second["user"]["name"], {"take_watch": False}
    )
    assert late.status_code == 200, late.text
    assert late.json()["state"] == "acknowledged"


def test_coming_on_duty_ends_the_teams_escalation(w: World) -> None:
    _rota_order(w)
    w.user("rita", teams=["nights"])
    before = w.last_event_id()
    w.mention(URGENT)
    [sent] = _page_events(w, "page.sent", before)
    w.duty("rita", "on_duty")  # someone is here now
    [ended] = _page_events(w, "page.updated", before)
    assert ended["id"] == sent["id"]
    assert ended["state"] == "acknowledged"
    assert ended["acknowledged_by"]["name"] == "rita"
    assert ended["took_watch"] is True
    w.clock.advance(minutes=20)
    assert w.run_jobs()["paged"] == []
    taken = w.call("POST", f"/pages/{sent['id']}/ack", "ana", {"take_watch": False})
    assert taken.status_code == 409
    assert taken.json()["detail"].startswith("rita came on duty at 08:00 UTC and took the watch")


def test_who_may_acknowledge_and_who_sees_pages(w: World) -> None:
    w.user("ana", role="manager", teams=["desk"])
    w.user("rita", teams=["desk"])
    w.user("rob", teams=["desk"])
    team = _team_id(w, "desk")
    w.call("PUT", f"/teams/{team}/on-call", "ana", {"user_ids": [w.ids["rita"]]})
    # The overall order pages managers; Rita is paged by a mention of the team's account.
    account = w.brand_account("acme")
    with w.db.write() as session:
        row = session.get(Account, account)
        assert row is not None
        row.settings = {"team": "desk"}
    item = MentionCreate.model_validate(
        {
            "network": "mastodon",
            "external_id": "900002",
            "author": {"handle": "@angry"},
            "text": URGENT,
        }
    )
    before = w.last_event_id()
    with w.db.write() as session:
        ingest(
            session,
            [item],
            readings=read_items([item]),
            now=w.clock(),
            actor_id=None,
            account_id=account,
        )
    [page] = _page_events(w, "page.sent", before)
    assert page["user"]["name"] == "rita"
    assert _pages(w, "rob") == []  # a rep sees only pages to them
    assert [p["id"] for p in _pages(w, "rita")] == [page["id"]]
    assert [p["id"] for p in _pages(w, "ana")] == [page["id"]]  # managers see all

    other = w.call("POST", f"/pages/{page['id']}/ack", "rob", {"take_watch": True})
    assert other.status_code == 403
    assert other.json()["detail"] == "Only the person paged or a manager can acknowledge this page."
    mine = w.call("POST", f"/pages/{page['id']}/ack", "rita", {"take_watch": False})
    assert mine.status_code == 200, mine.text
    assert mine.json()["acknowledged_by"]["name"] == "rita"
    again = w.call("POST", f"/pages/{page['id']}/ack", "rita", {"take_watch": True})
    assert again.status_code == 200  # hers already: taking the watch too
    assert w.call("GET", "/me", "rita").json()["duty"] == "on_duty"
    manager = w.call("POST", f"/pages/{page['id']}/ack", "ana", {})
    assert manager.status_code == 409
    assert manager.json()["detail"].startswith("rita already acknowledged this page at 08:00 UTC")

    # The events' audience: the paged person and managers, nobody else.
    audience = managers_and(w.ids["rita"])
    assert audience_admits(audience, w.ids["rita"], is_manager=False)
    assert audience_admits(audience, w.ids["ana"], is_manager=True)
    assert not audience_admits(audience, w.ids["rob"], is_manager=False)
    assert audience_admits(None, w.ids["rob"], is_manager=False)
    assert not audience_admits(MANAGERS, w.ids["rob"], is_manager=False)


def test_bad_input_gets_a_clear_sentence_and_never_echoes_a_secret(w: World) -> None:
    w.user("ana", role="manager")
    secret = "json://127.0.0.1:9/hook?token=s3cr3t-value"
    bad = w.call("PUT", "/users/me/paging", "ana", {"urls": [secret, "nope://s3cr3t-too"]})
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("Paging URL 2 is not one the notifier understands")
    assert "s3cr3t" not in bad.text
    zone = w.call("PUT", "/users/me/paging", "ana", {"time_zone": "Mars/Olympus"})
    assert zone.status_code == 422
    assert "Unknown time zone 'Mars/Olympus'" in zone.json()["detail"]
    hours = w.call(
        "PUT", "/users/me/paging", "ana", {"quiet_hours": {"start": "25:00", "end": "07:00"}}
    )
    assert hours.status_code == 422

    saved = w.call(
        "PUT", "/users/me/paging", "ana", {"urls": [secret], "time_zone": "Europe/Berlin"}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["urls"] == ["json://127.0.0.1:9/…"]
    assert "s3cr3t" not in w.call("GET", "/users/me/paging", "ana").text
    # Sent back as shown (masked), the stored URL stays; the quiet hours change.
    kept = w.call(
        "PUT",
        "/users/me/paging",
        "ana",
        {"urls": ["json://127.0.0.1:9/…"], "quiet_hours": {"start": "23:00", "end": "07:00"}},
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["urls"] == ["json://127.0.0.1:9/…"]
    assert kept.json()["time_zone"] == "UTC"  # no zone given, no team: UTC

    unknown = w.call("POST", "/pages/424242/ack", "ana", {"take_watch": False})
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "No page with id 424242."
    assert w.call("POST", "/pages/0/ack", "ana", {}).status_code == 422
    assert w.call("POST", "/pages/1/ack", "ana", {"take_watch": "yes"}).status_code == 422
    state = w.call("GET", "/pages", "ana", state="bogus")
    assert state.status_code == 422
    assert state.json()["detail"] == "state accepts 'waiting' or 'all'."
    link = w.client.get("/ack/not-a-real-key-at-all-0000")
    assert link.status_code == 404
    assert "This acknowledgement link is not valid" in link.text
    assert w.client.post("/ack/not-a-real-key-at-all-0000").status_code == 404
    assert w.call("PUT", "/teams/1/on-call", "ana", {"user_ids": [0]}).status_code == 422


def test_without_a_public_url_the_notice_says_to_acknowledge_in_the_console(
    tmp_path: Path, receiver: Receiver
) -> None:
    for w in make_world(tmp_path, start=datetime(2026, 3, 27, 8, 0, tzinfo=UTC)):
        w.user("ana", role=Role.MANAGER.value)
        _paging(w, "ana", receiver.url("ana"))
        w.call(
            "PUT", "/users/me/paging", "admin", {"quiet_hours": {"start": "00:00", "end": "00:00"}}
        )
        w.mention(URGENT)
        notice = receiver.next()
        assert notice.path == "/ana"
        assert "/ack/" not in notice.message
        assert notice.message.endswith(
            "Acknowledge it in the console: the page's banner or the tray menu."
        )


def test_two_acknowledging_at_once_one_wins_the_other_hears_who(w: World) -> None:
    w.user("ana", role="manager")
    w.user("bob", role="manager")
    before = w.last_event_id()
    w.mention(URGENT)
    [page] = _page_events(w, "page.sent", before)
    start = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def ack(who: str) -> None:
        start.wait(timeout=WAIT)
        answers[who] = w.call("POST", f"/pages/{page['id']}/ack", who, {"take_watch": True})

    threads = [threading.Thread(target=ack, args=(who,)) for who in ("ana", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(answers[who].status_code for who in ("ana", "bob"))
    assert statuses == [200, 409]
    winner = next(who for who in ("ana", "bob") if answers[who].status_code == 200)
    loser = "bob" if winner == "ana" else "ana"
    assert answers[loser].json()["detail"].startswith(f"{winner} already acknowledged this page")
    assert w.call("GET", "/me", winner).json()["duty"] == "on_duty"
    assert w.call("GET", "/me", loser).json()["duty"] == "off_duty"
    acked = [p for p in _page_events(w, "page.updated", before) if p["state"] == "acknowledged"]
    assert [p["acknowledged_by"]["name"] for p in acked] == [winner]
