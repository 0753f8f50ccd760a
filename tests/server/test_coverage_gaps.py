"""Coverage gaps: `coverage.gap` reaches managers exactly once per gap (a gap closes when
someone suitable comes on duty), and the optional outgoing notifier (apprise) sends a notice
for each gap — while a broken notifier never breaks the request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import World, make_world
from tests.support.live_server import free_port

URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"


def test_urgent_mentions_raise_one_gap_per_gap(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("boss", role="manager")
    before = w.last_event_id()
    for _ in range(3):
        w.mention(URGENT)
    w.mention("Thanks, all good now")
    gaps = w.events("coverage.gap", after=before)
    assert len(gaps) == 1
    assert gaps[0].audience == "manager"
    assert gaps[0].payload["scope"] == "everyone"
    assert gaps[0].payload["coverage"]["level"] == "nobody"
    assert gaps[0].mention_id is not None
    assert gaps[0].payload["mention_id"] == gaps[0].mention_id

    w.duty("ana", "on_duty")  # the gap closes
    w.mention(URGENT)  # covered: no gap
    assert len(w.events("coverage.gap", after=before)) == 1

    w.duty("ana", "off_duty")  # nobody again: a new gap, announced once
    w.mention(URGENT)
    w.mention(URGENT)
    gaps = w.events("coverage.gap", after=before)
    assert len(gaps) == 2
    assert "ana went off duty" in gaps[1].payload["reason"]

    # Being away is not coverage, and an away person coming back closes it.
    w.duty("ana", "away")
    w.mention(URGENT)
    assert len(w.events("coverage.gap", after=before)) == 2
    w.duty("ana", "on_duty")
    w.duty("ana", "off_duty")
    assert len(w.events("coverage.gap", after=before)) == 3


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
        assert notice["title"] == "Responder: coverage gap"
        assert "urgent mention" in notice["message"]


def test_a_failing_notifier_never_breaks_the_request(tmp_path: Path) -> None:
    dead = f"json://127.0.0.1:{free_port()}/nobody-listens"
    for w in make_world(tmp_path, settings={"notify_urls": [dead, "not a url at all"]}):
        before = w.last_event_id()
        w.mention(URGENT)  # asserts 200 inside
        assert len(w.events("coverage.gap", after=before)) == 1
