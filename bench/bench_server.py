"""Team server benchmark: claim throughput with 50 concurrent reps and event fan-out latency
from a change to 200 connected SSE consumers, on SQLite and PostgreSQL, each next to a plain
GET /api/v1/health baseline measured in the same run.

    .venv/bin/python bench/bench_server.py                 # SQLite, plus PostgreSQL when
    RESPONDER_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_server.py             # … this names a server

Targets on a 2-core machine: ≥ 1,000 claim attempts/s; fan-out p99 < 100 ms to 200 consumers.
The load comes from a small raw HTTP/1.1 keep-alive client (asyncio streams, uvloop) so that
the measuring side is not the bottleneck; the server is a real `responder-server serve`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.postgres import temporary_postgres_database


class RawHttp:
    """One keep-alive HTTP/1.1 connection; just enough for JSON request/response."""

    def __init__(self, base_url: str, token: str | None) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        assert self.reader is not None
        assert self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.auth}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length) if length else b""
        return status, payload

    async def open_event_stream(self, after: int) -> asyncio.StreamReader:
        """Connect and ask for the event stream after event `after`; the reader, past the
        response's head, yields the chunked body."""
        await self.connect()
        assert self.writer is not None
        assert self.reader is not None
        self.writer.write(
            (
                f"GET /api/v1/events HTTP/1.1\r\nHost: {self.host}\r\n{self.auth}"
                f"Last-Event-ID: {after}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        assert b" 200 " in head.split(b"\r\n", 1)[0], head
        return self.reader

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def _pool(base_url: str, tokens: list[str]) -> list[RawHttp]:
    clients = [RawHttp(base_url, token) for token in tokens]
    await asyncio.gather(*(c.connect() for c in clients))
    return clients


@dataclass
class Throughput:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _drive(
    clients: list[RawHttp], work: Callable[[int, RawHttp], Coroutine[Any, Any, list[float]]]
) -> Throughput:
    began = time.perf_counter()
    results = await asyncio.gather(*(work(i, c) for i, c in enumerate(clients)))
    seconds = time.perf_counter() - began
    latencies = [x for r in results for x in r]
    return Throughput(len(latencies), seconds, latencies)


async def health_baseline(server: LiveServer, concurrency: int, per_client: int) -> Throughput:
    clients = await _pool(server.base_url, [""] * concurrency)

    async def work(_i: int, client: RawHttp) -> list[float]:
        out = []
        for _ in range(per_client):
            t = time.perf_counter()
            status, _ = await client.request("GET", "/api/v1/health")
            assert status == 200
            out.append(time.perf_counter() - t)
        return out

    try:
        await _drive(clients[:4], lambda i, c: work(i, c))  # warm-up
        return await _drive(clients, work)
    finally:
        await asyncio.gather(*(c.close() for c in clients))


async def claim_race(
    server: LiveServer, tokens: list[str], mention_ids: list[int]
) -> tuple[Throughput, dict[int, int]]:
    """Every rep tries to claim every mention (version 1), in a rotated order."""
    clients = await _pool(server.base_url, tokens)
    statuses: dict[int, int] = {}

    async def work(i: int, client: RawHttp) -> list[float]:
        out = []
        shift = (i * 7) % len(mention_ids)
        order = mention_ids[shift:] + mention_ids[:shift]
        body = b'{"version": 1}'
        for mention_id in order:
            t = time.perf_counter()
            status, _ = await client.request("POST", f"/api/v1/mentions/{mention_id}/claim", body)
            out.append(time.perf_counter() - t)
            statuses[status] = statuses.get(status, 0) + 1
        return out

    try:
        return await _drive(clients, work), statuses
    finally:
        await asyncio.gather(*(c.close() for c in clients))


class SseConsumer:
    """A raw SSE connection that timestamps every mention event it receives."""

    def __init__(self, base_url: str, token: str, after: int) -> None:
        self.http = RawHttp(base_url, token)
        self.after = after
        self.arrivals: dict[int, float] = {}
        self.waiters: dict[int, asyncio.Future[None]] = {}
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.http.open_event_stream(self.after)
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        reader = self.http.reader
        assert reader is not None
        buffer = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return
            now = time.perf_counter()
            buffer += chunk[:-2]
            *frames, buffer = buffer.split(b"\r\n\r\n")
            for frame in frames:
                for line in frame.split(b"\r\n"):
                    if line.startswith(b"data: "):
                        data = json.loads(line[6:])
                        mention_id = data.get("mention_id")
                        if data["type"] == "mention.updated" and mention_id is not None:
                            self.arrivals.setdefault(mention_id, now)
                            waiter = self.waiters.pop(mention_id, None)
                            if waiter is not None and not waiter.done():
                                waiter.set_result(None)

    def expect(self, mention_id: int) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        if mention_id in self.arrivals:
            future.set_result(None)
        else:
            self.waiters[mention_id] = future
        return future

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.http.close()


async def fan_out(
    server: LiveServer, consumers_n: int, changes: int, token: str
) -> tuple[list[float], list[float]]:
    """Latency from sending a claim to each of `consumers_n` streams receiving its event."""
    mention_ids = server.ingest([mention_json(f"fan-{time.time_ns()}-{i}") for i in range(changes)])
    probe = RawHttp(server.base_url, None)
    await probe.connect()
    _status, health = await probe.request("GET", "/api/v1/health")
    await probe.close()
    after = int(json.loads(health)["last_event_id"])
    consumers = [
        SseConsumer(server.base_url, server.admin_token, after) for _ in range(consumers_n)
    ]
    for start in range(0, consumers_n, 50):
        await asyncio.gather(*(c.start() for c in consumers[start : start + 50]))
    actor = RawHttp(server.base_url, token)
    await actor.connect()
    latencies: list[float] = []
    request_times: list[float] = []
    try:
        for mention_id in mention_ids:
            waits = [c.expect(mention_id) for c in consumers]
            sent = time.perf_counter()
            status, body = await actor.request(
                "POST", f"/api/v1/mentions/{mention_id}/claim", b'{"version": 1}'
            )
            request_times.append(time.perf_counter() - sent)
            assert status == 200, body
            async with asyncio.timeout(10):
                await asyncio.gather(*waits)
            latencies.extend(c.arrivals[mention_id] - sent for c in consumers)
    finally:
        await actor.close()
        await asyncio.gather(*(c.close() for c in consumers))
    return latencies, request_times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def run_backend(label: str, server: LiveServer, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {label}: {server.base_url}", flush=True)
    tokens = [server.create_user(f"bench-rep-{label}-{i}")[1] for i in range(args.reps)]
    mention_ids: list[int] = []
    for start in range(0, args.mentions, 500):
        batch = [
            mention_json(f"bench-{label}-{time.time_ns()}-{i}")
            for i in range(start, min(start + 500, args.mentions))
        ]
        mention_ids.extend(server.ingest(batch))

    health = await health_baseline(server, args.reps, args.health_per_client)
    print(
        f"health baseline : {health.per_second:8.0f} req/s  "
        f"(p50 {ms(health.pct(50))}, p99 {ms(health.pct(99))}, {args.reps} clients)"
    )
    claims, statuses = await claim_race(server, tokens, mention_ids)
    print(
        f"claim attempts  : {claims.per_second:8.0f} req/s  "
        f"(p50 {ms(claims.pct(50))}, p99 {ms(claims.pct(99))}; {claims.requests} attempts, "
        f"statuses {dict(sorted(statuses.items()))})  ratio to health "
        f"{claims.per_second / health.per_second:.2f}"
    )
    assert statuses.get(200, 0) == len(mention_ids), "every mention must be won exactly once"
    latencies, request_times = await fan_out(server, args.consumers, args.changes, tokens[0])
    print(
        f"fan-out         : p50 {ms(percentile(latencies, 50))}, "
        f"p99 {ms(percentile(latencies, 99))}"
        f", max {ms(max(latencies))} to {args.consumers} SSE consumers over {args.changes} changes"
        f" (the claim request itself: p50 {ms(statistics.median(request_times))})"
        f"; p50 ratio to health p50 {percentile(latencies, 50) / health.pct(50):.1f}"
    )
    return {
        "backend": label,
        "health_rps": round(health.per_second),
        "claim_rps": round(claims.per_second),
        "claim_ratio": round(claims.per_second / health.per_second, 2),
        "fanout_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "fanout_p99_ms": round(percentile(latencies, 99) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--mentions", type=int, default=200)
    parser.add_argument("--health-per-client", type=int, default=200)
    parser.add_argument("--consumers", type=int, default=200)
    parser.add_argument("--changes", type=int, default=30)
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
        env = {"RESPONDER_JOB_INTERVAL_SECONDS": "3600"}
        if args.only in (None, "sqlite"):
            server = stack.enter_context(start_live_server(Path(tmp) / "sqlite", env=env))
            results.append(asyncio.run(run_backend("sqlite", server, args)))
            server.stop()
        if args.only in (None, "postgres"):
            if not pg_url:
                print("\n(PostgreSQL skipped: set RESPONDER_TEST_POSTGRES_URL)")
            else:
                url = stack.enter_context(temporary_postgres_database(pg_url))
                server = stack.enter_context(
                    start_live_server(Path(tmp) / "pg", database_url=url, env=env)
                )
                results.append(asyncio.run(run_backend("postgres", server, args)))
                server.stop()
    print("\n" + json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
