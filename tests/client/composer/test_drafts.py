"""Drafts are never lost: a real child process typing is killed with SIGKILL and the draft it
had saved is there after a restart; a lost claim and a reassignment leave it alone; two
workstations that typed apart keep both copies and ask."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from app.client.composer.drafts import DraftConflict, DraftKeeper, LocalDraft
from app.client.connection.api import ResponderApi
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from tests.client.composer.draft_typist import TEXT
from tests.client.waiting import until
from tests.support.composer import Rep, api_post
from tests.support.live_server import REPO_ROOT


def test_kill_9_while_typing_then_restart_keeps_the_draft(tmp_path: Path) -> None:
    cache = tmp_path / "console.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.client.composer.draft_typist", str(cache), "42"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    saved = 0
    try:
        for line in child.stdout:  # blocks on the child's output: no sleeping
            if line.startswith("saved "):
                saved = int(line.split()[1])
                if saved >= 300:
                    break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert saved >= 300
    store = LocalStore(cache)  # the console starting again
    try:
        restored = store.draft(42)
    finally:
        store.close()
    assert restored is not None
    _client_id, body, _version = restored
    assert len(body) >= saved  # everything reported saved is there (maybe a little more)
    assert TEXT.startswith(body)  # and nothing garbled


@asynccontextmanager
async def workstation(rep: Rep, cache: Path, device: str) -> AsyncIterator[DraftKeeper]:
    store = LocalStore(cache)
    worker = BlockingWorker(f"drafts-{device}")
    api = ResponderApi(rep.server.base_url, rep.token, timeout=5)
    keeper = DraftKeeper(store, worker, api, device=device, save_delay=0.01, sync_delay=60)
    try:
        yield keeper
    finally:
        await keeper.aclose()
        await api.aclose()
        worker.shutdown()
        store.close()


async def test_lost_claim_and_reassignment_leave_the_draft(rep: Rep, tmp_path: Path) -> None:
    mention_id, version = rep.new_mention()
    server = rep.server
    async with workstation(rep, tmp_path / "a.sqlite3", "laptop") as keeper:
        draft = await keeper.open(mention_id, version)
        keeper.typed(LocalDraft(mention_id, draft.client_id, "Hi, so sorry about", version))
        await until(keeper.saved, lambda d: d.body == "Hi, so sorry about")
        # a manager gives the mention to someone else
        _, manager_token = server.create_user(f"boss-{uuid.uuid4().hex[:6]}", role="manager")
        other_id, _ = server.create_user(f"eli-{uuid.uuid4().hex[:6]}", role="rep")
        assigned = await asyncio.to_thread(
            api_post, server, f"/mentions/{mention_id}/assign", manager_token, {"user_id": other_id}
        )
        assert assigned.status_code == 200
    async with workstation(rep, tmp_path / "a.sqlite3", "laptop") as keeper:
        again = await keeper.open(mention_id, version)
        assert again.body == "Hi, so sorry about"
        assert again.client_id == draft.client_id


async def test_two_workstations_conflict_keeps_both_and_asks(rep: Rep, tmp_path: Path) -> None:
    mention_id, version = rep.new_mention()
    async with (
        workstation(rep, tmp_path / "laptop.sqlite3", "laptop") as laptop,
        workstation(rep, tmp_path / "desk.sqlite3", "desk") as desk,
    ):
        start = await laptop.open(mention_id, version)
        laptop.typed(LocalDraft(mention_id, start.client_id, "Hi Sam,", version))
        await laptop.push(mention_id)
        # the desk opens it online and continues where the laptop stopped
        on_desk = await desk.pull(mention_id, version)
        assert on_desk.body == "Hi Sam,"
        # both type while apart (e.g. the desk went offline)
        laptop.typed(LocalDraft(mention_id, start.client_id, "Hi Sam, sorry (laptop)", version))
        desk.typed(LocalDraft(mention_id, on_desk.client_id, "Hi Sam, sorry (desk)", version))
        assert (await laptop.push(mention_id)) is not None
        desk_asked: list[DraftConflict] = []
        desk.conflict.connect(desk_asked.append)
        result = await desk.push(mention_id)
        [conflict] = desk_asked
        assert result is not None
        assert not result.saved
        assert conflict.mine == "Hi Sam, sorry (desk)"
        assert conflict.theirs == "Hi Sam, sorry (laptop)"
        assert conflict.theirs_device == "laptop"
        # the laptop learns of it too when it opens the mention again
        laptop_asked: list[DraftConflict] = []
        laptop.conflict.connect(laptop_asked.append)
        await laptop.pull(mention_id, version)
        assert [c.theirs for c in laptop_asked] == ["Hi Sam, sorry (desk)"]
        # the rep keeps both, joined
        joined = LocalDraft(
            mention_id, on_desk.client_id, f"{conflict.theirs}\n{conflict.mine}", version
        )
        resolved = await desk.resolve(joined, conflict.revision)
        assert resolved.conflict is None
        assert resolved.body == joined.body
        fresh = await laptop.pull(mention_id, version)
        assert fresh.body == joined.body
