"""PostgreSQL: rows carried as one JSON document (server/bulk_insert.py) are stored exactly as the
ORM stores the same values — hostile text, zoned times, enums, JSON, NULLs — conflicts skip,
what is returned is typed, ids follow the rows' order, and an over-long value is refused by
the column, never cut."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError

from app.models.enums import MentionStatus, Network
from app.models.limits import MENTION_LIMITS
from app.models.tables import Event, Mention
from app.server.bulk_insert import insert_json_rows
from app.server.db import Database, open_database
from app.server.migrate import upgrade_to_head
from tests.support.postgres import temporary_postgres_database

HOSTILE = (
    "He said \"refund\" \\ then 'no' — 🙂🏳️‍🌈 \u2028line\u2029 \u202eevil\u202c "
    '{"json": [1, 2]} %s %(x)s :rows $1 \t\r\n end'
)
ZONED = datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=2)))  # 01:30 UTC


@pytest.fixture
def db() -> Iterator[Database]:
    with temporary_postgres_database() as url:
        database = open_database(url)
        upgrade_to_head(database)
        yield database
        database.dispose()


def _row(external_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "network": Network.MASTODON,
        "external_id": external_id,
        "author_handle": "@ana@example.social",
        "author_display_name": "Ana ",
        "author_url": None,
        "author_followers": None,
        "text": HOSTILE,
        "created_at": ZONED,
        "ingested_at": ZONED,
        "updated_at": ZONED,
        "status": MentionStatus.NEW,
        "priority": 87.25,
        "risk_words": ["refund", "lawyer"],
        "raw": {"nested": {"a": [1, None, "ü"]}, "empty": {}},
        "is_demo": False,
        "complaint": None,
        **extra,
    }


def _stored(session: Any, external_id: str) -> dict[str, Any]:
    mention = session.scalars(select(Mention).where(Mention.external_id == external_id)).one()
    return {key: getattr(mention, key) for key in _row("x") if key != "external_id"} | {
        "version": mention.version,
        "follow_up_done": mention.follow_up_done,
    }


def test_json_rows_are_stored_as_the_orm_stores_them(db: Database) -> None:
    with db.write() as session:
        session.add(Mention(**_row("by-orm")))
        result = insert_json_rows(
            session,
            Mention.__table__,  # type: ignore[arg-type]
            [_row("by-json")],
            returning=["id", "network", "external_id"],
        )
        ((mention_id, network, external_id),) = result.all()
    assert network is Network.MASTODON
    assert external_id == "by-json"
    assert mention_id > 0
    with db.read() as session:
        by_orm, by_json = _stored(session, "by-orm"), _stored(session, "by-json")
    assert by_json == by_orm
    assert by_json["text"] == HOSTILE
    assert by_json["created_at"] == ZONED
    assert by_json["created_at"].tzinfo == UTC
    assert by_json["version"] == 1  # the model's defaults are filled in, as the ORM does
    assert by_json["follow_up_done"] is False


def test_conflicts_are_skipped_and_only_new_rows_returned(db: Database) -> None:
    table = Mention.__table__
    key = ["network", "external_id"]
    with db.write() as session:
        insert_json_rows(session, table, [_row("a")], on_conflict_do_nothing=key)  # type: ignore[arg-type]
        again = insert_json_rows(
            session,
            table,  # type: ignore[arg-type]
            [_row("a", text="changed"), _row("b")],
            on_conflict_do_nothing=key,
            returning=["external_id"],
        )
        assert [external_id for (external_id,) in again.all()] == ["b"]
    with db.read() as session:
        assert _stored(session, "a")["text"] == HOSTILE  # left unchanged


def test_ids_follow_the_rows_order(db: Database) -> None:
    payloads = [{"n": n, "text": HOSTILE} for n in range(200)]
    rows = [
        {
            "type": "mention.created",
            "payload": p,
            "created_at": ZONED,
            "mention_id": None,
            "actor_id": None,
            "audience": None,
        }
        for p in payloads
    ]
    with db.write() as session:
        insert_json_rows(session, Event.__table__, rows)  # type: ignore[arg-type]
    with db.read() as session:
        stored = [e.payload for e in session.scalars(select(Event).order_by(Event.id))]
    assert stored == payloads


def test_an_over_long_value_is_refused_not_cut(db: Database) -> None:
    too_long = "x" * (MENTION_LIMITS.handle + 1)
    with pytest.raises(DataError, match="too long"), db.write() as session:
        insert_json_rows(session, Mention.__table__, [_row("long", author_handle=too_long)])  # type: ignore[arg-type]
    with db.read() as session:
        assert session.scalars(select(Mention)).all() == []
