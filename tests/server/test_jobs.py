"""Time-driven upkeep with an injected clock: snoozed mentions wake when due, follow-ups are
raised once, and priorities age only in visible steps — each change with its event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from app.models.enums import MentionStatus, Role
from app.models.schemas import MentionCreate, UserCreate
from app.models.tables import Event, Mention
from app.server.auth import USER_TOKEN, Principal
from app.server.db import Database, open_database
from app.server.migrate import upgrade_to_head
from app.server.services import claims, ingest, jobs, ownership, users

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    upgrade_to_head(database)
    yield database
    database.dispose()


@pytest.fixture
def rep(db: Database) -> Principal:
    with db.write() as session:
        created = users.create_user(session, UserCreate(name="dana"), by=None, now=T0)
    return Principal(kind=USER_TOKEN, name="dana", user_id=created.id, role=Role.REP)


def _ingest(db: Database, external_id: str, text: str, *, at: datetime) -> int:
    item = MentionCreate.model_validate(
        {
            "network": "mastodon",
            "external_id": external_id,
            "author": {"handle": "@c"},
            "text": text,
            "created_at": at.isoformat(),
        }
    )
    readings = ingest.read_items([item])
    with db.write() as session:
        return ingest.ingest(session, [item], readings=readings, now=at, actor_id=None).created[0]


def _events(db: Database, mention_id: int) -> list[tuple[str, str | None]]:
    with db.read() as session:
        rows = session.scalars(
            select(Event).where(Event.mention_id == mention_id).order_by(Event.id)
        )
        return [(e.type, e.payload.get("action")) for e in rows]


def _mention(db: Database, mention_id: int) -> Mention:
    with db.read() as session:
        mention = session.get(Mention, mention_id)
        assert mention is not None
        return mention


def test_snoozed_mention_wakes_when_due(db: Database, rep: Principal) -> None:
    mention_id = _ingest(db, "s1", "Where is my parcel?", at=T0)
    with db.write() as session:
        claims.claim(session, mention_id, 1, by=rep, now=T0)
        ownership.snooze(session, mention_id, None, until=None, minutes=30, by=rep, now=T0)
    with db.write() as session:
        assert jobs.wake_snoozed(session, T0 + timedelta(minutes=29)) == []
    with db.write() as session:
        assert jobs.wake_snoozed(session, T0 + timedelta(minutes=30)) == [mention_id]
    woken = _mention(db, mention_id)
    assert woken.status is MentionStatus.ASSIGNED
    assert woken.snoozed_until is None
    assert woken.version == 4
    assert _events(db, mention_id)[-1] == ("mention.updated", "woke")


def test_follow_up_is_raised_once(db: Database, rep: Principal) -> None:
    mention_id = _ingest(db, "f1", "Thanks, that fixed it", at=T0)
    with db.write() as session:
        claims.claim(session, mention_id, 1, by=rep, now=T0)
        ownership.resolve(session, mention_id, None, 3, by=rep, now=T0)
    with db.write() as session:
        assert jobs.raise_followups(session, T0 + timedelta(days=2, hours=23)) == []
    with db.write() as session:
        assert jobs.raise_followups(session, T0 + timedelta(days=3)) == [mention_id]
    with db.write() as session:
        assert jobs.raise_followups(session, T0 + timedelta(days=4)) == []
    assert [t for t, _ in _events(db, mention_id)].count("followup.due") == 1


def test_priority_ages_in_visible_steps(db: Database) -> None:
    mention_id = _ingest(db, "p1", "My order is late again. Not happy.", at=T0)
    start = _mention(db, mention_id).priority
    with db.write() as session:  # ten minutes of waiting: too small to show
        assert jobs.rescore_open_mentions(session, T0 + timedelta(minutes=10)) == []
    with db.write() as session:  # three hours: +6 points
        assert jobs.rescore_open_mentions(session, T0 + timedelta(hours=3)) == [mention_id]
    aged = _mention(db, mention_id)
    assert aged.priority == pytest.approx(start + 6.0, abs=0.2)
    assert aged.version == 2
    assert _events(db, mention_id)[-1] == ("mention.updated", "rescored")
    with db.write() as session:  # the same moment again: nothing new
        assert jobs.rescore_open_mentions(session, T0 + timedelta(hours=3)) == []


def test_resolved_mentions_do_not_age(db: Database, rep: Principal) -> None:
    mention_id = _ingest(db, "r1", "Terrible service", at=T0)
    with db.write() as session:
        claims.claim(session, mention_id, 1, by=rep, now=T0)
        ownership.resolve(session, mention_id, None, None, by=rep, now=T0)
    with db.write() as session:
        assert jobs.run_due_jobs(session, T0 + timedelta(hours=10))["rescored"] == []


def test_a_round_reads_only_the_mentions_that_are_due(db: Database) -> None:
    ids = [
        _ingest(db, f"d{i}", f"My order {i} is late again. Not happy.", at=T0) for i in range(40)
    ]
    with db.read() as session:
        due = {m.id: m.rescore_at for m in session.scalars(select(Mention))}
    assert set(due) == set(ids)
    first_move = min(d for d in due.values() if d is not None)
    assert first_move > T0 + timedelta(minutes=30)  # two points of waiting: about an hour
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.read() as session:
            assert jobs.plan_rescore(session, first_move - timedelta(seconds=1)) == {}
            # Not the event log: what a mention said is kept on the mention.
            assert not [s for s in statements if "events" in s]
            planned = jobs.plan_rescore(session, first_move)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert planned
    assert set(planned) <= set(ids)
    with db.write() as session:
        moved = jobs.rescore_open_mentions(session, first_move, planned=planned)
    assert sorted(moved) == sorted(planned)
    with db.read() as session:
        after = {m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(moved)))}
    for mention in after.values():
        assert mention.rescore_at is not None
        assert mention.rescore_at > first_move  # its next move, an hour or so later
    with db.read() as session:  # the same moment again: nothing is due
        assert jobs.plan_rescore(session, first_move) == {}
