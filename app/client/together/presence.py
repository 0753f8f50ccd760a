"""Presence for one console, without Qt: what this user is doing on the mention they have open
(`PresenceReporter`: viewing on select, typing while the composer's text changes, left on
deselect), and where everyone else is (`PresenceBoard`: loaded on connect, kept current from
`presence.changed`, each state dropped at its `expires_at` so a colleague whose console crashed
leaves no ghost).

The reporter sends at most one request per change of state and refreshes a state that holds
every 10 s (the server lets one lapse 30 s after its last refresh). Requests go one at a time,
in order; one that fails (offline) is not retried: the state is sent again on reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from pydantic import ValidationError

from app.client.connection.errors import ApiError
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.session import ConsoleSession
from app.common.tasks import TaskKeeper
from app.models.enums import EventType
from app.models.schemas import EventPublic, PresencePublic, PresenceState

log = logging.getLogger(__name__)

REFRESH_SECONDS = 10.0  # a state that holds is sent again this often
TYPING_QUIET_SECONDS = 5.0  # no keystroke for this long: typing turns back into viewing

Sleep = Callable[[float], Awaitable[None]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def presence_words(states: list[PresencePublic]) -> str:
    """ "Dana is typing…", "Ben is viewing", "Dana is typing… · Ben and Cy are viewing"
    (typing first): the detail pane's line of who else is on the mention."""
    typing = [p.user.name for p in states if p.state is PresenceState.TYPING]
    viewing = [p.user.name for p in states if p.state is PresenceState.VIEWING]
    parts = []
    if typing:
        parts.append(f"{_names(typing)} {'is' if len(typing) == 1 else 'are'} typing…")
    if viewing:
        parts.append(f"{_names(viewing)} {'is' if len(viewing) == 1 else 'are'} viewing")
    return " · ".join(parts)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def initials(name: str) -> str:
    """ "Ana Lopez" → "AL", "dana" → "D": a row's small badge of someone there."""
    words = [w for w in name.replace(".", " ").replace("_", " ").split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


class PresenceBoard:
    """Everyone's live states (this user's own included), by mention."""

    def __init__(
        self,
        session: ConsoleSession,
        *,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.session = session
        self.clock = clock
        self._sleep = sleep
        self.tasks = TaskKeeper("presence")  # loading (tests wait for it: `idle`)
        self.timers = TaskKeeper("presence-lapse")  # dropping states when due (never idle)
        self._states: dict[tuple[int, int], PresencePublic] = {}
        # A mention whose people changed (a row repaints its badges, the detail its line).
        self.changed: Hook[int] = Hook()
        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)

    def others_on(self, mention_id: int) -> list[PresencePublic]:
        """Who else is on the mention now (typing first, then by name)."""
        me = self.session.viewer.user_id
        now = self.clock()
        states = [
            p
            for (mid, uid), p in self._states.items()
            if mid == mention_id and uid != me and p.expires_at > now
        ]
        return sorted(states, key=lambda p: (p.state is not PresenceState.TYPING, p.user.name))

    def mentions(self) -> set[int]:
        return {mid for mid, _ in self._states}

    # --- following the server ------------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.tasks.once("refresh", self.refresh)

    def _on_event(self, event: EventPublic) -> None:
        if event.type is not EventType.PRESENCE_CHANGED:
            return
        try:
            state = PresencePublic.model_validate(event.payload)
        except ValidationError:
            log.warning("presence.changed %s without a readable state", event.id)
            return
        self.apply(state)

    def apply(self, state: PresencePublic) -> None:
        key = (state.mention_id, state.user.id)
        if state.state is PresenceState.LEFT or state.expires_at <= self.clock():
            if self._states.pop(key, None) is None:
                return
        else:
            self._states[key] = state
            self._arm()
        self.changed.emit(state.mention_id)

    async def refresh(self) -> None:
        """Every live state from the server (what changed while this console was away)."""
        try:
            page = await self.session.api.presence()
        except ApiError as exc:
            log.info("presence not loaded: %s", exc.detail)
            return
        touched = self.mentions()
        self._states = {(p.mention_id, p.user.id): p for p in page.data}
        touched |= self.mentions()
        self._arm()
        for mention_id in sorted(touched):
            self.changed.emit(mention_id)

    # --- lapsing -------------------------------------------------------------------------

    def drop_lapsed(self) -> list[int]:
        """Forget the states past their `expires_at` (a console that stopped refreshing: it
        crashed or lost its network); the mentions they were on."""
        now = self.clock()
        gone = [key for key, p in self._states.items() if p.expires_at <= now]
        for key in gone:
            del self._states[key]
        mention_ids = sorted({mid for mid, _ in gone})
        for mention_id in mention_ids:
            self.changed.emit(mention_id)
        return mention_ids

    def next_lapse(self) -> datetime | None:
        return min((p.expires_at for p in self._states.values()), default=None)

    def _arm(self) -> None:
        self.timers.once("lapse", self._lapse_when_due)

    async def _lapse_when_due(self) -> None:
        while (due := self.next_lapse()) is not None:
            wait = (due - self.clock()).total_seconds()
            if wait > 0:
                await self._sleep(min(wait, REFRESH_SECONDS))  # a schedule; re-read after
                continue
            self.drop_lapsed()

    async def aclose(self) -> None:
        await self.tasks.aclose()
        await self.timers.aclose()


class PresenceReporter:
    """Tells the server what this user does on the mention they have open."""

    def __init__(
        self,
        session: ConsoleSession,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        typing_quiet_seconds: float = TYPING_QUIET_SECONDS,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.session = session
        self.refresh_seconds = refresh_seconds
        self.typing_quiet_seconds = typing_quiet_seconds
        self._sleep = sleep
        self.tasks = TaskKeeper("presence-reporter")
        self.mention_id: int | None = None
        self.state: PresenceState | None = None
        self._queue: asyncio.Queue[tuple[int, PresenceState]] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None
        self._refresher: asyncio.Task[None] | None = None
        self._quiet: asyncio.Task[None] | None = None
        # Each request as it is answered (tests and the status line follow them).
        self.sent: Hook[PresencePublic] = Hook()
        session.connection_changed.connect(self._on_connection)

    # --- what the console tells it -------------------------------------------------------

    def view(self, mention_id: int | None) -> None:
        """The user opened `mention_id` (None: nothing open any more)."""
        if mention_id == self.mention_id:
            return
        if self.mention_id is not None and self.state is not None:
            self._send(self.mention_id, PresenceState.LEFT)
        self._cancel(self._quiet)
        self.mention_id = mention_id
        self.state = None
        if mention_id is not None:
            self._set(PresenceState.VIEWING)
        else:
            self._cancel(self._refresher)

    def typed(self) -> None:
        """The composer's text changed on the open mention."""
        if self.mention_id is None:
            return
        self._set(PresenceState.TYPING)
        self._cancel(self._quiet)
        self._quiet = self.tasks.spawn(self._back_to_viewing(), name="typing-quiet")

    def leave(self) -> None:
        self.view(None)

    # --- sending -------------------------------------------------------------------------

    def _set(self, state: PresenceState) -> None:
        if state is self.state:
            return
        self.state = state
        assert self.mention_id is not None
        self._send(self.mention_id, state)
        self._cancel(self._refresher)
        self._refresher = self.tasks.spawn(self._refresh_while_held(), name="presence-refresh")

    def _send(self, mention_id: int, state: PresenceState) -> None:
        self._queue.put_nowait((mention_id, state))
        if self._sender is None or self._sender.done():
            self._sender = self.tasks.spawn(self._send_queued(), name="presence-send")

    async def _send_queued(self) -> None:
        while not self._queue.empty():
            mention_id, state = self._queue.get_nowait()
            if not self.session.api.bound:
                continue  # not connected yet: sent on connect
            try:
                answer = await self.session.api.report_presence(mention_id, state)
            except ApiError as exc:
                log.info("presence %s on %s not sent: %s", state.value, mention_id, exc.detail)
                continue
            self.sent.emit(answer)

    async def _refresh_while_held(self) -> None:
        while True:
            await self._sleep(self.refresh_seconds)
            if self.mention_id is None or self.state is None:
                return
            self._send(self.mention_id, self.state)

    async def _back_to_viewing(self) -> None:
        await self._sleep(self.typing_quiet_seconds)
        if self.mention_id is not None and self.state is PresenceState.TYPING:
            self._set(PresenceState.VIEWING)

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        # Back online: say again where this user is (states lapsed while away).
        if change[0] is ConnectionState.ONLINE and self.mention_id is not None and self.state:
            self._send(self.mention_id, self.state)

    def _cancel(self, task: asyncio.Task[None] | None) -> None:
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    def stop(self) -> None:
        """Stop sending anything, leaving no word (as a console that crashed: the states
        lapse on the server and in the other consoles)."""
        for task in self.tasks.tasks:
            task.cancel()
        self.mention_id, self.state = None, None

    async def aclose(self) -> None:
        """Say "left" where this user still was (briefly: the console is quitting), then stop."""
        mention_id, state = self.mention_id, self.state
        self.stop()
        await self.tasks.aclose()
        if mention_id is not None and state is not None and self.session.api.bound:
            with contextlib.suppress(ApiError, TimeoutError):
                await asyncio.wait_for(
                    self.session.api.report_presence(mention_id, PresenceState.LEFT), 2.0
                )


def colleague_warning(
    owner_id: int | None, owner_name: str | None, others: list[PresencePublic], me: int | None
) -> str:
    """The composer's quiet word while I type on a mention a colleague owns, or one another
    colleague is typing on ("" when neither): said before any cool-off starts."""
    typing = [p.user.name for p in others if p.state is PresenceState.TYPING]
    if owner_id is not None and owner_id != me:
        owner = owner_name or "A colleague"
        if owner in typing:
            return f"{owner} owns this mention and is typing a reply. A note may be better."
        return f"{owner} owns this mention: your reply would answer for them. A note may be better."
    if typing:
        verb = "is" if len(typing) == 1 else "are"
        return f"{_names(typing)} {verb} typing on this mention too."
    return ""
