"""A burst of concurrent writers larger than the server's worker threads must all finish:
the commit of the transaction holding the write lock may never wait for a thread that the
blocked writers occupy (once seen: 40 duty changes on PostgreSQL hung the server for good)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow

WRITERS = 48  # three times the default 16 worker threads


async def _burst(server: LiveServer, tag: str) -> None:
    users = [server.create_user(f"burst-{tag}-{i}") for i in range(WRITERS)]
    start_line = asyncio.Barrier(WRITERS)

    async def set_duty(user_id: int, token: str) -> httpx.Response:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=server.headers(token), timeout=30
        ) as client:
            await client.get("/api/v1/me")
            await start_line.wait()
            return await client.put(f"/api/v1/users/{user_id}/duty", json={"duty": "on_duty"})

    async with asyncio.timeout(60):
        responses = await asyncio.gather(*(set_duty(uid, tok) for uid, tok in users))
    assert [r.status_code for r in responses] == [200] * WRITERS, [
        r.text for r in responses if r.status_code != 200
    ]
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers()) as admin:
        listed = (await admin.get("/api/v1/users")).json()["data"]
    on_duty = {u["id"] for u in listed if u["duty"] == "on_duty"}
    assert {uid for uid, _ in users} <= on_duty


async def test_write_burst_sqlite(live_server: LiveServer) -> None:
    await _burst(live_server, "sqlite")


@pytest.mark.postgres
async def test_write_burst_postgres(postgres_live_server: LiveServer) -> None:
    await _burst(postgres_live_server, "pg")
