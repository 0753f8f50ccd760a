"""Internal notes for one console, without Qt: each mention's notes (from its detail, then
`note.added`), adding one (through the outbox: queued while offline, like a claim), the
notes that name this user and which of them the console has not shown yet (a badge), and the
mentions whose notes name this user (the "Mentions of me" filter).

Unread is this console's own memory: the note ids it has shown the user, kept in its cache so
a note that named me and was not yet shown still counts after a restart."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterable

from pydantic import ValidationError

from app.client.connection.errors import ApiError
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.session import ConsoleSession
from app.common.tasks import TaskKeeper
from app.models.enums import EventType
from app.models.schemas import NOTE_LENGTH, EventPublic, NotePublic, UserRef
from app.models.team_schemas import RosterPublic

log = logging.getLogger(__name__)

KEPT = "notes.unread"  # the cache's key for the unread notes and the shown ids
SHOWN_KEPT = 1000  # the newest shown note ids kept (older ones cannot come back: the cursor)

_AT_WORD = re.compile(r"(?:^|(?<=\W))@([\w .'-]*)$")


def completion_prefix(text_before_cursor: str) -> str | None:
    """What the user typed after an `@` just before the cursor ("@an" → "an"), or None when
    the cursor is not in an @mention (the `@` completes from the team's users)."""
    found = _AT_WORD.search(text_before_cursor)
    if found is None:
        return None
    typed = found.group(1)
    return typed if len(typed) <= 40 else None


def roster_people(roster: RosterPublic) -> list[UserRef]:
    """Everyone the roster lists (each once): whom a note's `@` completes from."""
    people: dict[int, UserRef] = {}
    for team in roster.teams:
        for member in (*team.on_duty, *team.away, *team.off_duty):
            people.setdefault(member.user.id, member.user)
    return sorted(people.values(), key=lambda u: u.name.lower())


def complete_names(prefix: str, people: Iterable[UserRef], *, me: int | None) -> list[str]:
    """Colleagues (me aside) whose name starts with `prefix`, case-insensitive, alphabetical."""
    wanted = prefix.lower()
    names = [u.name for u in people if u.name.lower().startswith(wanted) and u.id != me]
    return sorted(dict.fromkeys(names), key=str.lower)


def note_title(note: NotePublic) -> str:
    """The notification's headline for a note that names me."""
    return f"{note.author.name} mentioned you in a note"


class NoteBook:
    """The notes this console knows and the ones that name its user."""

    def __init__(self, session: ConsoleSession) -> None:
        self.session = session
        self.tasks = TaskKeeper("notes")
        self._notes: dict[int, dict[int, NotePublic]] = {}
        self._shown: set[int] = set()  # note ids that named me and were shown
        self._unread: dict[int, NotePublic] = {}  # note id → a note naming me, not yet shown
        self.mentioned_me: set[int] = set()  # mentions with a note that names me

        # Any note that arrived (the detail pane adds it to its conversation).
        self.added: Hook[NotePublic] = Hook()
        # A colleague's note names me (notify now: tray message and badge).
        self.named_me: Hook[NotePublic] = Hook()
        # How many notes naming me are unread (the badge).
        self.unread_changed: Hook[int] = Hook()
        # The mentions whose notes name me (the "Mentions of me" filter).
        self.mentioned_changed: Hook[frozenset[int]] = Hook()
        self._restored = False
        self._restoring = asyncio.Lock()  # `_keep` never writes before `restore` has read
        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)
        session.rows_loaded.connect(lambda _rows: self.tasks.once("restore", self.restore))

    # --- reading -------------------------------------------------------------------------

    @property
    def me(self) -> int | None:
        return self.session.viewer.user_id

    def notes_for(self, mention_id: int) -> list[NotePublic]:
        """Oldest first (a conversation)."""
        notes = self._notes.get(mention_id, {})
        return sorted(notes.values(), key=lambda n: (n.created_at, n.id))

    def unread_count(self) -> int:
        return len(self._unread)

    def unread_mentions(self) -> set[int]:
        return {n.mention_id for n in self._unread.values()}

    # --- following the server ------------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.tasks.once("mentioned", self.refresh_mentioned)

    def _on_event(self, event: EventPublic) -> None:
        if event.type is not EventType.NOTE_ADDED or "note" not in event.payload:
            return
        try:
            note = NotePublic.model_validate(event.payload["note"])
        except ValidationError:
            log.warning("note.added %s without a readable note", event.id)
            return
        notify = event.payload.get("notify") or []
        self.apply(note, names_me=self.me is not None and self.me in notify)

    def apply(self, note: NotePublic, *, names_me: bool = False) -> None:
        known = note.id in self._notes.get(note.mention_id, {})
        self._notes.setdefault(note.mention_id, {})[note.id] = note
        if not known:
            self.added.emit(note)
        if names_me and note.id not in self._shown and note.id not in self._unread:
            self._unread[note.id] = note
            if note.mention_id not in self.mentioned_me:
                self.mentioned_me.add(note.mention_id)
                self.mentioned_changed.emit(frozenset(self.mentioned_me))
            self.named_me.emit(note)
            self.unread_changed.emit(len(self._unread))
            self.tasks.once("keep", self._keep)

    def load(self, mention_id: int, notes: Iterable[NotePublic]) -> None:
        """A mention's notes as its detail lists them (the server's whole list)."""
        self._notes[mention_id] = {n.id: n for n in notes}

    def mark_shown(self, mention_id: int) -> None:
        """The user opened the mention: its notes that name them are read."""
        read = [i for i, n in self._unread.items() if n.mention_id == mention_id]
        if not read:
            return
        for note_id in read:
            self._shown.add(note_id)
            del self._unread[note_id]
        self.unread_changed.emit(len(self._unread))
        self.tasks.once("keep", self._keep)

    # --- kept across restarts ------------------------------------------------------------

    async def restore(self) -> None:
        """The unread notes and shown ids this console kept (once, at start-up)."""
        async with self._restoring:
            if not self._restored:
                await self._restore()
                self._restored = True

    async def _restore(self) -> None:
        raw = await self.session.remembered(KEPT)
        if not raw:
            return
        try:
            kept = json.loads(raw)
            unread = [NotePublic.model_validate(n) for n in kept.get("unread", [])]
            shown = {int(i) for i in kept.get("shown", [])}
        except (ValueError, TypeError, AttributeError, ValidationError):
            log.warning("kept notes unreadable: starting afresh")
            return
        self._shown |= shown
        for note in unread:
            if note.id not in self._shown:
                self._unread.setdefault(note.id, note)
                self._notes.setdefault(note.mention_id, {}).setdefault(note.id, note)
                self.mentioned_me.add(note.mention_id)
        self.unread_changed.emit(len(self._unread))
        self.mentioned_changed.emit(frozenset(self.mentioned_me))

    async def _keep(self) -> None:
        await self.restore()
        kept = {
            "unread": [n.model_dump(mode="json") for n in self._unread.values()],
            "shown": sorted(self._shown)[-SHOWN_KEPT:],
        }
        await self.session.remember(KEPT, json.dumps(kept))

    async def refresh_mentioned(self) -> None:
        """The mentions whose notes name me, from the server (`GET /mentions?mentioned=me`)."""
        try:
            page = await self.session.api.list_mentions(mentioned="me", limit=500)
        except ApiError as exc:
            log.info("mentions of me not loaded: %s", exc.detail)
            return
        self.mentioned_me = {m.id for m in page.data} | self.unread_mentions()
        self.mentioned_changed.emit(frozenset(self.mentioned_me))

    # --- adding --------------------------------------------------------------------------

    async def add(self, mention_id: int, body: str) -> ActionOutcome:
        """Send a note, or queue it in the outbox while offline."""
        if not body.strip():
            return ActionOutcome(ActionResult.FAILED, "Write the note first.")
        if len(body) > NOTE_LENGTH:
            return ActionOutcome(
                ActionResult.FAILED,
                f"A note holds at most {NOTE_LENGTH} characters ({len(body)} written).",
            )
        outcome = await self.session.add_note(mention_id, body)
        if outcome.result is ActionResult.DONE:
            return ActionOutcome(ActionResult.DONE, "Note added.")
        return outcome

    async def aclose(self) -> None:
        await self.tasks.aclose()
