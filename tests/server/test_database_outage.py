"""Drill: the PostgreSQL database goes away under load and comes back.

A real server process talks to a fresh PostgreSQL database through a TCP proxy
(tests/support/tcp_proxy.py). Two outages, as a restart looks from the server:
- every backend of the database is terminated (`pg_terminate_backend`) while a rep's reads, the
  webhook's writes and a console's event stream run;
- the proxy stops (connections cut, new ones refused) for a while, then starts again.
During the outage every call answers 503 with a sentence (never 500, never a dropped
connection); afterwards calls succeed again within seconds without restarting the server, and
the console (the real client's EventStream, resuming with Last-Event-ID) has every event, once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.support.drills import Console, Load, poll
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.postgres import postgres_admin_url, temporary_postgres_database
from tests.support.sse import last_event_id, open_stream, read_until
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.slow

UNREACHABLE = "The server cannot reach its database right now"
RECOVERY_SECONDS = 10.0
# Each background loop says once that it cannot work, and once that it works again.
LOOPS_FAILED = (
    "event tailer cannot read new events",
    "reply sender: claiming replies failed",
    "ingest supervisor: reconciling accounts failed",
    "background job round failed",
)
LOOPS_BACK = (
    "event tailer reads new events again",
    "reply sender: claiming replies works again",
    "ingest supervisor: reconciling accounts works again",
    "background job round works again",
)


@dataclass
class Drill:
    server: LiveServer
    proxy: TcpProxy
    database: str  # its name, for pg_stat_activity
    admin_url: str
    rep: str

    def terminate_backends(self) -> int:
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.database,),
            ).fetchall()
        return len(rows)

    def all_event_ids(self, after: int) -> list[int]:
        end = last_event_id(self.server.base_url)
        with open_stream(self.server.base_url, self.rep, last_event_id=after) as source:
            return [e.id for e in read_until(source, end)]


@pytest.fixture
def drill(tmp_path: Path) -> Iterator[Drill]:
    admin = make_url(postgres_admin_url()).set(drivername="postgresql")
    admin_url = admin.render_as_string(hide_password=False)
    with (
        temporary_postgres_database(admin_url) as url,
        TcpProxy(admin.host or "127.0.0.1", admin.port or 5432) as proxy,
    ):
        env = {
            "RESPONDER_KEEPALIVE_SECONDS": "0.5",
            "RESPONDER_TOKEN_CACHE_SECONDS": "0",
            # The background loops look often, so the outage reaches each of them.
            "RESPONDER_SENDER_POLL_SECONDS": "0.2",
            "RESPONDER_ACCOUNT_REFRESH_SECONDS": "0.2",
            "RESPONDER_JOB_INTERVAL_SECONDS": "0.5",
        }
        with start_live_server(tmp_path, database_url=proxy.url_for(url), env=env) as server:
            _id, rep = server.create_user("outage-rep")
            yield Drill(server, proxy, make_url(url).database or "", admin_url, rep)


def _refusals_are_sentences(load: Load) -> None:
    wrong = [a for a in load.answers if a.status >= 300 and a.status != 503]
    assert not wrong, f"only 503 may refuse during an outage: {wrong[:5]}"
    for answer in load.answers:
        if answer.status == 503:
            assert answer.detail.endswith("."), answer
            assert answer.retry_after is not None, answer


def test_terminated_backends_under_load(drill: Drill) -> None:
    start = last_event_id(drill.server.base_url)
    console = Console(drill.server.base_url, drill.rep, cursor=start)
    load = Load(drill.server, drill.rep)
    load.start()
    try:
        poll(lambda: load.ingested >= 5, 20, "the first writes")
        terminated = 0
        healed: list[float] = []
        for _round in range(3):
            terminated += drill.terminate_backends()
            cut = time.monotonic()
            for path in ("ingest", "/mentions", "/health"):
                poll(
                    lambda path=path, cut=cut: load.successes_after(cut, path) >= 3,  # type: ignore[misc]
                    RECOVERY_SECONDS,
                    f"{path} succeeds again after the backends were terminated",
                )
            healed.append(
                min(a.at for a in load.answers if a.at > cut and a.path == "ingest" and a.ok) - cut
            )
    finally:
        load.stop()
    assert terminated >= 3
    try:
        end = last_event_id(drill.server.base_url)
        console.wait_for(end)
    finally:
        console.close()
    _refusals_are_sentences(load)
    refused = sum(1 for a in load.answers if a.status == 503)
    print(
        f"\n{terminated} backends terminated in 3 cuts; {len(load.answers)} calls, {refused} "
        f"answered 503; first write after each cut: "
        + ", ".join(f"{h * 1000:.0f} ms" for h in healed)
    )
    assert console.ids == drill.all_event_ids(start), "the console missed or repeated events"
    assert len(console.ids) >= load.ingested


def test_database_away_then_back(drill: Drill) -> None:
    base = drill.server.base_url
    start = last_event_id(base)
    console = Console(base, drill.rep, cursor=start)
    rep = {"Authorization": f"Bearer {drill.rep}"}
    admin = drill.server.headers()
    try:
        before = drill.server.ingest([mention_json(f"before-{i}") for i in range(3)])
        console.wait_for(last_event_id(base))

        drill.proxy.stop()
        with httpx.Client(base_url=base, timeout=10) as client:
            first = poll(
                lambda: (r := client.get("/api/v1/mentions", headers=rep)).status_code == 503 and r,
                5,
                "503 once the database is away",
            )
            assert first.json()["detail"].startswith(UNREACHABLE)
            assert first.json()["code"] == "database_unavailable"
            assert first.headers["Retry-After"] == "2"
            # While it is away: reads, writes, health and new streams all answer 503.
            for _ in range(5):
                write = client.post("/api/v1/mentions", json=mention_json("away"), headers=admin)
                health = client.get("/api/v1/health")
                stream = client.get("/api/v1/events", headers=rep)
                for answer in (write, health, stream):
                    assert answer.status_code == 503, (answer.url, drill.server.log()[-5000:])
                    assert answer.json()["detail"].startswith(UNREACHABLE)

            # Away long enough for every background loop to have met the outage.
            for noticed in LOOPS_FAILED:
                poll(lambda noticed=noticed: noticed in drill.server.log(), 10, noticed)  # type: ignore[misc]

            drill.proxy.start()
            back = time.monotonic()
            poll(
                lambda: client.get("/api/v1/mentions", headers=rep).is_success,
                RECOVERY_SECONDS,
                "reads after the database is back",
            )
            poll(
                lambda: (
                    client.post(
                        "/api/v1/mentions", json=mention_json("back"), headers=admin
                    ).is_success
                ),
                RECOVERY_SECONDS,
                "writes after the database is back",
            )
            recovered = time.monotonic() - back
        after = drill.server.ingest([mention_json(f"after-{i}") for i in range(3)])
        console.wait_for(last_event_id(base))
    finally:
        console.close()
    print(f"\nrecovered {recovered:.2f} s after the database was back")
    assert recovered < RECOVERY_SECONDS
    assert console.ids == drill.all_event_ids(start), "the console missed or repeated events"
    assert len(console.ids) == len(before) + 1 + len(after)  # the "away" write never happened
    log = drill.server.log()
    assert log.count("the database is unreachable: calls answer 503") == 1, log[-3000:]
    counter = iter(range(10_000))
    poll(
        lambda: (
            drill.server.ingest([mention_json(f"later-{next(counter)}")])
            and "the database is reachable again: writes succeed" in drill.server.log()
        ),
        20,
        "the log saying the database is back",
    )
    poll(lambda: all(line in drill.server.log() for line in LOOPS_BACK), 10, "loops back")
    log = drill.server.log()
    for line in (*LOOPS_FAILED, *LOOPS_BACK):
        assert log.count(line) == 1, f"{line!r} once: {log[-4000:]}"
    assert "Traceback" not in drill.server.log(), "an outage is no bug: no traces in the log"
