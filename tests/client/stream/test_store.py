"""The local cache: a projection that only moves forward, a cursor that moves with it, drafts
and an ordered outbox that keeps what it is given."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.client.stream.store import ActionKind, LocalStore, OutboxStatus
from app.models.enums import MentionStatus, Network
from app.models.schemas import Author, MentionPublic, UserRef


def mention(mention_id: int, version: int, **changes: object) -> MentionPublic:
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    base: dict[str, object] = {
        "id": mention_id,
        "network": Network.MASTODON,
        "external_id": f"ext-{mention_id}",
        "author": Author(handle=f"user{mention_id}", display_name=f"User {mention_id}"),
        "text": f"Mention number {mention_id}",
        "url": None,
        "created_at": now,
        "ingested_at": now,
        "updated_at": now,
        "status": MentionStatus.NEW,
        "assignee_id": None,
        "version": version,
        "priority": 10.0,
        "sentiment": 0.0,
        "risk_words": [],
    }
    base.update(changes)
    return MentionPublic.model_validate(base)


def test_applies_only_newer_versions_and_moves_the_cursor(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cache.sqlite3")
    assert store.apply_mentions([mention(1, 1), mention(2, 1)], cursor=5) != []
    assert store.event_cursor() == 5
    dana = UserRef(id=7, name="Dana")
    claimed = mention(1, 2, status=MentionStatus.ASSIGNED, assignee_id=7, assignee=dana)
    applied = store.apply_mentions([claimed, mention(1, 1), mention(2, 1)], cursor=9)
    assert [m.id for m in applied] == [1]
    assert store.event_cursor() == 9
    rows = {r.id: r for r in store.load_rows()}
    assert rows[1].assignee_name == "Dana"
    assert rows[1].version == 2
    assert store.apply_mentions([mention(1, 1)]) == []  # an old replay changes nothing
    cached = store.mention(1)
    assert cached is not None
    assert cached.assignee_id == 7
    store.close()


def test_wal_mode_and_reopen_keep_everything(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = LocalStore(path)
    store.apply_mentions([mention(3, 1)], cursor=3)
    store.save_draft(3, "c0ffee00-0000-4000-8000-000000000000", "Sorry about that!", 1)
    store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reopened = LocalStore(path)
    assert reopened.event_cursor() == 3
    assert [r.id for r in reopened.load_rows()] == [3]
    assert reopened.draft(3) == ("c0ffee00-0000-4000-8000-000000000000", "Sorry about that!", 1)
    reopened.close()


def test_outbox_keeps_order_and_conflicts(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cache.sqlite3")
    first = store.enqueue(ActionKind.CLAIM, 1, {"version": 1})
    second = store.enqueue(ActionKind.RESOLVE, 1, {})
    third = store.enqueue(ActionKind.CLAIM, 2, {"version": 4})
    assert [e.seq for e in store.outbox()] == [first.seq, second.seq, third.seq]
    store.mark_outbox(first.seq, OutboxStatus.CONFLICT, "Taken", "Dana")
    pending = store.outbox([OutboxStatus.PENDING])
    assert [e.seq for e in pending] == [second.seq, third.seq]
    conflict = store.outbox([OutboxStatus.CONFLICT])[0]
    assert (conflict.current_owner, conflict.kind, conflict.payload) == (
        "Dana",
        ActionKind.CLAIM,
        {"version": 1},
    )
    store.remove_outbox(second.seq)
    assert [e.seq for e in store.outbox()] == [first.seq, third.seq]
    store.close()


def test_forget_mentions_keeps_drafts_and_outbox(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cache.sqlite3")
    store.apply_mentions([mention(1, 1)], cursor=4)
    store.save_draft(1, "c0ffee00-0000-4000-8000-000000000001", "Hello", 1)
    store.enqueue(ActionKind.CLAIM, 1, {"version": 1})
    store.forget_mentions()
    assert store.load_rows() == []
    assert store.event_cursor() is None
    assert store.draft(1) is not None
    assert len(store.outbox()) == 1
    store.close()
