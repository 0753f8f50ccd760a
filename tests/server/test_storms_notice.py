"""A storm that starts is also sent through the outgoing notifier (a real local receiving
endpoint), for the managers who are away from the console."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.server.services.storm_detector import ALERT_TITLE
from tests.server.helpers import make_world
from tests.server.test_storms import NOW, OUTAGE, _mention, _post, _quiet_week


class _Receiver(BaseHTTPRequestHandler):
    notices: list[dict[str, Any]]
    storm_notice: threading.Event

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        notice = json.loads(self.rfile.read(length) or b"{}")
        self.notices.append(notice)
        self.send_response(200)
        self.end_headers()
        if notice.get("title") == ALERT_TITLE:
            self.storm_notice.set()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"notices": [], "storm_notice": threading.Event()})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"json://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_storm_that_starts_is_sent_through_the_notifier(
    tmp_path: Path, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    for world in make_world(tmp_path, start=NOW, settings={"notify_urls": [url]}):
        _quiet_week(world)
        _post(world, [_mention(OUTAGE[i % 4] + f" ({i})") for i in range(40)])
        assert handler.storm_notice.wait(30), "the notifier never sent the storm"
        storms = [n for n in handler.notices if n["title"] == ALERT_TITLE]
        assert len(storms) == 1
        message = storms[0]["message"]
        assert message.startswith("A storm is rising across all mentions: 240 mentions an hour")
        assert "#outage" in message
