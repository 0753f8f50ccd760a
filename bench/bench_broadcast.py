"""Broadcast delivery benchmark: from a manager's POST /api/v1/broadcasts to the moment each of
50 connected consoles has the `broadcast.sent` event off its event stream (p50/p99), next to
a plain GET /api/v1/health baseline measured in the same run. Target: p99 < 1 s.

    .venv/bin/python bench/bench_broadcast.py [--consoles 50] [--rounds 20]
    RESPONDER_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_broadcast.py --postgres

The server is a real `responder-server serve` process (SQLite by default); the consoles are
httpx + httpx-sse streams, as the desktop client reads them; every console then acknowledges,
and the time until the manager's stream has seen every `broadcast.acked` is reported too."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from httpx_sse import aconnect_sse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.live_server import LiveServer, start_live_server
from tests.support.postgres import temporary_postgres_database


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Console:
    """One console's event stream; resolves a future per broadcast id when it arrives."""

    def __init__(self, base_url: str, token: str, after: int) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10, read=None))
        self.headers = {"Authorization": f"Bearer {token}", "Last-Event-ID": str(after)}
        self.waiting: dict[int, asyncio.Future[float]] = {}
        self.acked: dict[int, int] = {}
        self.acks_done: dict[int, asyncio.Future[float]] = {}
        self.connected = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(self._read())

    def expect(self, broadcast_id: int) -> asyncio.Future[float]:
        return self.waiting.setdefault(broadcast_id, asyncio.get_running_loop().create_future())

    def expect_acks(self, broadcast_id: int, count: int) -> asyncio.Future[float]:
        self.acked[broadcast_id] = count
        return self.acks_done.setdefault(broadcast_id, asyncio.get_running_loop().create_future())

    async def _read(self) -> None:
        async with aconnect_sse(self.client, "GET", "/api/v1/events", headers=self.headers) as sse:
            sse.response.raise_for_status()
            self.connected.set_result(None)
            async for event in sse.aiter_sse():
                if event.event == "broadcast.sent":
                    broadcast_id = int(json.loads(event.data)["payload"]["broadcast"]["id"])
                    future = self.expect(broadcast_id)
                    if not future.done():
                        future.set_result(time.perf_counter())
                elif event.event == "broadcast.acked":
                    broadcast_id = int(json.loads(event.data)["payload"]["broadcast_id"])
                    left = self.acked.get(broadcast_id, 0) - 1
                    self.acked[broadcast_id] = left
                    done = self.acks_done.get(broadcast_id)
                    if left == 0 and done is not None and not done.done():
                        done.set_result(time.perf_counter())

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.client.aclose()


async def health_baseline(client: httpx.AsyncClient, count: int) -> list[float]:
    timings: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.get("/api/v1/health")
        response.raise_for_status()
        timings.append(time.perf_counter() - started)
    return timings


async def run(server: LiveServer, consoles_n: int, rounds: int) -> dict[str, float]:
    base = server.base_url
    async with httpx.AsyncClient(base_url=base, timeout=30) as admin:

        async def user(name: str, role: str) -> tuple[int, str]:
            r = await admin.post(
                "/api/v1/users", json={"name": name, "role": role}, headers=server.headers()
            )
            r.raise_for_status()
            return int(r.json()["id"]), str(r.json()["token"])

        _, manager_token = await user("bench-manager", "manager")
        reps = [await user(f"bench-rep-{i}", "rep") for i in range(consoles_n)]
        for rep_id, token in reps:
            r = await admin.put(
                f"/api/v1/users/{rep_id}/duty",
                json={"duty": "on_duty"},
                headers={"Authorization": f"Bearer {token}"},
            )
            r.raise_for_status()
        after = int((await admin.get("/api/v1/health")).json()["last_event_id"])
        consoles = [Console(base, token, after) for _, token in reps]
        manager_view = Console(base, manager_token, after)
        await asyncio.wait_for(
            asyncio.gather(*(c.connected for c in [*consoles, manager_view])), 30
        )
        baseline = await health_baseline(admin, 200)
        delivery: list[float] = []
        post_times: list[float] = []
        ack_round: list[float] = []
        manager_headers = {"Authorization": f"Bearer {manager_token}"}
        for round_no in range(rounds):
            started = time.perf_counter()
            sent = await admin.post(
                "/api/v1/broadcasts",
                json={"text": f"Bench broadcast {round_no}", "severity": "urgent"},
                headers=manager_headers,
            )
            sent.raise_for_status()
            post_times.append(time.perf_counter() - started)
            broadcast_id = int(sent.json()["id"])
            arrivals = await asyncio.wait_for(
                asyncio.gather(*(c.expect(broadcast_id) for c in consoles)), 30
            )
            delivery.extend(arrived - started for arrived in arrivals)
            all_acked = manager_view.expect_acks(broadcast_id, consoles_n)
            ack_started = time.perf_counter()
            acks = await asyncio.gather(
                *(
                    admin.post(
                        f"/api/v1/broadcasts/{broadcast_id}/ack",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    for _, token in reps
                )
            )
            assert all(a.status_code == 200 for a in acks), [a.text for a in acks][:3]
            ack_round.append(await asyncio.wait_for(all_acked, 30) - ack_started)
        for console in [*consoles, manager_view]:
            await console.close()
    return {
        "health_p50": percentile(baseline, 50),
        "health_p99": percentile(baseline, 99),
        "post_p50": percentile(post_times, 50),
        "delivery_p50": percentile(delivery, 50),
        "delivery_p99": percentile(delivery, 99),
        "delivery_max": max(delivery),
        "delivery_mean": statistics.fmean(delivery),
        "samples": float(len(delivery)),
        "ack_round_p50": percentile(ack_round, 50),
        "ack_round_max": max(ack_round),
    }


def report(label: str, consoles: int, figures: dict[str, float]) -> bool:
    ok = figures["delivery_p99"] < 1.0
    print(f"\n{label}: broadcast to {consoles} consoles ({int(figures['samples'])} deliveries)")
    health = f"p50 {ms(figures['health_p50'])}  p99 {ms(figures['health_p99'])}"
    print(f"  GET /health baseline      {health}")
    print(f"  POST /broadcasts          p50 {ms(figures['post_p50'])}")
    print(
        f"  delivery POST→console     p50 {ms(figures['delivery_p50'])}  "
        f"p99 {ms(figures['delivery_p99'])}  max {ms(figures['delivery_max'])}  "
        f"[target p99 < 1 s: {'met' if ok else 'MISSED'}]"
    )
    print(
        f"  {consoles} acks → manager sees all  p50 {ms(figures['ack_round_p50'])}  "
        f"max {ms(figures['ack_round_max'])}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    args = parser.parse_args()
    ok = True
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        backends: list[tuple[str, str | None]] = [("SQLite", None)]
        if args.postgres:
            backends.append(("PostgreSQL", stack.enter_context(temporary_postgres_database())))
        for label, url in backends:
            with start_live_server(tmp / label, database_url=url) as server:
                figures = asyncio.run(run(server, args.consoles, args.rounds))
            ok = report(label, args.consoles, figures) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
