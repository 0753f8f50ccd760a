"""Invariant 1, one owner: 24 clients race to claim the same mentions through a real server
process. Exactly one wins each mention; every loser gets 409 naming the winner."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json

pytestmark = pytest.mark.slow

CLIENTS = 24
MENTIONS = 8


async def _race(server: LiveServer, tag: str) -> None:
    reps = [server.create_user(f"racer-{tag}-{i}") for i in range(CLIENTS)]
    names = {user_id: f"racer-{tag}-{i}" for i, (user_id, _token) in enumerate(reps)}
    mention_ids = server.ingest([mention_json(f"race-{tag}-{i}") for i in range(MENTIONS)])
    results: dict[int, list[tuple[int, httpx.Response]]] = defaultdict(list)
    start_line = asyncio.Barrier(CLIENTS)

    async def racer(user_id: int, token: str) -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=server.headers(token), timeout=30, limits=limits
        ) as client:
            await client.get("/api/v1/me")  # connection open before the start signal
            await start_line.wait()  # all connected: go together
            for mention_id in mention_ids:
                response = await client.post(
                    f"/api/v1/mentions/{mention_id}/claim", json={"version": 1}
                )
                results[mention_id].append((user_id, response))

    tasks = [asyncio.create_task(racer(user_id, token)) for user_id, token in reps]
    async with asyncio.timeout(60):
        await asyncio.gather(*tasks)

    async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers()) as admin:
        for mention_id in mention_ids:
            attempts = results[mention_id]
            assert len(attempts) == CLIENTS
            winners = [uid for uid, r in attempts if r.status_code == 200]
            assert len(winners) == 1, [(uid, r.status_code, r.text) for uid, r in attempts]
            winner = winners[0]
            for user_id, response in attempts:
                if user_id == winner:
                    assert response.json()["assignee_id"] == winner
                    continue
                assert response.status_code == 409, response.text
                body = response.json()
                assert body["current_owner"] == {"id": winner, "name": names[winner]}
                assert body["current_version"] == 2
                assert names[winner] in body["detail"]
            stored = (await admin.get(f"/api/v1/mentions/{mention_id}")).json()
            assert stored["assignee_id"] == winner
            assert stored["version"] == 2
            claims = [h for h in stored["history"] if h["summary"].endswith("claimed it")]
            assert len(claims) == 1


async def test_claim_race_sqlite(live_server: LiveServer) -> None:
    await _race(live_server, "sqlite")


@pytest.mark.postgres
async def test_claim_race_postgres(postgres_live_server: LiveServer) -> None:
    await _race(postgres_live_server, "pg")
