"""The console's own labels follow the reply through its life, each computed from the outbox
(app/client/stream/words.py): while the reply counts down the status bar's outbox line and the
mention's marker say so; once it has left both are gone. Against the composer's real server,
with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.client.composer.state import ComposerState
from app.client.connection.events import ConnectionState
from app.client.stream.store import ActionKind, OutboxEntry, OutboxStatus
from app.client.stream.words import (
    connection_words,
    outbox_words,
    pending_words,
    queued_words,
    sent_reply_words,
)
from app.models.schemas import ReplyPublic
from tests.client.composer.presenting import Screen, composer, open_mention
from tests.client.waiting import until_true
from tests.support.composer import FakeClock, Rep

CALM = "I'm so sorry your order is late. I'm checking with the warehouse now."


async def test_the_outbox_line_and_the_marker_follow_the_reply(rep: Rep, tmp_path: Path) -> None:
    clock = FakeClock()
    mention_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", clock) as presenter:
        session = presenter.service.session
        screen = Screen()
        screen.watch(presenter)
        await open_mention(presenter, mention_id)
        presenter.edited(CALM)
        await presenter.send()
        assert presenter.state is ComposerState.COUNTING
        # one countdown line: the countdown bar's; the message does not repeat it
        assert "leaves in" not in screen.message[0]

        await until_true(session.outbox_changed, lambda: bool(session.outbox_entries))
        assert outbox_words(session.outbox_entries) == "Outbox: 1 reply cooling off"
        row = session.row(mention_id)
        assert row is not None
        assert pending_words(row.pending_action) == "your reply is in its cool-off"

        clock.advance(20)
        presenter.service.cool_off.wake()
        await until_true(session.outbox_changed, lambda: not session.outbox_entries)
        assert outbox_words(session.outbox_entries) == "Outbox: empty"
        row = session.row(mention_id)
        assert row is not None
        assert pending_words(row.pending_action) == ""


def _entry(seq: int, kind: ActionKind, status: OutboxStatus) -> OutboxEntry:
    return OutboxEntry(seq, kind, 1, {}, status, None, None, datetime.now(UTC))


def test_the_outbox_line_counts_each_kind_once_in_words() -> None:
    assert outbox_words([]) == "Outbox: empty"
    entries = [
        _entry(1, ActionKind.REPLY, OutboxStatus.PENDING),
        _entry(2, ActionKind.REPLY, OutboxStatus.PENDING),
        _entry(3, ActionKind.CLAIM, OutboxStatus.PENDING),
        _entry(4, ActionKind.REPLY, OutboxStatus.CONFLICT),
    ]
    assert outbox_words(entries) == (
        "Outbox: 2 replies cooling off, 1 action waiting to be sent, 1 needs your decision"
    )
    # a queued claim says what waits, not "offline": the connection line says that
    assert pending_words("claim") == "your claim waits to be sent"
    assert connection_words(ConnectionState.CONNECTING) == "Connecting…"
    assert "ffline" not in connection_words(ConnectionState.CONNECTING)


def test_a_sent_reply_says_its_state_and_link() -> None:
    base = {
        "id": 1,
        "client_id": "c",
        "mention_id": 1,
        "author": {"id": 1, "name": "Dana"},
        "body": "Hello",
        "created_at": "2026-11-30T10:00:00Z",
    }
    sent = ReplyPublic.model_validate(
        {**base, "status": "sent", "external_url": "https://m.example/@acme/1"}
    )
    assert sent_reply_words(sent).state == "sent"
    assert sent_reply_words(sent).url == "https://m.example/@acme/1"
    failed = ReplyPublic.model_validate({**base, "status": "failed", "error": "422 too long"})
    assert sent_reply_words(failed).state == "failed: 422 too long"
    retried = ReplyPublic.model_validate({**base, "status": "queued", "error": "timed out"})
    assert sent_reply_words(retried).state == "sending"  # queued again after a failed try
    held = ReplyPublic.model_validate(
        {**base, "status": "queued", "due_at": "2026-11-30T10:01:00Z", "due_in_seconds": 60}
    )
    assert sent_reply_words(held).state == "in its cool-off on the team server"
    cancelled = ReplyPublic.model_validate({**base, "status": "cancelled"})
    assert sent_reply_words(cancelled).state == "cancelled before it left"


def test_a_queued_action_says_offline_only_when_offline() -> None:
    connecting = queued_words(ActionKind.CLAIM, "@ana", ConnectionState.CONNECTING)
    assert connecting == (
        "Not connected yet: the claim of @ana waits and is sent once the server answers."
    )
    assert queued_words(ActionKind.CLAIM, "@ana", ConnectionState.OFFLINE).startswith("Offline:")
