"""Storm alert benchmark: how soon a manager's console hears of a storm, and what detecting
storms costs ingest.

    .venv/bin/python bench/bench_storm_alert.py            # SQLite, plus PostgreSQL when
    RESPONDER_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_storm_alert.py        # … this names a server

Real `responder-server serve` processes, per database, in this order:

1. ingest alone, detection off (RESPONDER_DETECT_STORMS=false), then on, each on a fresh
   database: a webhook client POSTs bench_storm's mentions (batches of 100, one in ten ~3,600
   characters) back to back — the same phase bench_storm prints as "ingest alone"; the ratio
   of the two rates is detection's cost (with it on, that burst is itself a storm, so the
   rate includes the storm's bookkeeping);
2. time to alert, a third fresh server with detection on: a history of `--usual` mentions in
   this hour of the week (and the next) a week ago is ingested with its past `created_at`; a
   manager's event stream opens; the webhook client then asks for 300 mentions/s in batches of
   100 (bench_storm's rate). The detection rule (app/server/services/storm_baseline.py) says
   which mention tips the storm (the window must hold 3× the usual rate); the figure is the
   time from sending the POST that carries it to `storm.alert` arriving on the manager's
   stream.

Target (issue 14): storm.alert < 10 s after the tipping mention at the storm bench's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.server.services.storm_baseline import MIN_MENTIONS, START_RATIO, WINDOW_MINUTES
from bench.bench_server import RawHttp
from bench.bench_storm import BATCH, Phase, mention_batch, post_batches
from tests.support.live_server import LiveServer, start_live_server
from tests.support.postgres import temporary_postgres_database

TARGET_ALERT_SECONDS = 10.0


@contextmanager
def server_for(tmp: Path, name: str, pg_url: str | None, *, detect: bool) -> Iterator[LiveServer]:
    env = {"RESPONDER_DETECT_STORMS": "true" if detect else "false"}
    with ExitStack() as stack:
        url = stack.enter_context(temporary_postgres_database(pg_url)) if pg_url else None
        yield stack.enter_context(start_live_server(tmp / name, database_url=url, env=env))


async def ingest_alone(server: LiveServer, label: str, total: int) -> float:
    client = RawHttp(server.base_url, server.admin_token)
    await client.connect()
    phase = Phase()
    try:
        await post_batches(client, f"alone-{label}", total, None, phase)
    finally:
        await client.close()
    return phase.ingest_rate


def history(usual: int) -> list[dict[str, object]]:
    """`usual` of the burst's kind of mentions (as many angry) in this hour of the week a week
    ago, and as many in the next hour."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=7)
    mentions = []
    for h in range(2):
        for i, item in enumerate(mention_batch(f"history-{h}", 0, usual)):
            item["created_at"] = (hour + timedelta(hours=h, seconds=3600 * i / usual)).isoformat()
            mentions.append(item)
    return mentions


async def first_storm_alert(server: LiveServer, token: str, after: int) -> tuple[float, Any]:
    """Wait on a manager's event stream for the first `storm.alert`: (when, its data)."""
    http = RawHttp(server.base_url, token)
    reader = await http.open_event_stream(after)
    tail = b""
    try:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                raise RuntimeError("the event stream ended before any storm.alert")
            arrived = time.perf_counter()
            data = tail + chunk[:-2]
            at = data.find(b"event: storm.alert\r\ndata: ")
            if at >= 0:
                end = data.find(b"\r\n\r\n", at)
                while end < 0:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    data += (await reader.readexactly(size + 2))[:-2]
                    end = data.find(b"\r\n\r\n", at)
                body = data[at + len(b"event: storm.alert\r\ndata: ") : end]
                return arrived, json.loads(body)["payload"]
            tail = data[-64:]
    finally:
        await http.close()


async def time_to_alert(server: LiveServer, args: argparse.Namespace) -> dict[str, Any]:
    _, manager = server.create_user("storm-manager", role="manager")
    client = RawHttp(server.base_url, server.admin_token)
    await client.connect()
    past = history(args.usual)
    for start in range(0, len(past), 500):
        status, answer = await client.request(
            "POST", "/api/v1/mentions", json.dumps(past[start : start + 500]).encode()
        )
        assert status == 200, answer[:300]
    status, health = await client.request("GET", "/api/v1/health")
    last = int(json.loads(health)["last_event_id"])
    # The rule: the window must hold MIN_MENTIONS and 3x the usual rate.
    tipping = max(MIN_MENTIONS, math.ceil(START_RATIO * args.usual * WINDOW_MINUTES / 60))
    alert = asyncio.create_task(first_storm_alert(server, manager, last))
    sent: list[float] = []
    began = time.perf_counter()
    n = 0
    try:
        while not alert.done() and time.perf_counter() - began < args.max_seconds:
            delay = began + n * BATCH / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.wait({alert}, timeout=delay)  # the client's schedule
                if alert.done():
                    break
            body = json.dumps(mention_batch("burst", n * BATCH, BATCH)).encode()
            sent.append(time.perf_counter())
            status, answer = await client.request("POST", "/api/v1/mentions", body)
            assert status == 200, answer[:300]
            n += 1
        arrived, data = await asyncio.wait_for(alert, timeout=args.max_seconds)
    finally:
        await client.close()
    ingested = n * BATCH
    tipping_batch = (tipping - 1) // BATCH
    storm = data["storm"]
    if tipping_batch >= len(sent):
        raise RuntimeError(
            f"the {storm['kind']} storm was announced after {ingested} mentions, before the "
            f"rule's tipping mention {tipping}: {storm}"
        )
    latency = arrived - sent[tipping_batch]
    print(
        f"  usual {args.usual}/h in this hour of the week; the storm tips at mention "
        f"{tipping} of the burst (batch {tipping_batch + 1}); {ingested} sent at "
        f"{args.rate:.0f}/s before the alert",
        flush=True,
    )
    print(
        f"  storm.alert on the manager's stream {latency:.2f} s after the tipping POST was sent "
        f"(target < {TARGET_ALERT_SECONDS:.0f} s): {storm['kind']} storm, {storm['count']} "
        f"mentions, {storm['rate_per_hour']:.0f}/h against a usual {storm['usual_per_hour']:.0f}",
        flush=True,
    )
    return {
        "alert_seconds": round(latency, 2),
        "tipping_mention": tipping,
        "sent_before_alert": ingested,
        "storm_count": storm["count"],
    }


async def run_backend(
    label: str, tmp: Path, pg_url: str | None, args: argparse.Namespace
) -> dict[str, Any]:
    print(f"\n== {label}", flush=True)
    rates = {}
    for detect in (False, True):
        with server_for(tmp, f"{label}-alone-{detect}", pg_url, detect=detect) as server:
            rates[detect] = await ingest_alone(server, label, args.ingest_alone)
            server.stop()
    ratio = rates[True] / rates[False]
    print(
        f"  ingest alone  detection off {rates[False]:7.0f} mentions/s   on {rates[True]:7.0f} "
        f"mentions/s   on / off {ratio:.2f}",
        flush=True,
    )
    with server_for(tmp, f"{label}-alert", pg_url, detect=True) as server:
        figures = await time_to_alert(server, args)
        server.stop()
    return {
        "backend": label,
        "ingest_alone_off": round(rates[False]),
        "ingest_alone_on": round(rates[True]),
        "ratio": round(ratio, 2),
        **figures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ingest-alone", type=int, default=6000)
    parser.add_argument("--usual", type=int, default=3000, help="mentions an hour, as usual")
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args()
    pg_url = os.environ.get("RESPONDER_TEST_POSTGRES_URL")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sqlite"):
            results.append(asyncio.run(run_backend("sqlite", Path(tmp), None, args)))
        if args.only in (None, "postgres"):
            if not pg_url:
                print("\n(PostgreSQL skipped: set RESPONDER_TEST_POSTGRES_URL)")
            else:
                results.append(asyncio.run(run_backend("postgres", Path(tmp), pg_url, args)))
    print("\n" + json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
