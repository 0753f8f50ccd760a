"""Ingest as set operations, on SQLite and PostgreSQL: a batch is a handful of statements (no
savepoint or flush per mention), duplicates — known before, repeated in the batch, or stored
by a concurrent ingest — are reported as before, and each new mention gets its one
`mention.created` event, in order, carrying the stored row."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from app.models.enums import EventType
from app.models.schemas import IngestResult, MentionCreate
from app.models.tables import Event, Mention
from app.server.db import Database, open_database
from app.server.migrate import upgrade_to_head
from app.server.services import ingest
from tests.support.postgres import temporary_postgres_database

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'ingest.sqlite3'}")
        upgrade_to_head(database)
        yield database
        database.dispose()
        return
    with temporary_postgres_database() as url:
        database = open_database(url)
        upgrade_to_head(database)
        yield database
        database.dispose()


def _item(external_id: str, text: str = "Where is my parcel? It is late.") -> MentionCreate:
    return MentionCreate.model_validate(
        {
            "network": "mastodon",
            "external_id": external_id,
            "author": {"handle": f"@c{external_id}", "followers": 1200},
            "text": text,
        }
    )


def _ingest(db: Database, items: list[MentionCreate]) -> IngestResult:
    readings = ingest.read_items(items)
    with db.write() as session:
        return ingest.ingest(session, items, readings=readings, now=T0, actor_id=None)


class Statements:
    """Every statement the engine sends while the block runs."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.seen: list[str] = []

    def _record(self, *args: Any) -> None:
        self.seen.append(str(args[2]))

    def __enter__(self) -> Statements:
        event.listen(self.db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.db.engine, "before_cursor_execute", self._record)


def test_a_batch_of_a_hundred_is_a_handful_of_statements(db: Database) -> None:
    _ingest(db, [_item("known-1"), _item("known-2")])
    items = [_item(f"new-{i}") for i in range(98)] + [_item("known-1"), _item("known-2")]
    readings = ingest.read_items(items)
    with Statements(db) as statements, db.write() as session:
        result = ingest.ingest(session, items, readings=readings, now=T0, actor_id=None)
    assert len(result.created) == 98
    assert len(statements.seen) <= 10, statements.seen
    assert not [s for s in statements.seen if "SAVEPOINT" in s.upper()]


def test_duplicates_are_reported_as_before(db: Database) -> None:
    (known,) = _ingest(db, [_item("a")]).created
    result = _ingest(db, [_item("a"), _item("b"), _item("b"), _item("c"), _item("a")])
    b, _c = result.created
    assert result.duplicates == [known, b, known]
    with db.read() as session:
        stored = session.scalars(select(Mention.external_id).order_by(Mention.id)).all()
    assert stored == ["a", "b", "c"]


def test_each_new_mention_has_its_event_in_order(db: Database) -> None:
    texts = [f"Order {i} never arrived, this is awful" for i in range(30)]
    (known,) = _ingest(db, [_item("m-0", texts[0])]).created
    result = _ingest(db, [_item(f"m-{i}", t) for i, t in enumerate(texts)])
    assert result.duplicates == [known]
    with db.read() as session:
        events = session.scalars(
            select(Event).where(Event.type == str(EventType.MENTION_CREATED)).order_by(Event.id)
        ).all()
        mentions = {m.id: m for m in session.scalars(select(Mention))}
    assert [e.mention_id for e in events] == [known, *result.created]
    for created in events:
        assert created.mention_id is not None
        shown, stored = created.payload["mention"], mentions[created.mention_id]
        assert shown["id"] == stored.id
        assert shown["text"] == stored.text
        assert shown["priority"] == stored.priority
        assert shown["version"] == 1
        assert shown["status"] == "new"


def test_two_ingests_of_the_same_mentions_at_once_store_each_once(db: Database) -> None:
    items = [_item(f"race-{i}") for i in range(60)]
    readings = ingest.read_items(items)
    start = threading.Barrier(2)
    results: list[IngestResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            with db.write() as session:
                results.append(
                    ingest.ingest(session, items, readings=readings, now=T0, actor_id=None)
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 2
    first, second = sorted(results, key=lambda r: len(r.created), reverse=True)
    assert len(first.created) == 60
    assert second.created == []
    assert sorted(second.duplicates) == sorted(first.created)
    with db.read() as session:
        events = session.scalars(
            select(Event.mention_id).where(Event.type == str(EventType.MENTION_CREATED))
        ).all()
    assert sorted(e for e in events if e is not None) == sorted(first.created)
