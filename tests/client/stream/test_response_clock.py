"""The response clock as the stream shows it (time left, amber in its last ten minutes, late),
the order by Due, the words saying why routing chose the owner, the tray's words for missed
targets, and a cache written by an older console taking the new columns (and loading its
stream again) without losing drafts or the outbox."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.client.stream.response_clock import ClockState, due_sort_key, read_clock
from app.client.stream.rows import MentionRow
from app.client.stream.store import ActionKind, LocalStore
from app.client.stream.words import missed_target_words, routed_words
from app.models.enums import MentionStatus, Network
from app.models.schemas import Author, MentionPublic, MentionSla

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def _row(**changes: object) -> MentionRow:
    values: dict[str, object] = {
        "id": 1,
        "network": Network.MASTODON,
        "author_handle": "kim",
        "author_name": "Kim",
        "text": "Where is my refund?",
        "created_at": NOW - timedelta(minutes=5),
        "status": MentionStatus.ASSIGNED,
        "assignee_id": 7,
        "assignee_name": "Dana",
        "version": 1,
        "priority": 35.0,
    }
    values.update(changes)
    return MentionRow(**values)  # type: ignore[arg-type]


def test_the_clock_counts_down_turns_amber_then_late() -> None:
    assert read_clock(_row(), NOW) is None  # no target: no clock
    due = NOW + timedelta(hours=2, minutes=5)
    running = read_clock(_row(sla_due_at=due), NOW)
    assert running is not None
    assert (running.text, running.state) == ("2h 5m", ClockState.RUNNING)
    soon = read_clock(_row(sla_due_at=NOW + timedelta(minutes=9, seconds=30)), NOW)
    assert soon is not None
    assert (soon.text, soon.state) == ("9m", ClockState.SOON)
    late = read_clock(_row(sla_due_at=NOW - timedelta(minutes=4)), NOW)
    assert late is not None
    assert (late.text, late.state) == ("late 4m", ClockState.LATE)
    assert late.sentence.startswith("First-response target missed 4m ago")
    just = read_clock(_row(sla_due_at=NOW - timedelta(seconds=20)), NOW)
    assert just is not None
    assert just.text == "late"  # not "late <1m": the column keeps it whole
    # The server said missed (its clock ran out first): late, whatever this clock says.
    told = read_clock(_row(sla_due_at=NOW + timedelta(seconds=20), sla_breached=True), NOW)
    assert told is not None
    assert told.state is ClockState.LATE
    # Resolved: no clock any more.
    assert read_clock(_row(sla_due_at=due, status=MentionStatus.RESOLVED), NOW) is None


def test_due_order_puts_the_soonest_first_and_clockless_last() -> None:
    rows = [
        _row(id=1),
        _row(id=2, sla_due_at=NOW + timedelta(minutes=30)),
        _row(id=3, sla_due_at=NOW - timedelta(minutes=3)),
        _row(id=4, sla_due_at=NOW + timedelta(minutes=5), status=MentionStatus.RESOLVED),
    ]
    assert [r.id for r in sorted(rows, key=due_sort_key)][:2] == [3, 2]


def test_why_routing_chose_and_what_the_tray_says_of_missed_targets() -> None:
    reason = "billing (keyword “refund”) · round robin"
    assert routed_words(_row(routed_reason=reason)) == f"Dana: {reason}"
    waiting = _row(assignee_id=None, assignee_name=None, routed_reason="billing · waiting")
    assert routed_words(waiting) == "Waiting in billing · waiting"
    mention = {
        "id": 1,
        "author": {"handle": "@kim"},
        "text": "Where   is my\nrefund?",
        "assignee_id": 7,
        "assignee": {"id": 7, "name": "Dana"},
    }
    one = missed_target_words([{"mention": mention, "late_minutes": 3.2}], me=7)
    assert one == (
        "Response time missed: @kim",
        "Waiting past its target by 3 min (yours): Where is my refund?",
    )
    boss = missed_target_words([{"mention": mention, "late_minutes": 0.4}], me=2)
    assert boss[1] == "Waiting past its target (Dana's): Where is my refund?"
    several = missed_target_words(
        [{"mention": mention}, {"mention": {**mention, "assignee_id": 8}}], me=7
    )
    assert several[0] == "2 mentions missed their response time"
    assert ", 1 of them yours" in several[1]


def _public(mention_id: int, due: datetime | None) -> MentionPublic:
    return MentionPublic(
        id=mention_id,
        network=Network.MASTODON,
        external_id=f"e{mention_id}",
        author=Author(handle="kim", display_name="Kim"),
        text="Refund?",
        url=None,
        created_at=NOW,
        ingested_at=NOW,
        updated_at=NOW,
        status=MentionStatus.NEW,
        assignee_id=None,
        version=1,
        priority=10.0,
        sentiment=0.0,
        risk_words=[],
        routed_reason="billing · waiting: nobody of the team is on duty",
        sla=MentionSla(due_at=due, breached=False) if due else None,
    )


def test_the_cache_keeps_the_clock_and_an_older_cache_takes_the_new_columns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite3"
    store = LocalStore(path)
    due = NOW + timedelta(minutes=30)
    store.apply_mentions([_public(1, due), _public(2, None)], cursor=4)
    rows = {r.id: r for r in store.load_rows()}
    assert rows[1].sla_due_at == due
    assert rows[2].sla_due_at is None
    assert rows[1].routed_reason == "billing · waiting: nobody of the team is on duty"
    store.save_draft(1, "c-1", "Sorry — refund on its way", 1)
    store.enqueue(ActionKind.CLAIM, 1, {"version": 1})
    store.close()

    # As an older console left it: the cached stream without the new columns.
    with sqlite3.connect(path) as db:
        for column in ("sla_due_at", "sla_breached", "routed_reason"):
            db.execute(f"ALTER TABLE cached_mention DROP COLUMN {column}")
    upgraded = LocalStore(path)
    assert upgraded.load_rows() == []  # loads again from the server, with the clocks
    assert upgraded.event_cursor() is None
    assert upgraded.draft(1) == ("c-1", "Sorry — refund on its way", 1)
    assert [e.mention_id for e in upgraded.outbox()] == [1]
    upgraded.apply_mentions([_public(1, due)], cursor=5)
    assert upgraded.load_rows()[0].sla_due_at == due
    upgraded.close()
