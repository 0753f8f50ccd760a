"""Notes and presence in the Qt-free core, against a real server process: a note written
offline waits in the outbox and goes on reconnect; a colleague's note naming me is told once,
counts as unread until I open its mention, and its mention is among "Mentions of me"; the
presence reporter sends one request per change of state, refreshes a state that holds on its
schedule (an injected sleep: no waiting), and says "left" when the rep moves on."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ActionResult, ConsoleSession
from app.client.stream.store import LocalStore
from app.client.together.notes import NoteBook, complete_names, completion_prefix
from app.client.together.presence import (
    PresenceBoard,
    PresenceReporter,
    colleague_warning,
    initials,
    presence_words,
)
from app.client.worker import BlockingWorker
from app.models.schemas import NotePublic, PresencePublic, PresenceState, UserRef
from tests.client.netcut import NetworkCut, network_between
from tests.client.waiting import until, until_true
from tests.support.live_server import LiveServer, mention_json


@contextlib.asynccontextmanager
async def running_session(base_url: str, token: str, cache: Path) -> AsyncIterator[ConsoleSession]:
    worker = BlockingWorker("test-store")
    store = LocalStore(cache)
    session = ConsoleSession(
        ResponderApi(base_url, token, timeout=3), store, worker, backoff=Backoff(0.05, 0.3)
    )
    await session.open()
    task = asyncio.create_task(session.run())
    try:
        yield session
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await session.aclose()
        store.close()
        worker.shutdown()


async def online(session: ConsoleSession) -> None:
    await until_true(session.connection_changed, lambda: session.state is ConnectionState.ONLINE)


@pytest.fixture
def link(live_server: LiveServer) -> Iterator[NetworkCut]:
    with network_between(live_server.base_url) as cut:
        yield cut


class Schedule:
    """An injected `sleep`: each call waits until the test lets that many seconds pass."""

    def __init__(self) -> None:
        self.waiting: list[tuple[float, asyncio.Future[None]]] = []
        self.asked = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((seconds, future))
        self.asked.set()
        await future

    def pass_(self, seconds: float) -> int:
        """Wake every sleep of exactly `seconds`; how many woke."""
        woken = [f for s, f in self.waiting if s == seconds and not f.done()]
        for future in woken:
            future.set_result(None)
        self.waiting = [(s, f) for s, f in self.waiting if not f.done()]
        return len(woken)


async def test_a_note_written_offline_goes_on_reconnect_and_names_exactly_her(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path
) -> None:
    _, ben_token = live_server.create_user("nc-ben", role="rep")
    lopez_id, lopez_token = live_server.create_user("nc-Ana Lopez", role="rep")
    [mention_id] = live_server.ingest([mention_json("nc-1", "Where is my refund?")])
    async with (
        running_session(link.base_url, ben_token, tmp_path / "ben.sqlite3") as ben,
        running_session(live_server.base_url, lopez_token, tmp_path / "lopez.sqlite3") as lopez,
    ):
        ben_notes, lopez_notes = NoteBook(ben), NoteBook(lopez)
        await online(ben)
        await online(lopez)
        told: list[NotePublic] = []
        lopez_notes.named_me.connect(told.append)

        link.cut()
        await until_true(ben.connection_changed, lambda: ben.state is ConnectionState.OFFLINE)
        outcome = await ben_notes.add(mention_id, "@NC-ana lopez please look at the refund")
        assert outcome.result is ActionResult.QUEUED, outcome.message
        assert "note" in outcome.message
        row = ben.row(mention_id)
        assert row is not None
        assert row.pending_action == "note"
        assert told == []

        link.connect()
        ben.reconnect_now()
        note = await until(lopez_notes.named_me, lambda n: n.mention_id == mention_id)
        assert note.author.name == "nc-ben"
        assert note.mentioned_user_ids == [lopez_id]
        assert told == [note]
        assert lopez_notes.unread_count() == 1
        assert lopez_notes.mentioned_me == {mention_id}
        await until_true(ben.outbox_changed, lambda: not ben.outbox_entries)
        # The same note again (a replayed event) is not told twice; opening the mention reads it.
        lopez_notes.apply(note, names_me=True)
        assert told == [note]
        lopez_notes.mark_shown(mention_id)
        assert lopez_notes.unread_count() == 0
        await lopez_notes.refresh_mentioned()
        assert lopez_notes.mentioned_me == {mention_id}
        await ben_notes.refresh_mentioned()
        assert ben_notes.mentioned_me == set()

        refused = await ben_notes.add(mention_id, "   ")
        assert refused.result is ActionResult.FAILED
        too_long = await ben_notes.add(mention_id, "x" * 2001)
        assert too_long.result is ActionResult.FAILED


async def test_the_reporter_sends_changes_and_refreshes_on_schedule(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _, dana_token = live_server.create_user("pr-dana", role="rep")
    _, ben_token = live_server.create_user("pr-ben", role="rep")
    first, second = live_server.ingest(
        [mention_json(f"pr-{i}", f"Presence mention {i}") for i in range(2)]
    )
    schedule = Schedule()
    async with (
        running_session(live_server.base_url, dana_token, tmp_path / "dana.sqlite3") as dana,
        running_session(live_server.base_url, ben_token, tmp_path / "ben.sqlite3") as ben,
    ):
        reporter = PresenceReporter(dana, sleep=schedule.sleep)
        board = PresenceBoard(ben)
        await online(dana)
        await online(ben)
        sent: list[tuple[int, PresenceState]] = []
        reporter.sent.connect(lambda p: sent.append((p.mention_id, p.state)))
        seen: list[tuple[int, str]] = []
        board.changed.connect(
            lambda m: seen.append((m, presence_words(board.others_on(m)) or "nobody"))
        )

        reporter.view(first)
        reporter.view(first)  # the same mention again: nothing new to say
        await until(board.changed, lambda m: m == first)
        await until_true(reporter.sent, lambda: len(sent) == 1)  # its answer may come after
        assert sent == [(first, PresenceState.VIEWING)]
        assert seen == [(first, "pr-dana is viewing")]

        reporter.typed()
        reporter.typed()
        reporter.typed()  # keystrokes: one change of state
        await until_true(board.changed, lambda: seen[-1] == (first, "pr-dana is typing…"))
        await until_true(reporter.sent, lambda: len(sent) == 2)
        assert sent[1:] == [(first, PresenceState.TYPING)]

        # Ten seconds on: a refresh of the same state — sent, but the others hear nothing.
        assert schedule.pass_(reporter.refresh_seconds) == 1
        await until_true(reporter.sent, lambda: len(sent) == 3)
        assert sent[2] == (first, PresenceState.TYPING)
        # Quiet for a while: back to viewing.
        assert schedule.pass_(reporter.typing_quiet_seconds) == 1
        await until_true(board.changed, lambda: seen[-1] == (first, "pr-dana is viewing"))
        await until_true(reporter.sent, lambda: len(sent) == 4)
        assert sent[3] == (first, PresenceState.VIEWING)

        # Another mention: "left" on the first, viewing on the second.
        reporter.view(second)
        await until_true(board.changed, lambda: (second, "pr-dana is viewing") in seen)
        await until_true(reporter.sent, lambda: len(sent) == 6)
        assert sent[4:] == [(first, PresenceState.LEFT), (second, PresenceState.VIEWING)]
        assert board.others_on(first) == []
        assert seen.count((first, "pr-dana is typing…")) == 1  # the refresh said nothing

        # Ben's board loads every live state on (re)connect.
        fresh = PresenceBoard(ben)
        await fresh.refresh()
        assert [(p.mention_id, p.user.name, p.state) for p in fresh.others_on(second)] == [
            (second, "pr-dana", PresenceState.VIEWING)
        ]
        await reporter.aclose()  # the console quits: "left" where she was
        await until_true(board.changed, lambda: board.others_on(second) == [])


def test_words_badges_and_completion() -> None:
    at = datetime(2026, 12, 2, tzinfo=UTC)

    def state(name: str, uid: int, what: PresenceState) -> PresencePublic:
        return PresencePublic(
            mention_id=1, user=UserRef(id=uid, name=name), state=what, expires_at=at
        )

    dana = state("Dana", 2, PresenceState.TYPING)
    ben, cy = state("Ben", 3, PresenceState.VIEWING), state("Cy", 4, PresenceState.VIEWING)
    assert presence_words([dana]) == "Dana is typing…"
    assert presence_words([ben]) == "Ben is viewing"
    assert presence_words([dana, ben, cy]) == "Dana is typing… · Ben and Cy are viewing"
    assert presence_words([]) == ""
    assert [initials(n) for n in ("Ana Lopez", "dana", "Mary Jo Kay", "  ")] == [
        "AL",
        "D",
        "MK",
        "?",
    ]
    assert colleague_warning(2, "Dana", [dana], me=1) == (
        "Dana owns this mention and is typing a reply. A note may be better."
    )
    assert colleague_warning(2, "Dana", [], me=1).startswith("Dana owns this mention: ")
    assert colleague_warning(1, "Me", [dana], me=1) == "Dana is typing on this mention too."
    assert colleague_warning(None, None, [ben], me=1) == ""

    assert completion_prefix("cc @an") == "an"
    assert completion_prefix("@") == ""
    assert completion_prefix("mail ana@exa") is None
    assert completion_prefix("no at here") is None
    people = [UserRef(id=1, name="Ana Lopez"), UserRef(id=2, name="ana"), UserRef(id=3, name="Ben")]
    assert complete_names("an", people, me=3) == ["ana", "Ana Lopez"]
    assert complete_names("an", people, me=2) == ["Ana Lopez"]


async def test_the_board_drops_a_state_at_its_expiry_by_itself(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """A colleague's console crashed: nothing says "left", and the board drops the state when
    its clock reaches `expires_at` (an injected clock and sleep: no waiting)."""
    _, ben_token = live_server.create_user("lapse-ben", role="rep")
    now = [datetime(2026, 12, 2, 12, 0, tzinfo=UTC)]
    schedule = Schedule()
    async with running_session(live_server.base_url, ben_token, tmp_path / "b.sqlite3") as ben:
        board = PresenceBoard(ben, clock=lambda: now[0], sleep=schedule.sleep)
        dana = UserRef(id=999, name="Dana")
        expires = now[0] + timedelta(seconds=30)
        board.apply(
            PresencePublic(mention_id=7, user=dana, state=PresenceState.TYPING, expires_at=expires)
        )
        assert [p.user.name for p in board.others_on(7)] == ["Dana"]
        await schedule.asked.wait()
        assert [s for s, _ in schedule.waiting] == [10.0]  # re-reads the clock every 10 s at most
        schedule.asked.clear()
        now[0] += timedelta(seconds=10)
        schedule.pass_(10.0)
        await schedule.asked.wait()
        assert [p.user.name for p in board.others_on(7)] == ["Dana"]
        now[0] = expires
        gone: list[int] = []
        board.changed.connect(gone.append)
        schedule.pass_(10.0)
        await until(board.changed, lambda m: m == 7)
        assert board.others_on(7) == []
        assert gone == [7]
        await board.aclose()


async def test_an_unread_note_naming_me_still_counts_after_a_restart(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _, ben_token = live_server.create_user("rs-ben", role="rep")
    _, lopez_token = live_server.create_user("rs-Lopez", role="rep")
    [mention_id] = live_server.ingest([mention_json("rs-1", "Still waiting for my refund")])
    cache = tmp_path / "lopez.sqlite3"
    async with running_session(live_server.base_url, lopez_token, cache) as lopez:
        notes = NoteBook(lopez)
        await notes.restore()  # what the console's first rows start
        await online(lopez)
        named: list[NotePublic] = []
        notes.named_me.connect(named.append)  # before the note: it may come at once
        async with ResponderApi(live_server.base_url, ben_token) as ben:
            await ben.add_note(mention_id, "@rs-lopez the refund, please")
        await until_true(notes.named_me, lambda: bool(named))
        [note] = named
        assert note.mention_id == mention_id
        await notes.tasks.idle()  # kept in the cache

    async with running_session(live_server.base_url, lopez_token, cache) as lopez:
        again = NoteBook(lopez)
        told: list[NotePublic] = []
        again.named_me.connect(told.append)
        await again.restore()
        assert again.unread_count() == 1
        assert again.mentioned_me == {mention_id}
        assert [n.id for n in again.notes_for(mention_id)] == [note.id]
        again.apply(note, names_me=True)  # the same note once more: not told twice
        assert told == []
        again.mark_shown(mention_id)
        await again.tasks.idle()

    async with running_session(live_server.base_url, lopez_token, cache) as lopez:
        third = NoteBook(lopez)
        await third.restore()
        assert third.unread_count() == 0
        third.apply(note, names_me=True)
        assert third.unread_count() == 0  # shown before the restart: read
