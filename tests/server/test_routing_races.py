"""Routing is race-safe across server processes: two processes on one PostgreSQL (and on one
SQLite file) take webhook batches for one round-robin team at once, while people answer and
resolve and someone goes off duty and comes back through the other process. Afterwards nobody
holds more than the team's capacity, nobody off duty was handed anything after they left,
every mention that matched has exactly one owner or waits, and the event log's last word on
each mention agrees with the database."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from app.server.db import Database, open_database
from tests.server.helpers import poll
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.postgres import temporary_postgres_database

pytestmark = pytest.mark.slow

CAPACITY = 3
PEOPLE = 4
BATCHES = 12
PER_BATCH = 5


def _call(
    server: LiveServer, method: str, path: str, token: str, body: object = None
) -> httpx.Response:
    return httpx.request(
        method,
        f"{server.base_url}/api/v1{path}",
        json=body,
        headers=server.headers(token),
        timeout=30,
    )


def _all_full(db: Database, people: list[int]) -> bool:
    with db.read() as session:
        counts: dict[int, int] = dict(
            session.execute(
                text(
                    "SELECT assignee_id, count(*) FROM mentions WHERE status = 'assigned' "
                    "AND assignee_id IS NOT NULL GROUP BY assignee_id"
                )
            ).all()
        )
    return all(counts.get(user_id, 0) == CAPACITY for user_id in people)


def _race(tmp_path: Path, url: str) -> None:
    with (
        start_live_server(tmp_path / "a", database_url=url) as first,
        start_live_server(tmp_path / "b", database_url=url) as second,
    ):
        _boss_id, boss = first.create_user("race-boss", role="manager")
        people = [first.create_user(f"race-rep-{i}", teams=["billing"]) for i in range(PEOPLE)]
        for user_id, token in people:
            assert (
                _call(
                    first, "PUT", f"/users/{user_id}/duty", token, {"duty": "on_duty"}
                ).status_code
                == 200
            )
        billing = next(
            t["id"] for t in first.get("/api/v1/teams", boss)["data"] if t["name"] == "billing"
        )
        routing = {"mode": "round_robin", "capacity": CAPACITY, "keywords": ["refund"]}
        assert _call(first, "PUT", f"/teams/{billing}/routing", boss, routing).status_code == 200
        leaver_id, leaver = people[0]

        def batch(n: int) -> list[int]:
            server = first if n % 2 else second
            items = [
                mention_json(f"race-{n}-{i}", f"Refund for order {n}-{i} please")
                for i in range(PER_BATCH)
            ]
            return server.ingest(items)

        def churn() -> None:
            # Someone goes off duty and back through the other process, twice, mid-race.
            for duty in ("off_duty", "on_duty", "off_duty"):
                response = _call(second, "PUT", f"/users/{leaver_id}/duty", leaver, {"duty": duty})
                assert response.status_code == 200, response.text

        with ThreadPoolExecutor(max_workers=6) as pool:
            churned = pool.submit(churn)
            created = [i for ids in pool.map(batch, range(BATCHES)) for i in ids]
            churned.result()
        assert len(created) == BATCHES * PER_BATCH

        # Answer (resolve) one mention of each person through alternating processes: their
        # room goes to waiting mentions, handed out by whichever process sees it first.
        db = open_database(url)
        try:
            with db.read() as session:
                held = session.execute(
                    text(
                        "SELECT id, assignee_id, version FROM mentions "
                        "WHERE status = 'assigned' ORDER BY id"
                    )
                ).all()
            tokens = dict(people)
            done: set[int] = set()
            for n, (mention_id, owner, version) in enumerate(held):
                if owner in done or owner not in tokens:
                    continue
                done.add(owner)
                server = first if n % 2 else second
                resolved = _call(
                    server,
                    "POST",
                    f"/mentions/{mention_id}/resolve",
                    tokens[owner],
                    {"version": version},
                )
                assert resolved.status_code == 200, resolved.text
            # The room those answers made is handed out by whichever process's waiting router
            # sees the change first: another process's work, so polled for.
            on_duty = [user_id for user_id, _ in people if user_id != leaver_id]
            poll(lambda: _all_full(db, on_duty), within=30, what="the freed room handed out")

            with db.read() as session:
                counts: dict[int, int] = dict(
                    session.execute(
                        text(
                            "SELECT assignee_id, count(*) FROM mentions "
                            "WHERE status IN ('assigned', 'handoff', 'snoozed') "
                            "AND assignee_id IS NOT NULL GROUP BY assignee_id"
                        )
                    ).all()
                )
                leaver_duty = session.execute(
                    text("SELECT duty FROM users WHERE id = :id"), {"id": leaver_id}
                ).scalar_one()
                leaver_holds = session.execute(
                    text(
                        "SELECT count(*) FROM mentions WHERE assignee_id = :id "
                        "AND status = 'assigned'"
                    ),
                    {"id": leaver_id},
                ).scalar_one()
                rows = session.execute(
                    text("SELECT id, assignee_id, status, version FROM mentions ORDER BY id")
                ).all()
                last_words = {
                    int(mention_id): json.loads(payload) if isinstance(payload, str) else payload
                    for mention_id, payload in session.execute(
                        text(
                            "SELECT DISTINCT ON (mention_id) mention_id, payload FROM events "
                            "WHERE mention_id IS NOT NULL AND type LIKE 'mention.%' "
                            "ORDER BY mention_id, id DESC"
                        )
                        if db.is_postgres
                        else text(
                            "SELECT e.mention_id, e.payload FROM events e WHERE e.id = ("
                            "SELECT max(id) FROM events f WHERE f.mention_id = e.mention_id "
                            "AND f.type LIKE 'mention.%')"
                        )
                    )
                }
        finally:
            db.dispose()
        assert counts, "nobody was handed anything"
        assert max(counts.values()) <= CAPACITY, counts
        assert leaver_duty == "off_duty"
        assert leaver_holds == 0  # gave back what they held, got nothing after leaving
        # Every person on duty is full: waiting mentions remain, each with nobody.
        assert all(counts.get(user_id, 0) == CAPACITY for user_id in on_duty), counts
        for mention_id, owner, status, version in rows:
            event = last_words[int(mention_id)]["mention"]
            assert (event["assignee_id"], event["status"], event["version"]) == (
                owner,
                status,
                version,
            ), mention_id


def test_two_processes_route_one_team_on_postgresql(tmp_path: Path) -> None:
    with temporary_postgres_database() as url:
        _race(tmp_path, url)


def test_two_processes_route_one_team_on_one_sqlite_file(tmp_path: Path) -> None:
    _race(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}")
