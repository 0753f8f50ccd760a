"""A real server where a storm can happen and be answered without a network: a demo brand
account (replies "post" locally; it plays an empty demo file, so it brings no mentions of its
own) answers mentions pushed in through the webhook on the demo network, quickly paced, and a
burst of such mentions — more than the detector's minimum within its window — makes a storm.

    with storm_server(tmp_path) as server:
        ids = burst(server, "b1")          # 36 mentions about the app being down"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from tests.support.live_server import LiveServer, start_live_server

BURST = 36  # the detector calls a storm from 30 mentions within ten minutes
TEXTS = (
    "The app is down again, I cannot log in #outage",
    "App down for me too since this morning #outage",
    "Is the app down? Nothing loads #outage",
    "Your app is down AGAIN, this is ridiculous",
    "Cannot pay my bill, the app is down #outage",
    "Still down. Any news? #outage",
)


@contextlib.contextmanager
def storm_server(tmp: Path, *, replies_per_hour: int = 36_000) -> Iterator[LiveServer]:
    env = {"RESPONDER_REPLY_PACE_PER_HOUR": json.dumps({"demo": replies_per_hour})}
    with start_live_server(tmp / "storm-server", env=env) as server:
        empty = tmp / "no-demo-mentions.jsonl"
        empty.write_text("")
        server.add_brand_account("Nimbus", network="demo", base_url=str(empty))
        yield server


def burst(
    server: LiveServer, prefix: str, count: int = BURST, *, names: tuple[str, ...] = ()
) -> list[int]:
    """`count` demo-network mentions from as many customers (named `names` in turn, else
    "Customer n"), about the app being down."""
    mentions = [
        {
            "network": "demo",
            "external_id": f"demo-{prefix}-{n}",
            "author": {
                "handle": f"@{prefix}c{n}",
                "display_name": names[n % len(names)] if names else f"Customer {n}",
            },
            "text": TEXTS[n % len(TEXTS)],
        }
        for n in range(count)
    ]
    return server.ingest(mentions)
