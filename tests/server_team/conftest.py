"""Fixtures of the team-operations tests (handoffs, duty, rota, broadcasts, coverage gaps).

`team_app`: the real app (`create_app`) on a fresh SQLite file and on a fresh PostgreSQL
database, driven through FastAPI's test client for plain JSON endpoints, with an injectable
clock and the periodic jobs run on demand (`world.run_jobs()`), so escalation and the rota
are tested at chosen instants.
`live_server`: a real server process (tests/support), for the event stream."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from app.models.enums import Role
from app.models.schemas import UserCreate
from app.models.tables import Event
from app.server.app import create_app
from app.server.db import Database, open_database
from app.server.migrate import upgrade_to_head
from app.server.services import jobs
from app.server.services.users import create_user
from app.server.settings import Settings
from tests.support.fixtures import live_server
from tests.support.live_server import mention_json
from tests.support.postgres import temporary_postgres_database

__all__ = ["FakeClock", "World", "live_server", "team_app"]

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

    def run_jobs(self) -> dict[str, list[int]]:
        with self.db.write() as session:
            return jobs.run_due_jobs(session, self.clock())

    def events(self, *types: str, after: int = 0) -> list[Event]:
        with self.db.read() as session:
            query = select(Event).where(Event.id > after).order_by(Event.id)
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
        run_jobs=False,
        run_ingest=False,
        token_cache_seconds=0,
        **dict(settings or {}),
    )
    app = create_app(config, database=db, clock=clock)
    try:
        with TestClient(app, raise_server_exceptions=True) as client:
            yield World(client=client, db=db, clock=clock, admin_token=admin.token)
    finally:
        db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def team_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The app on SQLite, and again on a fresh PostgreSQL database (skipped without one)."""
    if request.param == "sqlite":
        yield from make_world(tmp_path)
        return
    with temporary_postgres_database() as url:
        yield from make_world(tmp_path, database_url=url)
