"""Sends the rep's queued actions (claims, releases, resolves, snoozes, replies) to the server in
the order they were made. An action that conflicts is kept with the reason, never dropped, and
every later action of the same mention is held (not sent) until the rep decides: do it anyway
(against the mention's current version) or drop it. Other mentions' actions go on.

Each action carries the version of the mention it was made against. When one of the rep's own
queued actions moved the mention on, the next ones made against the same version are sent
against the new one: the rep made them in a row, not over a colleague's change."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar
from uuid import UUID

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError, Conflict, Offline, ServerError, Unauthorized

# Re-exported: the entries' markers and conflicts were born here (app/client/stream/entries.py).
from app.client.stream.entries import CONFLICT_KEY as CONFLICT_KEY
from app.client.stream.entries import DECIDE_MARKER as DECIDE_MARKER
from app.client.stream.entries import ActionKind, OutboxEntry, OutboxStatus, conflict_facts
from app.client.stream.entries import held_behind_conflicts as held_behind_conflicts
from app.client.stream.entries import pending_markers as pending_markers
from app.client.stream.store import LocalStore
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
    held: list[OutboxEntry] = field(default_factory=list)  # behind a conflict of their mention
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

    async def retry(self, seq: int) -> None:
        """The rep's "do it anyway": the conflicting action waits again, now against the
        version the server last named; the next flush sends it before anything it held."""

        def again() -> None:
            entry = next((e for e in self._store.outbox() if e.seq == seq), None)
            if entry is None or entry.status is not OutboxStatus.CONFLICT:
                return
            payload = {k: v for k, v in entry.payload.items() if k != CONFLICT_KEY}
            version = conflict_facts(entry).get("version")
            if isinstance(version, int):
                payload["version"] = version
            self._store.mark_outbox(seq, OutboxStatus.PENDING, None, None, payload)

        await self._store_call(again)

    async def flush(self, api: ResponderApi | None) -> FlushReport:
        async with self._lock:
            return await self._flush(api)

    async def enqueue_and_flush(
        self,
        kind: ActionKind,
        mention_id: int,
        payload: dict[str, object],
        api: ResponderApi | None,
        queued: Callable[[], Awaitable[None]],
    ) -> tuple[OutboxEntry, FlushReport]:
        """Queue an action and send it in one hold of the lock: no other flush (say, the one
        the stream starts on reconnect) can send it meanwhile and leave the asker a report
        without it. `queued` runs once it is in the outbox (the stream shows it waiting)."""
        async with self._lock:
            entry = await self.enqueue(kind, mention_id, payload)
            await queued()
            return entry, await self._flush(api)

    async def _flush(self, api: ResponderApi | None) -> FlushReport:
        if api is None:
            return FlushReport(stopped_offline=True)
        report = FlushReport()
        entries = await self._store_call(self._store.outbox)
        held = held_behind_conflicts(entries)
        stopped: set[int] = set()  # mentions whose action conflicted in this flush
        # mention → (the version our last sent action was made against, the one it left)
        moved: dict[int, tuple[int, int]] = {}
        for entry in entries:
            if entry.status is not OutboxStatus.PENDING or entry.kind is ActionKind.REPLY:
                continue  # replies leave after their cool-off: app/client/composer/cool_off.py
            if entry.seq in held or entry.mention_id in stopped:
                report.held.append(entry)
                continue
            sending = _rebased(entry, moved.get(entry.mention_id))
            try:
                mention = await self._send(api, sending)
            except Offline:
                report.stopped_offline = True
                break
            except (Unauthorized, ServerError):
                # Not the action's fault: keep it pending and try again later.
                report.stopped_offline = True
                break
            except Conflict as exc:
                stopped.add(entry.mention_id)
                report.conflicts.append(await self._stop_at_conflict(entry, exc))
                continue
            except ApiError as exc:
                await self._mark(entry, OutboxStatus.FAILED, exc.detail, None)
                report.failed.append(_with(entry, OutboxStatus.FAILED, exc.detail, None))
                continue
            await self._store_call(functools.partial(self._store.remove_outbox, entry.seq))
            report.sent.append(entry)
            if mention is not None:
                report.applied.append(mention)
                made_against = sending.payload.get("version")
                if isinstance(made_against, int):
                    moved[entry.mention_id] = (made_against, mention.version)
        return report

    async def _stop_at_conflict(self, entry: OutboxEntry, exc: Conflict) -> OutboxEntry:
        owner = exc.current_owner
        facts = {
            "version": exc.current_version,
            "status": exc.current_status.value if exc.current_status else None,
            "owner_id": owner.id if owner else None,
        }
        payload = {**entry.payload, CONFLICT_KEY: facts}
        name = owner.name if owner else None
        await self._store_call(
            lambda: self._store.mark_outbox(
                entry.seq, OutboxStatus.CONFLICT, exc.detail, name, payload
            )
        )
        return replace(_with(entry, OutboxStatus.CONFLICT, exc.detail, name), payload=payload)

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
        # Queued before actions carried their version: applied to the mention as it is.
        made_against = version if isinstance(version, int) else None
        if entry.kind is ActionKind.RELEASE:
            return await api.release(mention_id, made_against)
        if entry.kind is ActionKind.RESOLVE:
            days = payload.get("follow_up_in_days")
            days = days if isinstance(days, int) else None
            return await api.resolve(mention_id, days, made_against)
        if entry.kind is ActionKind.SNOOZE:
            minutes = payload.get("minutes")
            minutes = minutes if isinstance(minutes, int) else 60
            return await api.snooze(mention_id, minutes=minutes, version=made_against)
        if entry.kind is ActionKind.REPLY:
            reply = ReplyCreate(
                client_id=UUID(str(payload["client_id"])),
                body=str(payload["body"]),
                base_version=int(str(payload["base_version"])),
                force=bool(payload.get("force", False)),
            )
            await api.reply(mention_id, reply)
            return None
        if entry.kind is ActionKind.TAG:
            tags = payload.get("tags")
            return await api.set_tags(mention_id, [str(t) for t in tags or []])
        if entry.kind is ActionKind.NOTE:
            client_id = payload.get("client_id")
            await api.add_note(
                mention_id, str(payload["body"]), UUID(str(client_id)) if client_id else None
            )
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


def _rebased(entry: OutboxEntry, moved: tuple[int, int] | None) -> OutboxEntry:
    """`entry` to send after the rep's own earlier action moved its mention from `moved[0]` to
    `moved[1]`: made against the same version as that action, it goes against the new one."""
    if moved is None or entry.payload.get("version") != moved[0]:
        return entry
    return replace(entry, payload={**entry.payload, "version": moved[1]})
