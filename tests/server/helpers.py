"""Shared tools of the server tests.

`World` (`make_world`): the real app (`create_app`) on a fresh database in this process, driven
through FastAPI's test client for plain JSON endpoints, with an injectable clock and the
periodic jobs run on demand (`world.run_jobs()`), so escalation and the rota are tested at
chosen instants.

For real server processes (tests/support/live_server.py): the account commands run as real
processes, waiting for events on a server's live SSE stream, and polling a foreign process
(the mock) within a deadline where nothing can be awaited."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi.testclient import TestClient
from httpx import Response
from httpx_sse import EventSource
from sqlalchemy import select

from app.models.enums import Network, Role
from app.models.schemas import UserCreate
from app.models.tables import Event
from app.server.app import create_app
from app.server.db import Database, open_database
from app.server.migrate import upgrade_to_head
from app.server.services import jobs
from app.server.services.accounts import create_account
from app.server.services.users import create_user
from app.server.settings import Settings
from tests.support.live_server import REPO_ROOT, LiveServer, mention_json
from tests.support.sse import ReceivedEvent, last_event_id, open_stream

T = TypeVar("T")
T0 = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # a Friday, two days before Europe's DST change
_ids = itertools.count(1)


class FakeClock:
    """The server's clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return self.now


@dataclass
class World:
    client: TestClient
    db: Database
    clock: FakeClock
    admin_token: str
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def h(self, who: str | None = None) -> dict[str, str]:
        token = self.admin_token if who in (None, "admin") else self.tokens[who]
        return {"Authorization": f"Bearer {token}"}

    def call(
        self, method: str, path: str, who: str | None = None, json: Any = None, **params: Any
    ) -> Response:
        response: Response = self.client.request(
            method, f"/api/v1{path}", headers=self.h(who), json=json, params=params or None
        )
        return response

    def user(self, name: str, role: str = "rep", teams: Sequence[str] = ()) -> int:
        response = self.call(
            "POST", "/users", json={"name": name, "role": role, "teams": list(teams)}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        self.tokens[name] = body["token"]
        self.ids[name] = int(body["id"])
        return int(body["id"])

    def duty(self, name: str, duty: str, by: str | None = None) -> Response:
        response = self.call("PUT", f"/users/{self.ids[name]}/duty", by or name, {"duty": duty})
        assert response.status_code == 200, response.text
        return response

    def mention(self, text: str = "Hello, my order is late") -> int:
        response = self.call("POST", "/mentions", json=[mention_json(f"team-{next(_ids)}", text)])
        assert response.status_code == 200, response.text
        return int(response.json()["created"][0])

    def claimed(self, name: str, text: str = "Hello, my order is late") -> int:
        mention_id = self.mention(text)
        response = self.call("POST", f"/mentions/{mention_id}/claim", name, {"version": 1})
        assert response.status_code == 200, response.text
        return mention_id

    def brand_account(self, name: str = "acme", network: str = "mastodon") -> int:
        """Connect a brand account (no worker runs here: nothing is ingested or sent)."""
        with self.db.write() as session:
            account = create_account(
                session,
                network=Network(network),
                name=name,
                base_url="http://127.0.0.1:9",
                secret_ref="",
                options={},
                now=self.clock(),
            )
            return account.id

    def run_jobs(self) -> dict[str, list[int]]:
        with self.db.write() as session:
            return jobs.run_due_jobs(session, self.clock())

    def events(self, *types: str, after: int = 0) -> list[Event]:
        """The log after position `after` (a `last_event_id()`), every change made so far
        included (on PostgreSQL events are placed just after their commit)."""
        self.last_event_id()
        with self.db.read() as session:
            query = select(Event).where(Event.position > after).order_by(Event.position)
            if types:
                query = query.where(Event.type.in_(types))
            return list(session.scalars(query))

    def last_event_id(self) -> int:
        return int(self.call("GET", "/health").json()["last_event_id"])


def make_world(
    tmp_path: Path,
    *,
    settings: Mapping[str, Any] | None = None,
    start: datetime = T0,
    database_url: str | None = None,
) -> Iterator[World]:
    url = database_url or f"sqlite:///{tmp_path / 'team.sqlite3'}"
    db = open_database(url)
    upgrade_to_head(db)
    clock = FakeClock(start)
    with db.write() as session:
        admin = create_user(session, UserCreate(name="admin", role=Role.ADMIN), by=None, now=start)
    config = Settings(
        database_url=url,
        **{
            "run_jobs": False,
            "run_ingest": False,
            "token_cache_seconds": 0,
            "freeze_startup_heap": False,  # this test process lives on after the app
            # Webhook batches planned in this process: the same plan as the pool's
            # (tests/server/test_ingest_planner.py runs the pool), without spawning two
            # processes that import the app for each world (5 s of two cores' time).
            "ingest_processes": 0,
            **(settings or {}),
        },
    )
    app = create_app(config, database=db, clock=clock)
    try:
        with TestClient(app, raise_server_exceptions=True) as client:
            yield World(client=client, db=db, clock=clock, admin_token=admin.token)
    finally:
        db.dispose()


# --- real server processes -----------------------------------------------------------------------


def account_cli(
    args: Sequence[str],
    server: LiveServer,
    *,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m app.server.cli ARGS --database-url <the server's>` with `stdin` piped in."""
    return subprocess.run(
        [sys.executable, "-m", "app.server.cli", *args, "--database-url", server.database_url],
        cwd=REPO_ROOT,
        env={**os.environ, **server.env, **(env or {})},
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def add_mastodon_account(
    server: LiveServer,
    base_url: str,
    token: str,
    *,
    name: str = "acme",
    options: Sequence[str] = (),
) -> int:
    extra: list[str] = []
    for option in options:
        extra += ["--option", option]
    result = account_cli(
        [
            "add-account",
            "mastodon",
            "--name",
            name,
            "--base-url",
            base_url,
            "--secret-stdin",
            *extra,
        ],
        server,
        stdin=token + "\n",
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


class EventWaiter:
    """Reads one open SSE stream and hands out the events a test waits for."""

    def __init__(self, source: EventSource) -> None:
        self._iter = source.iter_sse()
        self.seen: list[ReceivedEvent] = []

    def wait(
        self, predicate: Callable[[ReceivedEvent], bool], *, within: float = 30.0
    ) -> ReceivedEvent:
        """The next event matching `predicate` (earlier matching ones already seen count too)."""
        for event in self.seen:
            if predicate(event):
                self.seen.remove(event)
                return event
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            sse = next(self._iter)  # bounded by the stream's read timeout
            if not sse.data:
                continue
            event = ReceivedEvent(id=int(sse.id), type=sse.event, data=json.loads(sse.data))
            if predicate(event):
                return event
            self.seen.append(event)
        raise TimeoutError("the expected event did not arrive")


@contextmanager
def events_from_now(server: LiveServer, token: str | None = None) -> Iterator[EventWaiter]:
    """A stream of the events that happen after this point."""
    after = last_event_id(server.base_url)
    with open_stream(server.base_url, token or server.admin_token, last_event_id=after) as source:
        yield EventWaiter(source)


def is_mention(external_id: str) -> Callable[[ReceivedEvent], bool]:
    return lambda e: (
        e.type == "mention.created" and e.data["payload"]["mention"]["external_id"] == external_id
    )


def is_reply(client_id: str, *statuses: str) -> Callable[[ReceivedEvent], bool]:
    return lambda e: (
        e.type == "reply.updated"
        and e.data["payload"]["reply"]["client_id"] == client_id
        and e.data["payload"]["reply"]["status"] in statuses
    )


def is_account(name: str, state: str) -> Callable[[ReceivedEvent], bool]:
    return lambda e: (
        e.type == "account.updated"
        and e.data["payload"]["account"]["name"] == name
        and e.data["payload"]["account"]["state"] == state
    )


def poll(check: Callable[[], T | None], *, within: float = 30.0, what: str = "condition") -> T:
    """For foreign processes only (the mock, a restarting server): nothing there to await."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {within} s")


def accounts(server: LiveServer) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.base_url}/api/v1/accounts", headers=server.headers(), timeout=10)
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def reply(server: LiveServer, mention: dict[str, Any], body: str, client_id: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/v1/mentions/{mention['id']}/replies",
        headers=server.headers(),
        json={"client_id": client_id, "body": body, "base_version": mention["version"]},
        timeout=10,
    )


def mentions(server: LiveServer, **params: Any) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{server.base_url}/api/v1/mentions",
        headers=server.headers(),
        params={"limit": 500, **params},
        timeout=10,
    )
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data
