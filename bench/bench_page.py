"""On-call page benchmark: from an uncovered urgent mention to the first page.

    .venv/bin/python bench/bench_page.py                   # SQLite, plus PostgreSQL when
    RESPONDER_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_page.py               # … this names a server

One real `responder-server serve` per database (PostgreSQL: a fresh database, dropped after)
with its public URL set, and a receiving HTTP endpoint on 127.0.0.1 in this process: the
on-call managers' paging URLs (`json://127.0.0.1:PORT/<name>`) point at it, so each page's
notice really travels through the server's outgoing notifier. Nobody is on duty. Each round:

1. a manager comes on duty and goes off again (a fresh coverage gap: the next urgent mention
   alerts at once rather than joining a coalesced follow-up);
2. the clock starts, an urgent mention is POSTed through the webhook;
3. measured: (a) the page's notice arriving at the receiving endpoint, (b) `page.sent`
   arriving on a manager's event stream (both from the POST's start);
4. the page is acknowledged (the escalation ends).

A first round warms up (the notifier loads its plugins) and is not counted. GET
/api/v1/health is timed in the same run, between the rounds, for the ratio.

Target (issue 14): the first page within 5 s of the urgent mention.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_server import RawHttp, percentile
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.postgres import temporary_postgres_database

TARGET_SECONDS = 5.0
URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"
PUBLIC_URL = "https://care.example.test"
_MENTION = re.compile(r"#(\d+)")
_PAGE_SENT = re.compile(rb'event: page\.sent\r\ndata: [^\r]*?"mentions":\s*\[\{"id":\s*(\d+)')


class Waiters:
    """Futures keyed by mention id, resolved (with the perf_counter time) from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.futures: dict[int, asyncio.Future[float]] = {}

    def expect(self, mention_id: int) -> asyncio.Future[float]:
        return self.futures.setdefault(mention_id, self.loop.create_future())

    def arrived(self, mention_id: int, at: float) -> None:
        def resolve() -> None:
            future = self.expect(mention_id)
            if not future.done():
                future.set_result(at)

        self.loop.call_soon_threadsafe(resolve)


def start_receiver(notices: Waiters) -> HTTPServer:
    """The paging URLs' endpoint: every notice resolves the waiter of the mention it names."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            at = time.perf_counter()
            length = int(self.headers.get("Content-Length", "0"))
            message = str(json.loads(self.rfile.read(length) or b"{}").get("message", ""))
            self.send_response(200)
            self.end_headers()
            for match in _MENTION.finditer(message):
                notices.arrived(int(match.group(1)), at)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def read_pages(reader: asyncio.StreamReader, events: Waiters) -> None:
    """A manager's raw event stream: each `page.sent` resolves the waiter of its mention."""
    tail = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return
        at = time.perf_counter()
        data = tail + chunk[:-2]
        cut = data.rfind(b"\r\n\r\n")
        complete, tail = (data[: cut + 4], data[cut + 4 :]) if cut >= 0 else (b"", data)
        for match in _PAGE_SENT.finditer(complete):
            events.arrived(int(match.group(1)), at)


async def run_backend(label: str, server: LiveServer, rounds: int) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    notices, events = Waiters(loop), Waiters(loop)
    receiver = start_receiver(notices)
    port = receiver.server_address[1]
    ana_id, ana = server.create_user("ana", role="manager")
    admin = RawHttp(server.base_url, server.admin_token)
    manager = RawHttp(server.base_url, ana)
    health = RawHttp(server.base_url, None)
    stream = RawHttp(server.base_url, ana)
    await asyncio.gather(admin.connect(), manager.connect(), health.connect())
    for client, name in ((admin, "admin"), (manager, "ana")):
        body = json.dumps({"urls": [f"json://127.0.0.1:{port}/{name}"]}).encode()
        status, answer = await client.request("PUT", "/api/v1/users/me/paging", body)
        assert status == 200, answer
    status, answer = await health.request("GET", "/api/v1/health")
    reader = await stream.open_event_stream(int(json.loads(answer)["last_event_id"]))
    listener = asyncio.create_task(read_pages(reader, events))
    to_notice: list[float] = []
    to_event: list[float] = []
    health_times: list[float] = []
    try:
        for n in range(rounds + 1):
            for duty in ("on_duty", "off_duty"):
                body = json.dumps({"duty": duty}).encode()
                status, answer = await manager.request("PUT", f"/api/v1/users/{ana_id}/duty", body)
                assert status == 200, answer
            mention = json.dumps([mention_json(f"page-{label}-{n}", URGENT)]).encode()
            sent = time.perf_counter()
            status, answer = await admin.request("POST", "/api/v1/mentions", mention)
            assert status == 200, answer
            mention_id = int(json.loads(answer)["created"][0])
            notice_at = await asyncio.wait_for(notices.expect(mention_id), 30)
            event_at = await asyncio.wait_for(events.expect(mention_id), 30)
            if n > 0:  # round 0 warms the notifier up
                to_notice.append(notice_at - sent)
                to_event.append(event_at - sent)
            status, answer = await admin.request("GET", "/api/v1/pages?state=waiting")
            for page in json.loads(answer)["data"]:
                ack = await admin.request("POST", f"/api/v1/pages/{page['id']}/ack", b"{}")
                assert ack[0] in (200, 409), ack
            for _ in range(10):
                began = time.perf_counter()
                status, _ = await health.request("GET", "/api/v1/health")
                assert status == 200
                health_times.append(time.perf_counter() - began)
    finally:
        listener.cancel()
        for client in (admin, manager, health, stream):
            await client.close()
        receiver.shutdown()
        receiver.server_close()
    return report(label, to_notice, to_event, health_times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def report(
    label: str, to_notice: list[float], to_event: list[float], health: list[float]
) -> dict[str, Any]:
    health_p50, health_p99 = percentile(health, 50), percentile(health, 99)
    figures: dict[str, Any] = {"backend": label, "rounds": len(to_notice)}
    print(f"\n{label}: {len(to_notice)} rounds; health p50 {ms(health_p50)} p99 {ms(health_p99)}")
    for name, sample in (("notice received", to_notice), ("page.sent on stream", to_event)):
        p50, p99 = percentile(sample, 50), percentile(sample, 99)
        verdict = "met" if p99 < TARGET_SECONDS else "MISSED"
        print(
            f"  {name:<20} p50 {ms(p50)}  p99 {ms(p99)}  max {ms(max(sample))}  "
            f"(p99 / health p99 {p99 / health_p99:.1f}×; target < {TARGET_SECONDS:.0f} s {verdict})"
        )
        figures[name] = {"p50": p50, "p99": p99, "ratio_to_health_p99": p99 / health_p99}
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args()
    env = {"RESPONDER_PUBLIC_URL": PUBLIC_URL}
    results = []
    pg_url = os.environ.get("RESPONDER_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        if args.only in (None, "sqlite"):
            server = stack.enter_context(start_live_server(Path(tmp) / "sqlite", env=env))
            results.append(asyncio.run(run_backend("sqlite", server, args.rounds)))
            server.stop()
        if args.only in (None, "postgres"):
            if not pg_url:
                print("\n(PostgreSQL skipped: set RESPONDER_TEST_POSTGRES_URL)")
            else:
                url = stack.enter_context(temporary_postgres_database(pg_url))
                server = stack.enter_context(
                    start_live_server(Path(tmp) / "pg", database_url=url, env=env)
                )
                results.append(asyncio.run(run_backend("postgres", server, args.rounds)))
                server.stop()
    missed = [
        r["backend"]
        for r in results
        if max(r["notice received"]["p99"], r["page.sent on stream"]["p99"]) >= TARGET_SECONDS
    ]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
