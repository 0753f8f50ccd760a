"""Scoring at the server's edges: a 10,000-emoji mention is read once, outside the write
transaction, and stored whole; the re-score job ages priorities from what ingest stored, reading
no text, and writes only the mentions whose priority moves.

What is read is observed through the tone's audit event (`sys.audit`, PEP 578) and the database
engine's `begin` event, not by replacing any of our code."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from app.models.tables import Event, Mention
from app.server.db import WRITE_OPTION
from app.server.services import jobs
from app.tone.priority import MENTION_SCORED_CHARS, READ_AUDIT_EVENT, score_mention
from tests.server.helpers import World
from tests.support.live_server import mention_json


@dataclass
class Reads:
    """Each mention text the tone reads while a test listens, with how many write
    transactions had begun by then and whether the reading thread held one."""

    listening: bool = False
    lengths: list[int] = field(default_factory=list)
    writes_begun_then: list[int] = field(default_factory=list)
    writes_begun: int = 0
    writing_threads: set[int] = field(default_factory=set)
    read_in_writing_thread: list[bool] = field(default_factory=list)
    hooked: bool = False

    def audit(self, name: str, args: tuple[Any, ...]) -> None:
        if name == READ_AUDIT_EVENT and self.listening:
            self.lengths.append(int(args[0]))
            self.writes_begun_then.append(self.writes_begun)
            self.read_in_writing_thread.append(threading.get_ident() in self.writing_threads)

    def listen(self) -> None:
        if not self.hooked:  # an audit hook stays for the process: add it once, count on demand
            sys.addaudithook(self.audit)
            self.hooked = True
        self.lengths.clear()
        self.writes_begun_then.clear()
        self.read_in_writing_thread.clear()
        self.writing_threads.clear()
        self.writes_begun = 0
        self.listening = True


_READS = Reads()


@pytest.fixture
def reads(team_app: World) -> Iterator[Reads]:
    """Listen to text reads and to write transactions opening and closing on the app's database."""
    engine = team_app.db.write_sessions.kw["bind"]

    def begun(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            _READS.writes_begun += 1
            _READS.writing_threads.add(threading.get_ident())

    def ended(conn: Any) -> None:
        _READS.writing_threads.discard(threading.get_ident())

    event.listen(engine, "begin", begun)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    _READS.listen()
    try:
        yield _READS
    finally:
        _READS.listening = False
        event.remove(engine, "begin", begun)
        event.remove(engine, "commit", ended)
        event.remove(engine, "rollback", ended)


def _ingest(world: World, *items: dict[str, object]) -> list[int]:
    response = world.call("POST", "/mentions", json=list(items))
    assert response.status_code == 200, response.text
    return [int(i) for i in response.json()["created"]]


def test_a_ten_thousand_emoji_mention_is_read_before_the_write_transaction(
    team_app: World, reads: Reads
) -> None:
    text = "@acme " + "😡" * 10_000
    writes_before = reads.writes_begun
    (mention_id,) = _ingest(team_app, mention_json("emoji-flood", text))
    # Read once, no more than the capped part, and while this request had no write open.
    assert reads.lengths == [MENTION_SCORED_CHARS]
    assert reads.writes_begun_then == [writes_before]
    assert reads.read_in_writing_thread == [False]
    assert reads.writes_begun > writes_before  # the mention itself was written afterwards
    with team_app.db.read() as session:
        stored = session.get(Mention, mention_id)
        assert stored is not None
        assert stored.text == text  # stored whole: only the reading is capped
        expected = score_mention(text)
        assert (stored.priority, stored.sentiment) == (expected.priority, expected.sentiment)


@pytest.mark.parametrize("late_hours", [0.0, 6.0])
def test_the_rescore_job_reads_no_text_and_writes_only_moving_priorities(
    team_app: World, reads: Reads, late_hours: float
) -> None:
    start = team_app.clock.now
    posted = (start - timedelta(hours=late_hours)).isoformat()
    texts = {
        "flood": "@acme " + "😡" * 10_000,
        "neutral-complaint": "@acme my parcel never arrived",
        "praise": "@acme Love the new update, thank you so much!",
        "fire": "@acme the charger caught fire",
        "lawyer": "@acme I'm calling my lawyer, this is a scam!!",
        "question": "@acme when do you open on Sunday?",
    }
    items = [
        {**mention_json(f"{key}-{late_hours:.0f}h", text), "created_at": posted}
        for key, text in texts.items()
    ]
    for item in items[:3]:
        item["author"] = {**item["author"], "followers": 12_345}  # type: ignore[dict-item]
    ids = _ingest(team_app, *items)
    assert len(reads.lengths) == len(texts)
    with team_app.db.read() as session:
        events_before = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))

    reads.lengths.clear()
    now = team_app.clock.advance(hours=3)
    with team_app.db.read() as session:
        planned = jobs.plan_rescore(session, now)
    with team_app.db.write() as session:
        rescored = jobs.run_due_jobs(session, now, rescore=planned)["rescored"]
    assert reads.lengths == []  # not one text read

    with team_app.db.read() as session:
        mentions = {m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(ids)))}
        new_events = [
            mention_id
            for mention_id in session.scalars(
                select(Event.mention_id).where(Event.id > (events_before or 0))
            )
            if mention_id is not None
        ]
    if late_hours:
        # Posted six hours before they arrived: their waiting points were full at ingest, so
        # no priority moves and nothing is written.
        assert rescored == []
        assert new_events == []
    else:
        # Three hours add six points to each, but the fire stays at the urgent line its safety
        # risk holds it on (it would need more than ten points of waiting to pass it).
        moved = [i for key, i in zip(texts, ids, strict=True) if key != "fire"]
        assert sorted(rescored) == moved
        assert sorted(new_events) == moved
    for mention in mentions.values():
        # What the job wrote is what reading the whole text again would give.
        fresh = score_mention(
            mention.text,
            followers=mention.author_followers,
            waiting=now - mention.created_at,
        )
        assert mention.priority == fresh.priority, mention.text[:40]
