"""Drill: event streams whose clients never read.

Two hundred real HTTP clients (raw sockets with small receive buffers) open the event stream
and never read a byte of it while bursts of large mentions are ingested. The server must not
buffer for them without end: each subscriber's queue is bounded (and let go when it
overflows), a client that stopped reading is dropped (its connection closed: it would resume
with Last-Event-ID), the server's memory stays bounded and /health stays fast. A user may
have only so many streams open: one more is refused 429 with a sentence."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.server.events import Delivery, Overflowed, Subscriber, encode_event
from tests.support.drills import poll
from tests.support.live_server import LiveServer, mention_json, start_live_server

pytestmark = pytest.mark.slow

STUCK = 200
USERS = 25  # 8 streams each: the default cap per user
QUEUE = 100
SEND_TIMEOUT = 1.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def open_stuck_stream(base_url: str, token: str) -> tuple[socket.socket, bytes]:
    """GET /api/v1/events on a socket with a tiny receive buffer; reads only the response
    head, never the body. Returns the socket and the head."""
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.settimeout(10)
    sock.connect((host, int(port)))
    request = (
        f"GET /api/v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)  # byte by byte: nothing of the body is taken
    return sock, head


def closed_by_server(sock: socket.socket) -> bool:
    """Drain what is there; True once the server has closed the connection."""
    sock.setblocking(False)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


class HealthProbe:
    """/health back to back in a thread, keeping the slowest answer."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.worst = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            while not self._stop.is_set():
                began = time.monotonic()
                assert client.get("/api/v1/health").is_success
                self.worst = max(self.worst, time.monotonic() - began)
                self.samples += 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "RESPONDER_SUBSCRIBER_QUEUE_SIZE": str(QUEUE),
        "RESPONDER_STREAM_SEND_TIMEOUT_SECONDS": str(SEND_TIMEOUT),
        "RESPONDER_KEEPALIVE_SECONDS": "0.5",
        # The periodic jobs re-score every open mention in one write transaction; with the
        # thousands of large mentions here that holds SQLite's write lock for seconds.
        "RESPONDER_RUN_JOBS": "false",
    }
    with start_live_server(Path(tmp_path_factory.mktemp("slow")), env=env) as live:
        yield live


def test_streams_that_never_read_are_dropped(server: LiveServer) -> None:
    tokens = [server.create_user(f"stuck-{i}")[1] for i in range(USERS)]
    big = "Where is my order? " * 200  # ~3.8 kB a mention
    # The same bursts without any stream: what ingesting alone costs /health on this machine.
    with HealthProbe(server.base_url) as alone:
        for burst in range(3):
            server.ingest([mention_json(f"alone-{burst}-{i}", big) for i in range(200)])
        poll(lambda: alone.samples >= 20, 30, "health samples")
    base_rss = rss_mb(server.process.pid)
    stuck = []
    for n in range(STUCK):
        sock, head = open_stuck_stream(server.base_url, tokens[n % USERS])
        assert head.startswith(b"HTTP/1.1 200"), head
        stuck.append(sock)
    peak = base_rss
    try:
        with HealthProbe(server.base_url) as probe:
            for burst in range(10):
                server.ingest([mention_json(f"slow-{burst}-{i}", big) for i in range(200)])
                peak = max(peak, rss_mb(server.process.pid))
            poll(lambda: probe.samples >= 20, 30, "health samples")
        # Every client that stopped reading is dropped: its connection is closed.
        poll(lambda: all(closed_by_server(s) for s in stuck), 30, "stuck streams closed")
    finally:
        for sock in stuck:
            sock.close()
    grown = peak - base_rss
    print(
        f"\n{STUCK} stuck streams, 2,000 mentions of ~3.8 kB: /health worst "
        f"{probe.worst * 1000:.0f} ms over {probe.samples} calls (without streams: "
        f"{alone.worst * 1000:.0f} ms); server memory "
        f"{base_rss:.0f} → {peak:.0f} MB (+{grown:.0f} MB)"
    )
    assert probe.worst < 2.0, f"/health took {probe.worst:.2f} s with {STUCK} stuck streams"
    assert grown < 100, f"the server grew by {grown:.0f} MB"
    log = server.log()
    assert log.count("its client stopped reading") == STUCK, "each dropped once, said once"
    assert "without completing response" not in log, "a drop on purpose is no server error"
    # Each user's stream slots were given back: a new stream opens.
    sock, head = open_stuck_stream(server.base_url, tokens[0])
    sock.close()
    assert head.startswith(b"HTTP/1.1 200"), head


def test_a_user_has_at_most_eight_streams(server: LiveServer) -> None:
    _id, token = server.create_user("many-consoles")
    streams = [open_stuck_stream(server.base_url, token) for _ in range(8)]
    try:
        assert all(head.startswith(b"HTTP/1.1 200") for _s, head in streams)
        refused = httpx.get(
            f"{server.base_url}/api/v1/events", headers=server.headers(token), timeout=10
        )
        assert refused.status_code == 429, refused.text
        assert refused.json()["code"] == "too_many_streams"
        assert refused.json()["detail"].startswith("You already have 8 event streams open")
    finally:
        for sock, _head in streams:
            sock.close()
    # Closing them gives the slots back (noticed when the server next writes to them).
    poll(
        lambda: (
            httpx.get(f"{server.base_url}/api/v1/health", timeout=10).is_success
            and _opens(server, token)
        ),
        15,
        "a stream opens again once the others are closed",
    )


def _opens(server: LiveServer, token: str) -> bool:
    sock, head = open_stuck_stream(server.base_url, token)
    sock.close()
    return head.startswith(b"HTTP/1.1 200")


def test_a_subscriber_queue_is_bounded_and_let_go_when_it_overflows() -> None:
    async def scenario() -> None:
        sub = Subscriber(queue=asyncio.Queue(), limit=5)
        events = [
            encode_event((i, "mention.created", None, "2026-11-30T12:00:00", None, i, "{}"))
            for i in range(1, 10)
        ]
        assert sub.offer(Delivery.of(events[:3]))  # one wake's events: one entry
        assert sub.offer(Delivery.of(events[3:5]))
        assert sub.waiting == 5
        assert sub.queue.qsize() == 2
        first = await sub.next()
        assert [e.id for e in first.events] == [1, 2, 3]
        assert sub.waiting == 2
        assert first.public == b"".join(e.frame for e in events[:3])  # joined once, for all
        assert sub.offer(Delivery.of(events[5:8]))  # 5 waiting again: the limit
        assert not sub.offer(Delivery.of(events[8:9]))  # one event too many: overflowed
        assert sub.queue.qsize() == 1, "only the overflow marker is kept"
        assert not sub.offer(Delivery.of(events[8:9]))
        assert sub.queue.qsize() == 1
        with pytest.raises(Overflowed):
            await sub.next()

    asyncio.run(scenario())


def test_events_for_some_viewers_are_not_joined_for_everyone() -> None:
    public = encode_event((1, "mention.created", None, "2026-11-30T12:00:00", None, 1, "{}"))
    managers = encode_event((2, "storm.alert", "managers", "2026-11-30T12:00:00", None, None, "{}"))
    assert Delivery.of([public]).public == public.frame
    assert Delivery.of([public, managers]).public is None  # each stream picks what it may see
