"""Drafts that are never lost: saved to the local store as the rep types (debounced, per
mention), synced to the server so the rep can continue on another workstation, and a conflict
between two copies kept whole and handed to the rep to choose.

The local copy lives in the store's `draft` table (SQLite in WAL mode: a committed save
survives kill -9). It is keyed by mention only, so a lost claim or a reassignment never
touches it. What was last synced (revision and text) is kept beside it, so a later pull can
tell "the server moved on" from "both moved on" (a conflict)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError
from app.client.hooks import Hook
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper
from app.models.composer import DraftPublic, DraftUpdate

log = logging.getLogger(__name__)

SAVE_DELAY = 0.25  # after the last keystroke
MAX_SAVE_DELAY = 1.0  # while typing without a pause
SYNC_DELAY = 2.0  # to the server, after a local save


@dataclass(frozen=True, slots=True)
class LocalDraft:
    mention_id: int
    client_id: str  # the reply's idempotency key: the same for every save of this draft
    body: str
    base_version: int  # the mention's version the rep is writing against


class DraftChoice(StrEnum):
    """Which copy of a draft in conflict the rep keeps."""

    MINE = "mine"  # the text on this workstation's screen
    THEIRS = "theirs"  # the other workstation's copy
    BOTH = "both"  # this one, then the other


@dataclass(frozen=True, slots=True)
class DraftConflict:
    """Two copies of one draft changed apart (two workstations): both kept, the rep asked."""

    mention_id: int
    mine: str
    theirs: str
    theirs_device: str
    revision: int

    def kept(self, choice: DraftChoice, mine: str) -> str:
        """The text the rep keeps, `mine` being the text on screen now."""
        if choice is DraftChoice.MINE:
            return mine
        if choice is DraftChoice.THEIRS:
            return self.theirs
        return f"{mine}\n\n{self.theirs}"


@dataclass(frozen=True, slots=True)
class _Synced:
    revision: int
    body: str


def _sync_key(mention_id: int) -> str:
    return f"draft_sync:{mention_id}"


class DraftKeeper:
    """Saves and syncs drafts. `typed()` is cheap and synchronous (called on every keystroke);
    the disk write happens on the store's worker thread, the sync on the network."""

    def __init__(
        self,
        store: LocalStore,
        worker: BlockingWorker,
        api: ResponderApi,
        *,
        device: str,
        save_delay: float = SAVE_DELAY,
        max_save_delay: float = MAX_SAVE_DELAY,
        sync_delay: float = SYNC_DELAY,
    ) -> None:
        self._store = store
        self._worker = worker
        self._api = api
        self._device = device
        self._save_delay = save_delay
        self._max_save_delay = max_save_delay
        self._sync_delay = sync_delay
        self._pending: dict[int, LocalDraft] = {}
        self._first_typed: dict[int, float] = {}
        self._save_timers: dict[int, asyncio.TimerHandle] = {}
        self._sync_timers: dict[int, asyncio.TimerHandle] = {}
        self._tasks = TaskKeeper("drafts")
        self.saved: Hook[LocalDraft] = Hook()
        self.conflict: Hook[DraftConflict] = Hook()

    # --- local ---------------------------------------------------------------------------

    async def open(self, mention_id: int, base_version: int) -> LocalDraft:
        """The draft to show for a mention: unsaved typing, the saved draft, or a new one."""
        pending = self._pending.get(mention_id)
        if pending is not None:
            return pending
        saved = await self._worker.call(lambda: self._store.draft(mention_id))
        if saved is not None:
            client_id, body, version = saved
            return LocalDraft(mention_id, client_id, body, version)
        return LocalDraft(mention_id, str(uuid.uuid4()), "", base_version)

    def typed(self, draft: LocalDraft) -> None:
        """The rep changed the text: save soon (after a pause, or at least every second)."""
        loop = asyncio.get_running_loop()
        mention_id = draft.mention_id
        self._pending[mention_id] = draft
        now = loop.time()
        first = self._first_typed.setdefault(mention_id, now)
        timer = self._save_timers.pop(mention_id, None)
        if timer is not None:
            timer.cancel()
        delay = min(self._save_delay, max(first + self._max_save_delay - now, 0.0))
        self._save_timers[mention_id] = loop.call_later(delay, self._spawn_flush, mention_id)

    def _spawn_flush(self, mention_id: int) -> None:
        self._tasks.spawn(self.flush(mention_id), name=f"draft-save-{mention_id}")

    async def flush(self, mention_id: int | None = None) -> None:
        """Write unsaved typing now (switching mentions, sending, closing)."""
        ids = [mention_id] if mention_id is not None else list(self._pending)
        for key in ids:
            timer = self._save_timers.pop(key, None)
            if timer is not None:
                timer.cancel()
            self._first_typed.pop(key, None)
            draft = self._pending.pop(key, None)
            if draft is None:
                continue
            await self._save(draft)
            self.saved.emit(draft)
            self._schedule_sync(key)

    async def save_now(self, draft: LocalDraft) -> None:
        """Write this draft at once (replacing unsaved typing of the same mention)."""
        timer = self._save_timers.pop(draft.mention_id, None)
        if timer is not None:
            timer.cancel()
        self._pending.pop(draft.mention_id, None)
        self._first_typed.pop(draft.mention_id, None)
        await self._save(draft)
        self.saved.emit(draft)

    async def _save(self, draft: LocalDraft) -> None:
        await self._worker.call(
            lambda: self._store.save_draft(
                draft.mention_id, draft.client_id, draft.body, draft.base_version
            )
        )

    async def forget(self, mention_id: int) -> None:
        """The reply went out: drop the local and the server copy."""
        timer = self._save_timers.pop(mention_id, None)
        if timer is not None:
            timer.cancel()
        self._pending.pop(mention_id, None)
        self._first_typed.pop(mention_id, None)
        sync = self._sync_timers.pop(mention_id, None)
        if sync is not None:
            sync.cancel()
        await self._worker.call(lambda: self._store.delete_draft(mention_id))
        await self._worker.call(lambda: self._store.set_state(_sync_key(mention_id), ""))
        try:
            await self._api.delete_draft(mention_id)
        except ApiError as exc:
            log.info("server copy of draft %s not deleted: %s", mention_id, exc.detail)

    async def aclose(self) -> None:
        await self.flush()
        for timer in (*self._save_timers.values(), *self._sync_timers.values()):
            timer.cancel()
        await self._tasks.aclose()

    # --- sync with the server ------------------------------------------------------------

    def _schedule_sync(self, mention_id: int) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        timer = self._sync_timers.pop(mention_id, None)
        if timer is not None:
            timer.cancel()
        self._sync_timers[mention_id] = loop.call_later(
            self._sync_delay,
            lambda: self._tasks.spawn(
                self._sync_quietly(mention_id), name=f"draft-sync-{mention_id}"
            ),
        )

    async def _sync_quietly(self, mention_id: int) -> None:
        self._sync_timers.pop(mention_id, None)
        try:
            await self.push(mention_id)
        except ApiError as exc:  # offline or refused: the local copy is safe; retry next save
            log.info("draft %s not synced: %s", mention_id, exc.detail)

    async def _synced(self, mention_id: int) -> _Synced | None:
        raw = await self._worker.call(lambda: self._store.get_state(_sync_key(mention_id)))
        if not raw:
            return None
        data = json.loads(raw)
        return _Synced(int(data["revision"]), str(data["body"]))

    async def _set_synced(self, mention_id: int, revision: int, body: str) -> None:
        text = json.dumps({"revision": revision, "body": body})
        await self._worker.call(lambda: self._store.set_state(_sync_key(mention_id), text))

    async def push(self, mention_id: int) -> DraftPublic | None:
        """Send the local draft to the server (if it changed since the last sync). A conflict
        is announced on `conflict`; nothing is overwritten on either side."""
        await self.flush(mention_id)
        saved = await self._worker.call(lambda: self._store.draft(mention_id))
        if saved is None:
            return None
        body = saved[1]
        synced = await self._synced(mention_id)
        if synced is not None and synced.body == body:
            return None
        update = DraftUpdate(
            body=body, base_revision=synced.revision if synced else 0, device=self._device
        )
        result = await self._api.save_draft(mention_id, update)
        if result.saved:
            await self._set_synced(mention_id, result.revision, body)
        else:
            self.conflict.emit(
                DraftConflict(mention_id, body, result.body, result.device, result.revision)
            )
        return result

    async def pull(self, mention_id: int, base_version: int) -> LocalDraft:
        """Opening a mention online: take the server's copy if only it moved on; report a
        conflict (keeping the local copy on screen) if both did."""
        local = await self.open(mention_id, base_version)
        server = await self._api.draft(mention_id)
        if server is None:
            return local
        synced = await self._synced(mention_id)
        has_local = bool(local.body) or mention_id in self._pending
        unsynced_local = has_local and (synced is None or synced.body != local.body)
        if server.conflict is not None:
            self.conflict.emit(
                DraftConflict(
                    mention_id,
                    server.body,
                    server.conflict.body,
                    server.conflict.device,
                    server.revision,
                )
            )
        if synced is not None and server.revision == synced.revision:
            return local  # the server has what we last sent: ours is as new or newer
        if unsynced_local and local.body != server.body:
            self.conflict.emit(
                DraftConflict(mention_id, local.body, server.body, server.device, server.revision)
            )
            return local
        adopted = LocalDraft(mention_id, local.client_id, server.body, local.base_version)
        await self._worker.call(
            lambda: self._store.save_draft(
                mention_id, adopted.client_id, adopted.body, adopted.base_version
            )
        )
        await self._set_synced(mention_id, server.revision, server.body)
        return adopted

    async def resolve(self, draft: LocalDraft, revision: int) -> DraftPublic:
        """The rep chose the text (one copy, the other, or both joined): keep it everywhere."""
        self._pending.pop(draft.mention_id, None)
        await self._worker.call(
            lambda: self._store.save_draft(
                draft.mention_id, draft.client_id, draft.body, draft.base_version
            )
        )
        update = DraftUpdate(
            body=draft.body, base_revision=revision, device=self._device, resolves_conflict=True
        )
        result = await self._api.save_draft(draft.mention_id, update)
        await self._set_synced(draft.mention_id, result.revision, draft.body)
        return result
