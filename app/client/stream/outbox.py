"""Sends the rep's queued actions (claims, releases, resolves, snoozes, replies) to the server in
the order they were made. An action that conflicts is kept with the reason, never dropped."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from uuid import UUID

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError, Conflict, Offline, ServerError, Unauthorized
from app.client.stream.store import ActionKind, LocalStore, OutboxEntry, OutboxStatus
from app.client.worker import BlockingWorker
from app.models.schemas import MentionPublic, ReplyCreate

log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass
class FlushReport:
    applied: list[MentionPublic] = field(default_factory=list)
    conflicts: list[OutboxEntry] = field(default_factory=list)
    failed: list[OutboxEntry] = field(default_factory=list)
    sent: list[OutboxEntry] = field(default_factory=list)
    stopped_offline: bool = False


class Outbox:
    """The durable queue of actions. `flush` is safe to call often: one flush runs at a time."""

    def __init__(
        self,
        store: LocalStore,
        worker: BlockingWorker,
        user_id: Callable[[], int | None],
    ) -> None:
        self._store = store
        self._worker = worker
        self._user_id = user_id
        self._lock = asyncio.Lock()

    async def _store_call(self, fn: Callable[[], _T]) -> _T:
        return await self._worker.call(fn)

    async def entries(self) -> list[OutboxEntry]:
        return await self._store_call(self._store.outbox)

    async def enqueue(
        self, kind: ActionKind, mention_id: int, payload: dict[str, object]
    ) -> OutboxEntry:
        return await self._store_call(lambda: self._store.enqueue(kind, mention_id, payload))

    async def dismiss(self, seq: int) -> None:
        """The rep has seen a conflicting or failed action and lets it go."""
        await self._store_call(lambda: self._store.remove_outbox(seq))

    async def flush(self, api: ResponderApi) -> FlushReport:
        async with self._lock:
            report = FlushReport()
            pending = await self._store_call(lambda: self._store.outbox([OutboxStatus.PENDING]))
            for entry in pending:
                if entry.kind is ActionKind.REPLY:
                    continue  # replies leave after their cool-off: app/client/composer/cool_off.py
                try:
                    mention = await self._send(api, entry)
                except Offline:
                    report.stopped_offline = True
                    break
                except (Unauthorized, ServerError):
                    # Not the action's fault: keep it pending and try again later.
                    report.stopped_offline = True
                    break
                except Conflict as exc:
                    owner = exc.current_owner.name if exc.current_owner else None
                    await self._mark(entry, OutboxStatus.CONFLICT, exc.detail, owner)
                    report.conflicts.append(_with(entry, OutboxStatus.CONFLICT, exc.detail, owner))
                    continue
                except ApiError as exc:
                    await self._mark(entry, OutboxStatus.FAILED, exc.detail, None)
                    report.failed.append(_with(entry, OutboxStatus.FAILED, exc.detail, None))
                    continue
                await self._store_call(functools.partial(self._store.remove_outbox, entry.seq))
                report.sent.append(entry)
                if mention is not None:
                    report.applied.append(mention)
            return report

    async def _mark(
        self, entry: OutboxEntry, status: OutboxStatus, detail: str, owner: str | None
    ) -> None:
        await self._store_call(lambda: self._store.mark_outbox(entry.seq, status, detail, owner))

    async def _send(self, api: ResponderApi, entry: OutboxEntry) -> MentionPublic | None:
        mention_id = entry.mention_id
        payload = entry.payload
        version = payload.get("version")
        if entry.kind is ActionKind.CLAIM:
            assert isinstance(version, int)
            try:
                return await api.claim(mention_id, version)
            except Conflict as exc:
                # The version moved but nobody owns it (or we already do): the intent still holds.
                me = self._user_id()
                owner = exc.current_owner
                if owner is not None and owner.id == me:
                    return None
                if owner is None and exc.current_version is not None:
                    return await api.claim(mention_id, exc.current_version)
                raise
        if entry.kind is ActionKind.RELEASE:
            return await api.release(mention_id)
        if entry.kind is ActionKind.RESOLVE:
            days = payload.get("follow_up_in_days")
            return await api.resolve(mention_id, days if isinstance(days, int) else None)
        if entry.kind is ActionKind.SNOOZE:
            minutes = payload.get("minutes")
            return await api.snooze(mention_id, minutes=minutes if isinstance(minutes, int) else 60)
        if entry.kind is ActionKind.REPLY:
            reply = ReplyCreate(
                client_id=UUID(str(payload["client_id"])),
                body=str(payload["body"]),
                base_version=int(str(payload["base_version"])),
                force=bool(payload.get("force", False)),
            )
            await api.reply(mention_id, reply)
            return None
        raise ValueError(f"unknown outbox action {entry.kind!r}")


def _with(entry: OutboxEntry, status: OutboxStatus, detail: str, owner: str | None) -> OutboxEntry:
    return OutboxEntry(
        entry.seq,
        entry.kind,
        entry.mention_id,
        entry.payload,
        status,
        detail,
        owner,
        entry.created_at,
    )
