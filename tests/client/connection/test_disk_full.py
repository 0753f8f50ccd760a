"""A team server whose disk is full answers writes with 507 and a sentence: the console shows
that sentence and stops (the action fails for the rep to retry later) instead of taking it for
a passing server failure and retrying for ever. Real server, database on a small full tmpfs
(root only; skipped otherwise)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.client.connection.api import ResponderApi
from app.client.connection.errors import DiskFull, Offline, ServerError
from app.client.stream.outbox import Outbox
from app.client.stream.store import ActionKind, LocalStore, OutboxStatus
from app.client.worker import BlockingWorker
from app.models.enums import Duty
from tests.server.test_disk_full import DISK_FULL, fill, mounted_small_disk
from tests.support.drills import poll
from tests.support.live_server import LiveServer, mention_json, start_live_server


@pytest.fixture
def full_server(tmp_path: Path) -> Iterator[tuple[LiveServer, list[int]]]:
    """A server with a few mentions, then a full disk under its database."""
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted_small_disk(disk):
        url = f"sqlite:///{disk / 'server.sqlite3'}"
        with start_live_server(tmp_path / "server", database_url=url) as server:
            mention_ids = server.ingest([mention_json(f"before-full-{i}") for i in range(20)])
            fill(disk)
            big = "My order is late. " * 200
            counter = iter(range(10_000))

            def refused() -> int | None:
                batch = [mention_json(f"full-{next(counter)}", big) for _ in range(20)]
                answer = httpx.post(
                    f"{server.base_url}/api/v1/mentions",
                    json=batch,
                    headers=server.headers(),
                    timeout=10,
                )
                return None if answer.is_success else answer.status_code

            assert poll(refused, 30, "a write refused on the full disk") == 507
            yield server, mention_ids


# A small write can still fit in the room SQLite's log has left (the server checkpoints it in
# the background, which can make room again) until that room runs out: a write is tried until
# the full disk refuses one, as the server's own drill does (tests/server/test_disk_full.py).
ATTEMPTS = 200


async def refused_duty_change(api: ResponderApi) -> DiskFull:
    for duty in [Duty.AWAY, Duty.ON_DUTY] * (ATTEMPTS // 2):
        try:
            await api.set_duty(1, duty)
        except DiskFull as refused:
            return refused
    raise AssertionError(f"none of {ATTEMPTS} duty changes was refused on the full disk")


async def test_a_full_disk_is_told_in_the_servers_sentence_and_not_retried(
    full_server: tuple[LiveServer, list[int]], tmp_path: Path
) -> None:
    server, mention_ids = full_server
    worker = BlockingWorker("test-disk-full")
    store = LocalStore(tmp_path / "cache.sqlite3")
    try:
        async with ResponderApi(server.base_url, server.admin_token) as api:
            refused = await refused_duty_change(api)
            assert refused.status == 507
            assert refused.detail.startswith(DISK_FULL)
            assert not isinstance(refused, (ServerError, Offline))

            # A queued claim stops with the sentence instead of waiting to be retried.
            outbox = Outbox(store, worker, lambda: 1)
            for mention_id in mention_ids:
                await outbox.enqueue(ActionKind.CLAIM, mention_id, {"version": 1})
                report = await outbox.flush(api)
                assert not report.stopped_offline
                if report.failed:
                    break
        assert [entry.mention_id for entry in report.failed] == [mention_id]
        (entry,) = await worker.call(lambda: store.outbox([OutboxStatus.FAILED]))
        assert entry.detail is not None
        assert entry.detail.startswith(DISK_FULL)
        assert not await worker.call(lambda: store.outbox([OutboxStatus.PENDING]))
    finally:
        store.close()
        worker.shutdown()
