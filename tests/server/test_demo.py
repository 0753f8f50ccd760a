"""`serve --demo` end to end: the demo source runs as a brand account through the same worker
and reply sender as a real network — demo mentions arrive marked is_demo, a reply ends `sent`
with a demo link, and a feed item (no reply in place) is refused with a clear 4xx."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.server.helpers import EventWaiter, accounts, is_reply, mentions, poll, reply
from tests.support.live_server import start_live_server
from tests.support.sse import open_stream


def test_demo_mentions_arrive_marked_and_replies_end_sent(tmp_path: Path) -> None:
    with start_live_server(tmp_path, extra_args=["--demo"]) as server:
        with open_stream(server.base_url, server.admin_token, last_event_id=0) as source:
            events = EventWaiter(source)
            first = events.wait(lambda e: e.type == "mention.created")
            assert first.data["payload"]["mention"]["is_demo"] is True
            demo = poll(
                lambda: [m for m in mentions(server) if m["network"] != "feed"],
                what="demo mentions",
            )
            assert all(m["is_demo"] for m in mentions(server))
            assert all(m["author"]["display_name"].startswith("[demo]") for m in demo)
            [account] = accounts(server)
            assert account["network"] == "demo"
            assert account["state"] == "ok"

            target = demo[0]
            client_id = str(uuid.uuid4())
            assert reply(server, target, "Thanks for telling us!", client_id).status_code == 202
            sent = events.wait(is_reply(client_id, "sent", "failed")).data["payload"]["reply"]
            assert sent["status"] == "sent", sent["error"]
            assert sent["external_url"].startswith("https://demo.invalid/")

        feed = poll(
            lambda: [m for m in mentions(server) if m["network"] == "feed"],
            within=60,
            what="a demo feed item",
        )[0]
        refused = reply(server, feed, "Hello", str(uuid.uuid4()))
        assert refused.status_code == 422
        assert refused.json()["code"] == "reply_not_supported"
        assert "link" in refused.json()["detail"]
