"""The console's state, without Qt: keeps the local cache in step with the server (snapshot, then
the event stream), knows who the user is and whether the server is reachable, and carries out
claim / release / resolve / snooze through the outbox so they work offline too."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any
from uuid import uuid4

import httpx

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError, Offline, Unauthorized
from app.client.connection.events import Backoff, ConnectionState, EventStream
from app.client.hooks import Hook
from app.client.stream.actions import ACTION_WORDS, describe_entry

# Re-exported: the outcome types were born here and other packages still import them from here.
from app.client.stream.actions import ActionOutcome as ActionOutcome
from app.client.stream.actions import ActionResult as ActionResult
from app.client.stream.cached_rows import FIRST_SCREEN_ROWS
from app.client.stream.outbox import FlushReport, Outbox, pending_markers
from app.client.stream.rows import MentionRow
from app.client.stream.store import ActionKind, LocalStore, OutboxEntry, OutboxStatus
from app.client.stream.viewer import Viewer as Viewer  # re-exported
from app.client.stream.words import missed_target_words, queued_words
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper, first_of
from app.models.customer_schemas import clean_tags
from app.models.enums import Duty, EventType
from app.models.schemas import EventPublic, HandoffPublic, MentionDetail, MentionPublic, UserPublic

APPLY_CHUNK = 100

_MENTION_EVENTS = {
    EventType.MENTION_CREATED,
    EventType.MENTION_UPDATED,
    EventType.FOLLOWUP_DUE,
    EventType.REPLY_UPDATED,
}


class ConsoleSession:
    """One user's live view of one server. `open()` loads the cache; `run()` syncs until
    cancelled; the action methods may be called at any time, online or not."""

    def __init__(
        self,
        api: ResponderApi,
        store: LocalStore,
        store_worker: BlockingWorker,
        *,
        backoff: Backoff | None = None,
        stream_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        # May be unbound until the server is known (solo: still starting): the cache shows
        # meanwhile and actions wait in the outbox.
        self.api = api
        self._store = store
        self._worker = store_worker
        self._backoff = backoff or Backoff()
        self._stream_transport = stream_transport
        self._outbox = Outbox(store, store_worker, lambda: self.viewer.user_id)
        self._rows: dict[int, MentionRow] = {}
        self._urgent_unassigned: set[int] = set()
        self._pending_by_mention: dict[int, str] = {}
        self._handoffs: list[tuple[int, int | None, str | None]] = []
        self._team_member_ids: frozenset[int] = frozenset()
        self._events: list[EventPublic] = []
        self._events_ready = asyncio.Event()
        self._tasks = TaskKeeper("console")
        self._stream: EventStream | None = None
        self._apply_task: asyncio.Task[None] | None = None
        self._token_changed = asyncio.Event()
        self._token_refused = asyncio.Event()
        api.token_refused.connect(self._refused)
        self.state = ConnectionState.CONNECTING
        self.viewer = Viewer(None, frozenset(), frozenset())
        self.outbox_entries: list[OutboxEntry] = []
        self.synced = asyncio.Event()

        self.rows_loaded: Hook[list[MentionRow]] = Hook()
        self.rows_changed: Hook[list[MentionRow]] = Hook()
        self.connection_changed: Hook[tuple[ConnectionState, str]] = Hook()
        self.viewer_changed: Hook[Viewer] = Hook()
        self.outbox_changed: Hook[list[OutboxEntry]] = Hook()
        self.urgent_mention: Hook[MentionRow] = Hook()
        # Mentions that missed their response target, for whom the server named me (their
        # owner, or an on-duty manager of their team): (title, message) to tell me now.
        self.response_missed: Hook[tuple[str, str]] = Hook()
        self.notice: Hook[str] = Hook()
        # Every event as it arrives (the composer follows its replies' `reply.updated`).
        self.event_received: Hook[EventPublic] = Hook()
        # Two customers became one: (the one kept, the one merged into it), once the cached
        # rows say so.
        self.customers_linked: Hook[tuple[int, int]] = Hook()

    # --- reading -------------------------------------------------------------------------

    def row(self, mention_id: int) -> MentionRow | None:
        return self._rows.get(mention_id)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def rows(self) -> list[MentionRow]:
        """Every cached mention (the manager overview counts them)."""
        return list(self._rows.values())

    async def first_time(self, note: str) -> bool:
        """True the first time this console asks about `note` (then never again): one-time
        notes such as "the console keeps running in the tray"."""
        key = f"note.{note}"
        if await self._worker.call(lambda: self._store.get_state(key)) is not None:
            return False
        await self._worker.call(partial(self._store.set_state, key, "said"))
        return True

    async def remembered(self, key: str) -> str | None:
        """What a feature kept in this console's cache under `key` (None: nothing)."""
        return await self._worker.call(partial(self._store.get_state, f"kept.{key}"))

    async def remember(self, key: str, value: str) -> None:
        """Keep `value` in this console's cache (across restarts) under `key`."""
        await self._worker.call(partial(self._store.set_state, f"kept.{key}", value))

    def unassigned_urgent_count(self) -> int:
        """Open urgent mentions nobody has claimed: the badge on the tray and the window."""
        return len(self._urgent_unassigned)

    def _track_urgent(self, row: MentionRow) -> None:
        if row.is_urgent and row.is_open and row.assignee_id is None:
            self._urgent_unassigned.add(row.id)
        else:
            self._urgent_unassigned.discard(row.id)

    async def cached_mention(self, mention_id: int) -> MentionPublic | None:
        return await self._worker.call(lambda: self._store.mention(mention_id))

    async def mention_detail(self, mention_id: int) -> MentionDetail | None:
        """The mention with thread, replies, handoffs and history; None when offline."""
        try:
            return await self.api.mention(mention_id)
        except Offline:
            return None

    async def take_mentions(self, mentions: Sequence[MentionPublic]) -> list[MentionRow]:
        """Mentions as a call's answer gave them (an action on a selection): into the cache
        and the stream now, before their events arrive (which then change nothing more)."""
        applied = await self._worker.call(lambda: self._store.apply_mentions(list(mentions)))
        return self._publish(applied)

    # --- start-up and sync ---------------------------------------------------------------

    async def open(self, first_screen: int = FIRST_SCREEN_ROWS) -> list[MentionRow]:
        """Load the cached stream, the outbox and who we were, so the console shows something
        before (or without) the network. The newest rows are announced first (one screen's
        worth, in milliseconds), then the whole cache."""
        recent = await self._worker.call(lambda: self._store.load_rows(newest=first_screen))
        if len(recent) == first_screen:
            self.rows_loaded.emit(recent)
            rows = await self._worker.call(self._store.load_rows)
        else:
            rows = recent
        me_json = await self._worker.call(lambda: self._store.get_state("me"))
        self._handoffs = await self._worker.call(self._store.pending_handoffs)
        entries = await self._outbox.entries()
        self._set_outbox(entries)
        rows = [self._with_pending(r) for r in rows]
        self._rows = {r.id: r for r in rows}
        for row in rows:
            self._track_urgent(row)
        if me_json:
            self._set_viewer(UserPublic.model_validate_json(me_json))
        self.rows_loaded.emit(rows)
        return rows

    async def run(self) -> None:
        """Sync until cancelled: who am I, a snapshot when there is no cursor, then events.
        When the server refuses the token (401) the state is UNAUTHORIZED and nothing is
        retried until `use_token` gives another one."""
        self.start_applying()
        while True:
            self._token_changed.clear()
            self._token_refused.clear()
            if await self._connect_until_ready():
                await self._follow_events()
            if not self._token_changed.is_set():
                await self._token_changed.wait()

    def use_token(self, base_url: str, token: str) -> None:
        """A token the server accepted (Sign in…): rebind the API client and reconnect."""
        self.api.rebind(base_url, token)
        self._set_state(ConnectionState.CONNECTING)
        self._token_changed.set()

    def _refused(self, detail: str) -> None:
        self._set_state(ConnectionState.UNAUTHORIZED, detail)
        self._token_refused.set()

    async def _follow_events(self) -> None:
        """Read the event stream until it ends for good: the token refused (by the stream or
        any other call) or replaced."""
        cursor = await self._worker.call(self._store.event_cursor)
        self._stream = EventStream(
            self.api.base_url,
            self.api.token,
            cursor=cursor,
            on_event=self.receive_event,
            on_state=self._on_stream_state,
            backoff=self._backoff,
            transport=self._stream_transport,
        )
        await first_of(self._stream.run(), self._token_refused.wait(), self._token_changed.wait())

    def start_applying(self) -> None:
        """Start applying received events (`run` does this; offline tools may call it alone)."""
        if self._apply_task is None or self._apply_task.done():
            self._apply_task = self._tasks.spawn(self._apply_loop(), name="apply-events")

    def reconnect_now(self) -> None:
        if self._stream is not None:
            self._stream.reconnect_now()

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self.api.aclose()

    def _set_state(self, state: ConnectionState, detail: str = "") -> None:
        if state != self.state:
            self.state = state
            self.connection_changed.emit((state, detail))

    async def _connect_until_ready(self) -> bool:
        """True once synced; False when the token is refused or replaced meanwhile."""
        attempt = 0
        while True:
            try:
                me = await self.api.me()
                await self._worker.call(partial(self._store.set_state, "me", me.model_dump_json()))
                self._set_viewer(me)
                await self._refresh_team()
                await self._sync_handoffs()
                await self._snapshot_if_needed()
                return True
            except Unauthorized:
                self._token_refused.set()  # the api's hook has said so
                return False
            except Offline as exc:
                self._set_state(ConnectionState.OFFLINE, exc.detail)
            except ApiError as exc:
                self._set_state(ConnectionState.OFFLINE, exc.detail)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._token_changed.wait(), self._backoff.delay(attempt))
            if self._token_changed.is_set():
                return False
            attempt += 1

    async def _snapshot_if_needed(self) -> None:
        cursor = await self._worker.call(self._store.event_cursor)
        health = await self.api.health()
        if cursor is not None and cursor <= health.last_event_id:
            return  # resume from the cursor: the stream replays what we missed
        if cursor is not None:
            # The server's log is behind our cursor: it is a different (reset) database, so
            # nothing cached from it can be trusted.
            await self._worker.call(self._store.forget_mentions)
            self._rows.clear()
            self._urgent_unassigned.clear()
            self.rows_loaded.emit([])
        async for page in self.api.iter_mentions(status="open"):
            applied = await self._worker.call(partial(self._store.apply_mentions, page))
            self._publish(applied)
        await self._worker.call(lambda: self._store.set_event_cursor(health.last_event_id))

    async def _refresh_team(self) -> None:
        me = self.viewer.user
        if me is None or not me.teams:
            return
        try:
            teams = await self.api.teams()
        except ApiError:
            return
        # Every member of my teams, whatever their duty: an off-duty teammate's mentions are
        # still my team's.
        members = {ref.id for team in teams.data if team.name in me.teams for ref in team.members}
        self._team_member_ids = frozenset(members)
        self._set_viewer(me)

    async def _sync_handoffs(self) -> None:
        """Load the open handoffs to me, my teams and from me at sync time, so "handed to me"
        is right even for handoffs made before this console's event cursor."""
        me = self.viewer.user
        if me is None:
            return
        try:
            page = await self.api.handoffs()
        except ApiError:
            return
        for handoff in page.data:
            await self._worker.call(partial(self._store.apply_handoff, handoff))
        self._handoffs = await self._worker.call(self._store.pending_handoffs)
        self._set_viewer(me)

    def _set_viewer(self, me: UserPublic) -> None:
        teams = set(me.teams)
        handed = frozenset(
            mention_id
            for mention_id, to_user, to_team in self._handoffs
            if to_user == me.id or (to_team is not None and to_team in teams)
        )
        self.viewer = Viewer(me, self._team_member_ids, handed)
        self.viewer_changed.emit(self.viewer)

    def _on_stream_state(self, state: ConnectionState, detail: str) -> None:
        self._set_state(state, detail)
        if state is ConnectionState.ONLINE:
            self.synced.set()
            self._tasks.spawn(self._flush_outbox(), name="flush-outbox")

    def receive_event(self, event: EventPublic) -> None:
        """The event stream hands each new event here; it is applied soon, in order, batched."""
        self._events.append(event)
        self._events_ready.set()
        self.event_received.emit(event)

    async def _apply_loop(self) -> None:
        while True:
            await self._events_ready.wait()
            self._events_ready.clear()
            while self._events:
                # Bounded chunks: a burst of thousands of events never holds the UI thread
                # for more than a few milliseconds at a time.
                batch = self._events[:APPLY_CHUNK]
                del self._events[:APPLY_CHUNK]
                await self._apply_events(batch)

    async def _apply_events(self, batch: Sequence[EventPublic]) -> None:
        mentions: list[MentionPublic] = []
        created: set[int] = set()
        handoffs: list[HandoffPublic] = []
        missed: list[dict[str, Any]] = []
        linked: list[tuple[int, int]] = []
        refresh_team = False
        for event in batch:
            if event.type in _MENTION_EVENTS and "mention" in event.payload:
                mention = MentionPublic.model_validate(event.payload["mention"])
                mentions.append(mention)
                if event.type is EventType.MENTION_CREATED:
                    created.add(mention.id)
            elif event.type is EventType.SLA_BREACHED and "mention" in event.payload:
                missed.append(event.payload)
            elif event.type is EventType.CUSTOMER_LINKED and "merged_id" in event.payload:
                linked.append((int(event.payload["customer_id"]), int(event.payload["merged_id"])))
            elif event.type is EventType.HANDOFF_UPDATED and "handoff" in event.payload:
                handoffs.append(HandoffPublic.model_validate(event.payload["handoff"]))
            elif event.type is EventType.DUTY_CHANGED and "user" in event.payload:
                user = UserPublic.model_validate(event.payload["user"])
                refresh_team = True
                if self.viewer.user is not None and user.id == self.viewer.user.id:
                    self._set_viewer(user)
        cursor = batch[-1].id if batch else None
        applied = await self._worker.call(lambda: self._store.apply_mentions(mentions, cursor))
        if handoffs:
            for handoff in handoffs:
                await self._worker.call(partial(self._store.apply_handoff, handoff))
            self._handoffs = await self._worker.call(self._store.pending_handoffs)
            if self.viewer.user is not None:
                self._set_viewer(self.viewer.user)
        rows = self._publish(applied)
        for row in rows:
            if row.id in created and row.is_urgent and row.assignee_id is None:
                self.urgent_mention.emit(row)
        if missed:
            self._mark_missed(missed)
        for kept, merged in linked:
            await self._relink(kept, merged)
        if refresh_team:
            await self._refresh_team()

    async def _relink(self, kept: int, merged: int) -> None:
        """Customer `merged` was linked into `kept`: the cached rows follow."""
        ids = await self._worker.call(partial(self._store.relink_customer, merged, kept))
        rows = []
        for mention_id in ids:
            row = self._rows.get(mention_id)
            if row is not None:
                rows.append(replace(row, customer_id=kept))
        for row in rows:
            self._rows[row.id] = row
        if rows:
            self.rows_changed.emit(rows)
        self.customers_linked.emit((kept, merged))

    def _mark_missed(self, missed: Sequence[dict[str, Any]]) -> None:
        """Show the missed targets on their rows (the event changes no version: the cache's
        copy keeps counting from the due time) and tell me of those the server named me for."""
        rows = []
        for payload in missed:
            row = self._rows.get(int(payload["mention"]["id"]))
            if row is not None and not row.sla_breached:
                rows.append(replace(row, sla_breached=True))
        for row in rows:
            self._rows[row.id] = row
        if rows:
            self.rows_changed.emit(rows)
        if self.viewer.user is None:
            return
        me = self.viewer.user.id
        mine = [p for p in missed if me in p.get("notify", ())]
        if mine:
            self.response_missed.emit(missed_target_words(mine, me))

    def _publish(self, mentions: Sequence[MentionPublic]) -> list[MentionRow]:
        rows = [MentionRow.from_public(m, self._pending_by_mention.get(m.id)) for m in mentions]
        for row in rows:
            self._rows[row.id] = row
            self._track_urgent(row)
        if rows:
            self.rows_changed.emit(rows)
        return rows

    def _with_pending(self, row: MentionRow) -> MentionRow:
        pending = self._pending_by_mention.get(row.id)
        return row if pending == row.pending_action else row.with_pending(pending)

    def _set_outbox(self, entries: list[OutboxEntry]) -> list[MentionRow]:
        """Remember the outbox; return rows whose "waiting to be sent" marker changed."""
        self.outbox_entries = entries
        before = self._pending_by_mention
        after = pending_markers(entries)
        self._pending_by_mention = after
        changed: list[MentionRow] = []
        for mention_id in set(before) | set(after):
            row = self._rows.get(mention_id)
            if row is not None and before.get(mention_id) != after.get(mention_id):
                updated = row.with_pending(after.get(mention_id))
                self._rows[mention_id] = updated
                changed.append(updated)
        self.outbox_changed.emit(entries)
        return changed

    async def refresh_outbox(self) -> None:
        """Read the outbox again (the cool-off changed a reply in it) and announce it."""
        changed = self._set_outbox(await self._outbox.entries())
        if changed:
            self.rows_changed.emit(changed)

    async def _flush_outbox(self, asked: int | None = None) -> FlushReport:
        """Send the queued actions; a conflict or refusal is told as a notice, except the one
        of `asked` (its outbox seq): the rep who just asked is told by the action's outcome."""
        report = await self._outbox.flush(self.api if self.api.bound else None)
        return await self._after_flush(report, asked)

    async def _after_flush(self, report: FlushReport, asked: int | None) -> FlushReport:
        if report.applied:
            applied = await self._worker.call(lambda: self._store.apply_mentions(report.applied))
            self._publish(applied)
        await self.refresh_outbox()
        for entry in (*report.conflicts, *report.failed):
            if entry.seq != asked:
                row = self._rows.get(entry.mention_id)
                handle = row.handle if row else None
                self.notice.emit(describe_entry(entry, handle, queued_by=self.viewer.user_id))
        return report

    # --- actions -------------------------------------------------------------------------

    async def claim(self, mention_id: int) -> ActionOutcome:
        row = self._rows.get(mention_id)
        if row is None:
            return ActionOutcome(ActionResult.FAILED, f"Mention #{mention_id} is not known here.")
        me = self.viewer.user_id
        if row.assignee_id is not None and row.assignee_id == me:
            return ActionOutcome(ActionResult.DONE, "You already have this mention.")
        return await self._act(ActionKind.CLAIM, row, {"version": row.version})

    async def release(self, mention_id: int) -> ActionOutcome:
        return await self._act_on(ActionKind.RELEASE, mention_id, {})

    async def resolve(self, mention_id: int, follow_up_in_days: int | None = None) -> ActionOutcome:
        payload: dict[str, object] = {}
        if follow_up_in_days is not None:
            payload["follow_up_in_days"] = follow_up_in_days
        return await self._act_on(ActionKind.RESOLVE, mention_id, payload)

    async def snooze(self, mention_id: int, minutes: int = 60) -> ActionOutcome:
        return await self._act_on(ActionKind.SNOOZE, mention_id, {"minutes": minutes})

    async def add_note(self, mention_id: int, body: str) -> ActionOutcome:
        """An internal note: sent at once, or queued in the outbox while offline."""
        row = self._rows.get(mention_id)
        if row is None:
            return ActionOutcome(ActionResult.FAILED, f"Mention #{mention_id} is not known here.")
        # Its id makes a resend after a lost answer add nothing twice.
        return await self._act(ActionKind.NOTE, row, {"body": body, "client_id": str(uuid4())})

    async def set_tags(self, mention_id: int, tags: Sequence[str]) -> ActionOutcome:
        """Give a mention these tags (all of them): sent at once, or queued in the outbox
        while offline, the row showing them meanwhile."""
        row = self._rows.get(mention_id)
        if row is None:
            return ActionOutcome(ActionResult.FAILED, f"Mention #{mention_id} is not known here.")
        try:
            cleaned = clean_tags(tags)
        except ValueError as exc:
            return ActionOutcome(ActionResult.FAILED, str(exc))
        if tuple(cleaned) == row.tags:
            return ActionOutcome(ActionResult.DONE, f"The tags of {row.handle} are unchanged.")
        outcome = await self._act(ActionKind.TAG, row, {"tags": cleaned})
        current = self._rows.get(mention_id)
        if outcome.result is ActionResult.QUEUED and current is not None:
            shown = replace(current, tags=tuple(cleaned))
            self._rows[mention_id] = shown
            self.rows_changed.emit([shown])
        return outcome

    async def decide(self, seq: int, *, do_anyway: bool) -> FlushReport:
        """The rep's answer to an action that conflicted or was refused: send it again against
        the mention's current version, or let it go; then the actions it held go on (each may
        stop in turn)."""
        await (self._outbox.retry(seq) if do_anyway else self._outbox.dismiss(seq))
        return await self._flush_outbox()

    async def set_duty(self, duty: Duty) -> ActionOutcome:
        me = self.viewer.user
        if me is None:
            return ActionOutcome(ActionResult.FAILED, "Not connected yet: duty cannot change.")
        try:
            user = await self.api.set_duty(me.id, duty)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: duty not changed. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self._set_viewer(user)
        return ActionOutcome(ActionResult.DONE, f"You are now {duty.value.replace('_', ' ')}.")

    async def _act_on(
        self, kind: ActionKind, mention_id: int, payload: dict[str, object]
    ) -> ActionOutcome:
        row = self._rows.get(mention_id)
        if row is None:
            return ActionOutcome(ActionResult.FAILED, f"Mention #{mention_id} is not known here.")
        return await self._act(kind, row, {**payload, "version": row.version})  # made against

    async def _act(
        self, kind: ActionKind, row: MentionRow, payload: dict[str, object]
    ) -> ActionOutcome:
        entry, report = await self._outbox.enqueue_and_flush(
            kind, row.id, payload, self.api if self.api.bound else None, self.refresh_outbox
        )
        report = await self._after_flush(report, entry.seq)
        word = ACTION_WORDS[kind]
        if any(e.seq == entry.seq for e in report.sent):
            return ActionOutcome(ActionResult.DONE, f"Done: {word} of {row.handle}.")
        for bad in (*report.conflicts, *report.failed):
            if bad.seq == entry.seq:
                await self.decide(bad.seq, do_anyway=False)  # told at once: nothing to read
                result = (
                    ActionResult.CONFLICT
                    if bad.status is OutboxStatus.CONFLICT
                    else ActionResult.FAILED
                )
                return ActionOutcome(result, describe_entry(bad, row.handle), bad.current_owner)
        held = any(e.seq == entry.seq for e in report.held)
        return ActionOutcome(ActionResult.QUEUED, queued_words(kind, row.handle, self.state, held))

    # --- drafts ---------------------------------------------------------------------------

    async def save_draft(self, mention_id: int, client_id: str, body: str, version: int) -> None:
        await self._worker.call(
            lambda: self._store.save_draft(mention_id, client_id, body, version)
        )

    async def draft(self, mention_id: int) -> tuple[str, str, int] | None:
        return await self._worker.call(lambda: self._store.draft(mention_id))
