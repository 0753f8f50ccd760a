"""Storm benchmark: ingest thousands of mentions a minute while every claim stays instant.

    .venv/bin/python bench/bench_storm.py                  # SQLite, plus PostgreSQL when
    RESPONDER_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_storm.py              # … this names a server

One real `responder-server serve` per database (PostgreSQL: a fresh database, dropped after),
measured in the same run, in this order:

1. baseline: GET /api/v1/health, one keep-alive connection (rate, p50, p99);
2. ingest alone: a webhook client POSTs mentions in batches of 100, one in ten ~3,600
   characters, back to back (mentions/s);
3. claims alone ("quiet", as long as the storm: the same number of claims): 12 reps each claim
   a fresh mention every 250 ms while 40 event streams listen: claim p50/p99, and the claim's
   `mention.updated` reaching all 40 streams (p50/p99, from the claim's request);
4. the storm: the same claims and streams while the webhook client asks for 300 mentions/s.

Targets (issue 12, on a 2-core machine): ingest alone ≥ 2,000 mentions/s; during the storm
claim p99 ≤ 100 ms and ≤ 3× its quiet p99, event delivery p99 ≤ 200 ms, the 300/s kept.
Every latency is also printed as a ratio to the health p99 measured in the same phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_server import RawHttp, percentile
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.postgres import temporary_postgres_database

BATCH = 100
CLAIM_EVERY = 0.25
TARGET_INGEST_ALONE = 2000.0
TARGET_CLAIM_P99_MS = 100.0
TARGET_DELIVERY_P99_MS = 200.0

_SHORT = (
    "Where is my order? It has been two weeks.",
    "Love the new app, thanks team!",
    "My card was charged twice and nobody answers the phone. Terrible.",
    "Is the shop open on Sunday?",
    "The parcel arrived broken, I want a refund now.",
)
_LONG_PARAGRAPH = (
    "I ordered the blender three weeks ago and it still has not arrived. The tracking page "
    "says it was delivered but nothing is here, and the neighbours have not seen it either. "
    "I called twice and was put on hold for forty minutes each time before the line dropped. "
)
_CLAIMED = re.compile(
    rb'"type":"mention\.updated","at":"[^"]*","actor_id":[^,]*,"mention_id":(\d+)'
)


def mention_batch(prefix: str, start: int, size: int = BATCH) -> list[dict[str, object]]:
    """`size` webhook mentions; one in ten is a long post (~3,600 characters)."""
    batch = []
    for i in range(start, start + size):
        if i % 10 == 9:
            text = f"Review #{i}: " + (_LONG_PARAGRAPH * 15)[:3600]
        else:
            text = f"{_SHORT[i % len(_SHORT)]} (#{i})"
        item = mention_json(f"{prefix}-{i}", text)
        item["author"] = {"handle": f"@customer{i % 997}", "followers": (i * 37) % 50_000}
        batch.append(item)
    return batch


class StreamListener:
    """A raw SSE connection that timestamps the `mention.updated` events it is waiting for,
    without decoding the JSON of anything else (the client must not be the bottleneck)."""

    def __init__(self, base_url: str, token: str, after: int) -> None:
        self.http = RawHttp(base_url, token)
        self.after = after
        self.waiters: dict[int, tuple[float, asyncio.Future[float]]] = {}
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.http.open_event_stream(self.after)
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        reader = self.http.reader
        assert reader is not None
        tail = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return
            now = time.perf_counter()
            data = tail + chunk[:-2]
            cut = data.rfind(b"\r\n\r\n")
            complete, tail = (data[: cut + 4], data[cut + 4 :]) if cut >= 0 else (b"", data)
            if not self.waiters or b"mention.updated" not in complete:
                continue
            for match in _CLAIMED.finditer(complete):
                waiter = self.waiters.pop(int(match.group(1)), None)
                if waiter is not None and not waiter[1].done():
                    waiter[1].set_result(now - waiter[0])

    def expect(self, mention_id: int, sent: float) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters[mention_id] = (sent, future)
        return future

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.http.close()


@dataclass
class Phase:
    """What one phase measured (seconds)."""

    claims: list[float] = field(default_factory=list)
    deliveries: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    claim_statuses: dict[int, int] = field(default_factory=dict)
    ingested: int = 0
    ingest_seconds: float = 0.0
    missed_deliveries: int = 0

    @property
    def ingest_rate(self) -> float:
        return self.ingested / self.ingest_seconds if self.ingest_seconds else 0.0


async def health_baseline(base_url: str, calls: int) -> tuple[float, list[float]]:
    client = RawHttp(base_url, None)
    await client.connect()
    latencies = []
    try:
        began = time.perf_counter()
        for _ in range(calls):
            sent = time.perf_counter()
            status, _ = await client.request("GET", "/api/v1/health")
            assert status == 200
            latencies.append(time.perf_counter() - sent)
        return calls / (time.perf_counter() - began), latencies
    finally:
        await client.close()


async def post_batches(
    client: RawHttp, prefix: str, total: int, rate: float | None, phase: Phase, start: int = 0
) -> list[int]:
    """POST `total` mentions in batches; paced at `rate` mentions/s (None: back to back)."""
    bodies = [
        json.dumps(mention_batch(prefix, i, BATCH)).encode()
        for i in range(start, start + total, BATCH)
    ]
    created: list[int] = []
    began = time.perf_counter()
    for n, body in enumerate(bodies):
        if rate is not None:
            delay = began + n * BATCH / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)  # the client's schedule
        status, answer = await client.request("POST", "/api/v1/mentions", body)
        assert status == 200, answer[:300]
        created.extend(json.loads(answer)["created"])
        phase.ingested += BATCH
    phase.ingest_seconds = time.perf_counter() - began
    return created


def claimable(prefix: str, count: int) -> list[dict[str, object]]:
    return [mention_json(f"{prefix}-{i}", f"Please help, order {i} is late") for i in range(count)]


async def claims_and_streams(
    server: LiveServer,
    tokens: list[str],
    pool: Iterator[int],
    seconds: float,
    phase: Phase,
    streams: list[StreamListener],
) -> None:
    """Each rep claims a fresh mention every CLAIM_EVERY seconds for `seconds`; the health
    probe runs on the same schedule (the same-phase baseline)."""
    deadline = time.perf_counter() + seconds
    pending: list[asyncio.Task[None]] = []

    async def delivered(futures: list[asyncio.Future[float]]) -> None:
        done, not_done = await asyncio.wait(futures, timeout=10)
        phase.deliveries.extend(f.result() for f in done)
        phase.missed_deliveries += len(not_done)

    async def rep(token: str, offset: float) -> None:
        client = RawHttp(server.base_url, token)
        await client.connect()
        try:
            await asyncio.sleep(offset)  # spread the reps over the period
            tick = time.perf_counter()
            while tick < deadline:
                mention_id = next(pool)
                sent = time.perf_counter()
                futures = [s.expect(mention_id, sent) for s in streams]
                status, _ = await client.request(
                    "POST", f"/api/v1/mentions/{mention_id}/claim", b'{"version": 1}'
                )
                phase.claims.append(time.perf_counter() - sent)
                phase.claim_statuses[status] = phase.claim_statuses.get(status, 0) + 1
                pending.append(asyncio.create_task(delivered(futures)))
                tick += CLAIM_EVERY
                await asyncio.sleep(max(0.0, tick - time.perf_counter()))  # the rep's pace
        finally:
            await client.close()

    async def probe() -> None:
        client = RawHttp(server.base_url, None)
        await client.connect()
        try:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                status, _ = await client.request("GET", "/api/v1/health")
                assert status == 200
                phase.health.append(time.perf_counter() - sent)
                await asyncio.sleep(CLAIM_EVERY)
        finally:
            await client.close()

    await asyncio.gather(
        *(rep(t, i * CLAIM_EVERY / len(tokens)) for i, t in enumerate(tokens)), probe()
    )
    await asyncio.gather(*pending)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def report(label: str, phase: Phase, streams: int) -> dict[str, Any]:
    claim_p50, claim_p99 = percentile(phase.claims, 50), percentile(phase.claims, 99)
    health_p99 = percentile(phase.health, 99)
    delivery_p50 = percentile(phase.deliveries, 50)
    delivery_p99 = percentile(phase.deliveries, 99)
    print(
        f"  {label:<7} claims  p50 {ms(claim_p50)}  p99 {ms(claim_p99)}  "
        f"({len(phase.claims)} claims, statuses {dict(sorted(phase.claim_statuses.items()))}); "
        f"health p99 {ms(health_p99)} -> claim p99 / health p99 {claim_p99 / health_p99:.1f}"
    )
    print(
        f"  {label:<7} event to {streams} streams  p50 {ms(delivery_p50)}  p99 {ms(delivery_p99)}"
        f"  (missed {phase.missed_deliveries}); p99 / health p99 "
        f"{delivery_p99 / health_p99:.1f}"
    )
    return {
        "claim_p50_ms": round(claim_p50 * 1000, 1),
        "claim_p99_ms": round(claim_p99 * 1000, 1),
        "delivery_p50_ms": round(delivery_p50 * 1000, 1),
        "delivery_p99_ms": round(delivery_p99 * 1000, 1),
        "health_p99_ms": round(health_p99 * 1000, 1),
    }


def lock_hold(database_url: str, batches: int) -> list[float]:
    """Seconds from BEGIN to COMMIT of the write transaction that stores a webhook batch of 100
    (texts read before it, as the endpoint does), in this process on a database of its own:
    how long ingest holds SQLite's write lock (every other writer waits that long). On
    PostgreSQL only the batch's own rows are held: other writers do not wait for it."""
    from sqlalchemy import event

    from app.models.schemas import MentionCreate
    from app.server.db import open_database
    from app.server.migrate import upgrade_to_head
    from app.server.services import ingest

    db = open_database(database_url)
    upgrade_to_head(db)
    began: list[float] = []
    held: list[float] = []
    event.listen(db.engine, "begin", lambda _conn: began.append(time.perf_counter()))
    event.listen(db.engine, "commit", lambda _conn: held.append(time.perf_counter() - began[-1]))
    try:
        for n in range(batches):
            items = [MentionCreate.model_validate(m) for m in mention_batch(f"hold-{n}", 0)]
            readings = ingest.read_items(items)
            with db.write() as session:
                ingest.ingest(
                    session, items, readings=readings, now=datetime.now(UTC), actor_id=None
                )
    finally:
        db.dispose()
    return held


async def run_backend(label: str, server: LiveServer, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {label}: {server.base_url}", flush=True)
    tokens = [server.create_user(f"storm-rep-{i}")[1] for i in range(args.reps)]
    claims_needed = int(len(tokens) * (args.quiet_seconds + args.storm_seconds) / CLAIM_EVERY)
    ids: list[int] = []
    for start in range(0, claims_needed + 100, 500):
        ids.extend(server.ingest(claimable(f"claimable-{label}-{start}", 500)))
    pool = iter(ids)

    health_rate, health = await health_baseline(server.base_url, args.health_calls)
    print(
        f"  health  {health_rate:7.0f} req/s  p50 {ms(percentile(health, 50))}  "
        f"p99 {ms(percentile(health, 99))}"
    )
    alone = Phase()
    client = RawHttp(server.base_url, server.admin_token)
    await client.connect()
    await post_batches(client, f"alone-{label}", args.ingest_alone, None, alone)
    print(
        f"  ingest alone  {alone.ingest_rate:7.0f} mentions/s  ({alone.ingested} in "
        f"{alone.ingest_seconds:.1f} s; target >= {TARGET_INGEST_ALONE:.0f}; "
        f"mentions/s per health req/s {alone.ingest_rate / health_rate:.2f})"
    )
    last = int(json.loads((await client.request("GET", "/api/v1/health"))[1])["last_event_id"])
    streams = [
        StreamListener(server.base_url, tokens[i % len(tokens)], last) for i in range(args.streams)
    ]
    await asyncio.gather(*(s.start() for s in streams))
    quiet = Phase()
    await claims_and_streams(server, tokens, pool, args.quiet_seconds, quiet, streams)
    result: dict[str, Any] = {"backend": label, "ingest_alone": round(alone.ingest_rate)}
    quiet_figures = report("quiet", quiet, args.streams)
    result["quiet"] = quiet_figures

    storm = Phase()
    asked = args.storm_rate * args.storm_seconds
    await client.close()  # idle through the quiet phase: the server may have closed it
    client = RawHttp(server.base_url, server.admin_token)
    await client.connect()
    ingest = asyncio.create_task(
        post_batches(client, f"storm-{label}", int(asked), args.storm_rate, storm)
    )
    await claims_and_streams(server, tokens, pool, args.storm_seconds, storm, streams)
    await ingest
    print(
        f"  storm   ingest {storm.ingest_rate:7.0f} mentions/s (asked {args.storm_rate:.0f}/s; "
        f"{storm.ingested} in {storm.ingest_seconds:.1f} s)"
    )
    storm_figures = report("storm", storm, args.streams)
    result["storm"] = storm_figures
    result["storm_ingest"] = round(storm.ingest_rate)
    quiet_p99 = quiet_figures["claim_p99_ms"]
    storm_p99 = storm_figures["claim_p99_ms"]
    print(
        f"  storm claim p99 / quiet claim p99: {storm_p99 / quiet_p99:.1f} (target <= 3); "
        f"storm claim p99 {storm_p99:.0f} ms (target <= {TARGET_CLAIM_P99_MS:.0f}); "
        f"delivery p99 {storm_figures['delivery_p99_ms']:.0f} ms "
        f"(target <= {TARGET_DELIVERY_P99_MS:.0f})",
        flush=True,
    )
    await asyncio.gather(*(s.close() for s in streams))
    await client.close()
    return result


def print_hold(held: list[float]) -> dict[str, float]:
    figures = {
        "p50_ms": round(percentile(held, 50) * 1000, 1),
        "p99_ms": round(percentile(held, 99) * 1000, 1),
        "max_ms": round(max(held) * 1000, 1),
    }
    print(
        f"  write transaction of a batch of 100, BEGIN to COMMIT ({len(held)} batches): "
        f"p50 {figures['p50_ms']} ms  p99 {figures['p99_ms']} ms  max {figures['max_ms']} ms",
        flush=True,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=12)
    parser.add_argument("--streams", type=int, default=40)
    parser.add_argument("--health-calls", type=int, default=500)
    parser.add_argument("--ingest-alone", type=int, default=6000)
    # As long as the storm: both p99s from the same number of claims (960), so the storm's
    # ratio to the quiet p99 does not hang on the few slowest of a smaller sample.
    parser.add_argument("--quiet-seconds", type=float, default=20.0)
    parser.add_argument("--storm-seconds", type=float, default=20.0)
    parser.add_argument("--storm-rate", type=float, default=300.0)
    parser.add_argument("--hold-batches", type=int, default=40)
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    results = []
    pg_url = os.environ.get("RESPONDER_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        if args.only in (None, "sqlite"):
            server = stack.enter_context(start_live_server(Path(tmp) / "sqlite"))
            results.append(asyncio.run(run_backend("sqlite", server, args)))
            server.stop()
            held = lock_hold(f"sqlite:///{Path(tmp) / 'hold.sqlite3'}", args.hold_batches)
            results[-1]["lock_hold"] = print_hold(held)
        if args.only in (None, "postgres"):
            if not pg_url:
                print("\n(PostgreSQL skipped: set RESPONDER_TEST_POSTGRES_URL)")
            else:
                url = stack.enter_context(temporary_postgres_database(pg_url))
                server = stack.enter_context(start_live_server(Path(tmp) / "pg", database_url=url))
                results.append(asyncio.run(run_backend("postgres", server, args)))
                server.stop()
                with temporary_postgres_database(pg_url) as hold_url:
                    results[-1]["lock_hold"] = print_hold(lock_hold(hold_url, args.hold_batches))
    print("\n" + json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
