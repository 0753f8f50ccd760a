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
def full_server(tmp_path: Path) -> Iterator[tuple[LiveServer, int, Duty]]:
    """A server with one mention, then a full disk under its database; and a duty change the
    full disk refuses (admin's duty is the other one)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted_small_disk(disk):
        url = f"sqlite:///{disk / 'server.sqlite3'}"
        with start_live_server(tmp_path / "server", database_url=url) as server:
            (mention_id,) = server.ingest([mention_json("before-full")])
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
            # A small write can still fit in the room SQLite's log has (the server checkpoints
            # it in the background), until that room runs out too.
            duties = iter([Duty.AWAY, Duty.ON_DUTY] * 50)

            def duty_refused() -> Duty | None:
                duty = next(duties)
                answer = httpx.put(
                    f"{server.base_url}/api/v1/users/1/duty",
                    json={"duty": duty.value},
                    headers=server.headers(),
                    timeout=10,
                )
                return None if answer.is_success else duty

            refused_duty = poll(duty_refused, 30, "a duty change refused on the full disk")
            yield server, mention_id, refused_duty


async def test_a_full_disk_is_told_in_the_servers_sentence_and_not_retried(
    full_server: tuple[LiveServer, int, Duty], tmp_path: Path
) -> None:
    server, mention_id, refused_duty = full_server
    worker = BlockingWorker("test-disk-full")
    store = LocalStore(tmp_path / "cache.sqlite3")
    try:
        async with ResponderApi(server.base_url, server.admin_token) as api:
            with pytest.raises(DiskFull) as refused:
                await api.set_duty(1, refused_duty)
            assert refused.value.status == 507
            assert refused.value.detail.startswith(DISK_FULL)
            assert not isinstance(refused.value, (ServerError, Offline))

            # A queued claim stops with the sentence instead of waiting to be retried.
            outbox = Outbox(store, worker, lambda: 1)
            await outbox.enqueue(ActionKind.CLAIM, mention_id, {"version": 1})
            report = await outbox.flush(api)
        assert not report.stopped_offline
        assert [entry.mention_id for entry in report.failed] == [mention_id]
        (entry,) = await worker.call(lambda: store.outbox([OutboxStatus.FAILED]))
        assert entry.detail is not None
        assert entry.detail.startswith(DISK_FULL)
    finally:
        store.close()
        worker.shutdown()
