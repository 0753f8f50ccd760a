"""Coverage gaps: `coverage.gap` reaches managers once when a gap opens (a gap closes when
someone suitable comes on duty), and again for every urgent mention that arrives into it — the
first at once, later ones coalesced into follow-ups that count and name them; the optional
outgoing notifier (apprise) sends a notice for each — while a broken notifier never breaks the
request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import World, make_world
from tests.support.live_server import free_port, mention_json

URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"


def _alerts(w: World, after: int) -> list[dict[str, Any]]:
    return [e.payload for e in w.events("coverage.gap", after=after)]


def test_a_gap_is_announced_once_and_closes_when_someone_comes_on_duty(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("boss", role="manager")
    before = w.last_event_id()
    w.mention(URGENT)
    w.mention("Thanks, all good now")  # not urgent: nothing
    gaps = w.events("coverage.gap", after=before)
    assert len(gaps) == 1
    assert gaps[0].audience == "manager"
    assert gaps[0].payload["scope"] == "everyone"
    assert gaps[0].payload["coverage"]["level"] == "nobody"
    assert gaps[0].payload["alert"] == "opened"
    assert gaps[0].mention_id is not None
    assert gaps[0].payload["mention_id"] == gaps[0].mention_id

    w.duty("ana", "on_duty")  # the gap closes
    w.mention(URGENT)  # covered: no alert
    assert len(w.events("coverage.gap", after=before)) == 1

    w.duty("ana", "off_duty")  # nobody again: a new gap, announced by the duty change
    gaps = w.events("coverage.gap", after=before)
    assert len(gaps) == 2
    assert "ana went off duty" in gaps[1].payload["reason"]

    # Being away is not coverage, and an away person coming back closes it.
    w.duty("ana", "away")
    assert len(w.events("coverage.gap", after=before)) == 2
    w.duty("ana", "on_duty")
    w.duty("ana", "off_duty")
    assert len(w.events("coverage.gap", after=before)) == 3


def test_every_urgent_mention_with_nobody_on_duty_alerts_at_once_or_in_a_follow_up(
    team_app: World,
) -> None:
    w = team_app
    w.user("ana")
    w.user("boss", role="manager")
    w.duty("ana", "on_duty")
    w.duty("ana", "off_duty")  # Friday evening: the gap opens, its alert is dismissed
    before = w.last_event_id()
    w.clock.advance(hours=26)  # Saturday night: an urgent mention must still wake someone
    first = w.mention(URGENT)
    [alert] = _alerts(w, before)
    assert alert["alert"] == "urgent"
    assert alert["count"] == 1
    assert alert["mentions"][0]["id"] == first
    assert alert["mentions"][0]["author"].startswith("@")
    assert alert["reason"].startswith("An urgent mention arrived and nobody is on duty: @")
    assert "dangerous" in alert["reason"]  # the banner and the notice name the mention

    # More within minutes are coalesced: nothing now, one follow-up that counts them later.
    second, third = w.mention(URGENT), w.mention(URGENT)
    assert len(_alerts(w, before)) == 1
    w.clock.advance(minutes=2)
    w.run_jobs()
    assert len(_alerts(w, before)) == 1  # not due yet
    w.clock.advance(minutes=1, seconds=1)
    assert w.run_jobs()["urgent_follow_up"] == [second, third]
    follow_up = _alerts(w, before)[-1]
    assert follow_up["alert"] == "follow_up"
    assert follow_up["count"] == 2
    assert [m["id"] for m in follow_up["mentions"]] == [second, third]
    assert follow_up["reason"].startswith("2 more urgent mentions arrived and nobody is on duty")
    w.run_jobs()
    assert len(_alerts(w, before)) == 2  # sent once

    # Long after the last alert, the next one alerts at once again.
    w.clock.advance(minutes=10)
    fourth = w.mention(URGENT)
    latest = _alerts(w, before)[-1]
    assert len(_alerts(w, before)) == 3
    assert latest["alert"] == "follow_up"
    assert [m["id"] for m in latest["mentions"]] == [fourth]
    assert latest["reason"].startswith("1 more urgent mention arrived")


def test_a_batch_of_urgent_mentions_is_one_alert_naming_the_first_five(team_app: World) -> None:
    w = team_app
    w.user("boss", role="manager")
    before = w.last_event_id()
    batch = [
        {**mention_json(f"burst-{i}", f"{URGENT} ({i})"), "author": {"handle": f"@angry{i}"}}
        for i in range(7)
    ]
    response = w.call("POST", "/mentions", json=batch)
    assert response.status_code == 200, response.text
    [alert] = _alerts(w, before)
    assert alert["alert"] == "opened"
    assert alert["count"] == 7
    assert [m["author"] for m in alert["mentions"]] == [f"@angry{i}" for i in range(5)]
    assert alert["reason"].startswith("7 urgent mentions arrived and nobody is on duty: @angry0")
    assert alert["reason"].endswith(" and 2 more.")


def test_coming_on_duty_drops_the_waiting_follow_up(team_app: World) -> None:
    w = team_app
    w.user("ana")
    before = w.last_event_id()
    w.mention(URGENT)
    w.mention(URGENT)  # waits for a follow-up
    w.duty("ana", "on_duty")  # someone is here to see it now
    w.clock.advance(minutes=5)
    assert w.run_jobs()["urgent_follow_up"] == []
    assert len(_alerts(w, before)) == 1


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]
    arrived: threading.Event

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.received.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()
        self.arrived.set()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook() -> Iterator[tuple[str, _Receiver]]:
    handler = type("Receiver", (_Receiver,), {"received": [], "arrived": threading.Event()})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"json://127.0.0.1:{server.server_address[1]}/hook", handler  # type: ignore[misc]
    finally:
        server.shutdown()
        server.server_close()


def test_notifier_sends_each_gap_to_the_webhook(
    tmp_path: Path, webhook: tuple[str, type[_Receiver]]
) -> None:
    url, receiver = webhook
    for w in make_world(tmp_path, settings={"notify_urls": [url]}):
        w.mention(URGENT)
        assert receiver.arrived.wait(10), "the notifier never posted"
        assert len(receiver.received) == 1
        notice = receiver.received[0]
        assert notice["title"] == "Responder: urgent mention, nobody on duty"
        assert "urgent mention arrived and nobody is on duty: @" in notice["message"]


def test_a_failing_notifier_never_breaks_the_request(tmp_path: Path) -> None:
    dead = f"json://127.0.0.1:{free_port()}/nobody-listens"
    for w in make_world(tmp_path, settings={"notify_urls": [dead, "not a url at all"]}):
        before = w.last_event_id()
        w.mention(URGENT)  # asserts 200 inside
        assert len(w.events("coverage.gap", after=before)) == 1
