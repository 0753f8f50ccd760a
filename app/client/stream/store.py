"""The console's local SQLite cache: cached mentions (a projection of the event log), the event
cursor, drafts, handoffs addressed to this user and the outbox of pending actions.

A sync SQLAlchemy engine in WAL mode. The store is not thread-safe by itself: the session calls
it from one dedicated worker thread so the UI thread never waits on disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry

from app.client.private_files import private_file
from app.client.stream.cached_rows import ALL_ROWS, NEWEST_ROWS, TAG_SEPARATOR, to_rows
from app.client.stream.entries import ActionKind as ActionKind  # re-exported
from app.client.stream.entries import OutboxEntry as OutboxEntry
from app.client.stream.entries import OutboxStatus as OutboxStatus
from app.client.stream.rows import MentionRow
from app.models.schemas import HandoffPublic, MentionPublic

SCHEMA_VERSION = "3"


class StoreBase(DeclarativeBase):
    pass


class CachedMention(StoreBase):
    __tablename__ = "cached_mention"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    network: Mapped[str] = mapped_column(String(32))
    author_handle: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)  # epoch seconds: cheap to load 100k rows
    status: Mapped[str] = mapped_column(String(16), index=True)
    assignee_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    assignee_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    priority: Mapped[float] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    sla_due_at: Mapped[float | None] = mapped_column(Float, nullable=True)  # epoch seconds
    sla_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    routed_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    tags: Mapped[str] = mapped_column(Text, default="")  # joined by TAG_SEPARATOR


class MentionPayload(StoreBase):
    """The whole `MentionPublic` as JSON, apart from the stream's columns so that loading
    100k stream rows does not read 100k JSON documents."""

    __tablename__ = "mention_payload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)


class SyncState(StoreBase):
    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Draft(StoreBase):
    """A reply being written, saved as the rep types."""

    __tablename__ = "draft"

    mention_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    client_id: Mapped[str] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[float] = mapped_column(Float)


class CachedHandoff(StoreBase):
    __tablename__ = "cached_handoff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    mention_id: Mapped[int] = mapped_column(Integer, index=True)
    to_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    to_team: Mapped[str | None] = mapped_column(String(80), nullable=True)
    status: Mapped[str] = mapped_column(String(16))


class OutboxRow(StoreBase):
    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    mention_id: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    current_owner: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _now() -> float:
    return datetime.now(UTC).timestamp()


class LocalStore:
    """One SQLite file per server profile (solo, or one per team server URL)."""

    def __init__(self, path: Path) -> None:
        private_file(path)  # 0600 before SQLite opens it: its -wal and -shm follow its mode
        self.path = path
        self._engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False}
        )
        event.listen(self._engine, "connect", _on_connect)
        StoreBase.metadata.create_all(self._engine)
        self._add_new_columns()
        with self._engine.begin() as conn:
            conn.execute(
                sqlite_insert(SyncState)
                .values(key="schema_version", value=SCHEMA_VERSION)
                .on_conflict_do_update(index_elements=["key"], set_={"value": SCHEMA_VERSION})
            )

    def _add_new_columns(self) -> None:
        """A cache written by an older console lacks the stream's newer columns (the response
        clock, why routing chose): add them, and forget the cached stream so that it loads
        again from the server with them (drafts and the outbox stay)."""
        table = CachedMention.__table__
        with self._engine.begin() as conn:
            present = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(cached_mention)")}
            missing = [column for column in table.columns if column.name not in present]
            for column in missing:
                kind = column.type.compile(dialect=conn.dialect)
                conn.exec_driver_sql(f"ALTER TABLE cached_mention ADD COLUMN {column.name} {kind}")
        if missing:
            self.forget_mentions()

    def close(self) -> None:
        self._engine.dispose()

    # --- cursor and key/value state ------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(select(SyncState.value).where(SyncState.key == key)).scalar()

    def set_state(self, key: str, value: str) -> None:
        with self._engine.begin() as conn:
            stmt = sqlite_insert(SyncState).values(key=key, value=value)
            conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    def event_cursor(self) -> int | None:
        value = self.get_state("event_cursor")
        return int(value) if value is not None else None

    def set_event_cursor(self, cursor: int) -> None:
        self.set_state("event_cursor", str(cursor))

    # --- mentions ------------------------------------------------------------------------

    def apply_mentions(
        self, mentions: Sequence[MentionPublic], cursor: int | None = None
    ) -> list[MentionPublic]:
        """Store the mentions that are newer than the cached copy; return those applied.

        The cursor (if given) moves in the same transaction, so a crash never leaves the
        cache and the cursor out of step."""
        latest: dict[int, MentionPublic] = {}
        for mention in mentions:
            seen = latest.get(mention.id)
            if seen is None or mention.version > seen.version:
                latest[mention.id] = mention
        applied: list[MentionPublic] = []
        with self._engine.begin() as conn:
            ids = list(latest)
            cached: dict[int, int] = {}
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                result = conn.execute(
                    select(CachedMention.id, CachedMention.version).where(
                        CachedMention.id.in_(chunk)
                    )
                )
                cached.update({row[0]: row[1] for row in result})
            values = []
            payloads = []
            for mention in latest.values():
                if mention.id in cached and cached[mention.id] >= mention.version:
                    continue
                applied.append(mention)
                values.append(
                    {
                        "id": mention.id,
                        "version": mention.version,
                        "network": mention.network.value,
                        "author_handle": mention.author.handle,
                        "author_name": mention.author.display_name,
                        "text": mention.text,
                        "url": mention.url,
                        "created_at": _epoch(mention.created_at),
                        "status": mention.status.value,
                        "assignee_id": mention.assignee_id,
                        "assignee_name": mention.assignee.name if mention.assignee else None,
                        "priority": mention.priority,
                        "is_demo": mention.is_demo,
                        "sla_due_at": _epoch(mention.sla.due_at) if mention.sla else None,
                        "sla_breached": bool(mention.sla and mention.sla.breached),
                        "routed_reason": mention.routed_reason,
                        "customer_id": mention.customer_id,
                        "tags": TAG_SEPARATOR.join(mention.tags),
                    }
                )
                payloads.append({"id": mention.id, "payload": mention.model_dump_json()})
            if values:
                stmt = sqlite_insert(CachedMention)
                columns = {c: stmt.excluded[c] for c in values[0] if c != "id"}
                upsert = stmt.on_conflict_do_update(index_elements=["id"], set_=columns)
                conn.execute(upsert, values)
                payload_stmt = sqlite_insert(MentionPayload)
                conn.execute(
                    payload_stmt.on_conflict_do_update(
                        index_elements=["id"], set_={"payload": payload_stmt.excluded.payload}
                    ),
                    payloads,
                )
            if cursor is not None:
                stmt2 = sqlite_insert(SyncState).values(key="event_cursor", value=str(cursor))
                conn.execute(
                    stmt2.on_conflict_do_update(index_elements=["key"], set_={"value": str(cursor)})
                )
        return applied

    def relink_customer(self, merged_id: int, customer_id: int) -> list[int]:
        """Customer `merged_id` was linked into `customer_id`: its cached mentions say so now.
        Returns their ids."""
        with self._engine.begin() as conn:
            ids = list(
                conn.execute(
                    select(CachedMention.id).where(CachedMention.customer_id == merged_id)
                ).scalars()
            )
            if ids:
                conn.execute(
                    update(CachedMention)
                    .where(CachedMention.customer_id == merged_id)
                    .values(customer_id=customer_id)
                )
        return ids

    def load_rows(self, newest: int | None = None) -> list[MentionRow]:
        """Cached mentions as stream rows, oldest first: all of them, or only the `newest` N
        (what the first screen needs, in milliseconds)."""
        with self._engine.connect() as conn:
            if newest is None:
                return to_rows(conn.exec_driver_sql(ALL_ROWS).fetchall())
            records = conn.exec_driver_sql(NEWEST_ROWS, (newest,)).fetchall()
        return to_rows(reversed(records))

    def forget_mentions(self) -> None:
        """Drop the cached stream and cursor (the server was reset); drafts and outbox stay."""
        with self._engine.begin() as conn:
            conn.execute(delete(CachedMention))
            conn.execute(delete(MentionPayload))
            conn.execute(delete(CachedHandoff))
            conn.execute(delete(SyncState).where(SyncState.key == "event_cursor"))

    def mention(self, mention_id: int) -> MentionPublic | None:
        with self._engine.connect() as conn:
            payload = conn.execute(
                select(MentionPayload.payload).where(MentionPayload.id == mention_id)
            ).scalar()
        return MentionPublic.model_validate_json(payload) if payload else None

    def mention_count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(CachedMention)).scalar_one())

    # --- handoffs addressed to someone ---------------------------------------------------

    def apply_handoff(self, handoff: HandoffPublic) -> None:
        values = {
            "id": handoff.id,
            "mention_id": handoff.mention_id,
            "to_user_id": handoff.to_user.id if handoff.to_user else None,
            "to_team": handoff.to_team,
            "status": handoff.status.value,
        }
        with self._engine.begin() as conn:
            stmt = sqlite_insert(CachedHandoff).values(**values)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["id"], set_={k: v for k, v in values.items() if k != "id"}
                )
            )

    def pending_handoffs(self) -> list[tuple[int, int | None, str | None]]:
        """(mention_id, to_user_id, to_team) of every pending handoff."""
        with self._engine.connect() as conn:
            result = conn.execute(
                select(
                    CachedHandoff.mention_id, CachedHandoff.to_user_id, CachedHandoff.to_team
                ).where(CachedHandoff.status == "pending")
            )
            return [(r[0], r[1], r[2]) for r in result]

    # --- drafts --------------------------------------------------------------------------

    def save_draft(self, mention_id: int, client_id: str, body: str, base_version: int) -> None:
        values = {
            "mention_id": mention_id,
            "client_id": client_id,
            "body": body,
            "base_version": base_version,
            "updated_at": _now(),
        }
        with self._engine.begin() as conn:
            stmt = sqlite_insert(Draft).values(**values)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["mention_id"],
                    set_={k: v for k, v in values.items() if k != "mention_id"},
                )
            )

    def draft(self, mention_id: int) -> tuple[str, str, int] | None:
        """(client_id, body, base_version) of the saved draft, if any."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(Draft.client_id, Draft.body, Draft.base_version).where(
                    Draft.mention_id == mention_id
                )
            ).first()
        return (row[0], row[1], row[2]) if row else None

    def delete_draft(self, mention_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(Draft).where(Draft.mention_id == mention_id))

    # --- outbox --------------------------------------------------------------------------

    def enqueue(self, kind: ActionKind, mention_id: int, payload: dict[str, Any]) -> OutboxEntry:
        created = _now()
        with self._engine.begin() as conn:
            result = conn.execute(
                sqlite_insert(OutboxRow)
                .values(
                    kind=kind.value,
                    mention_id=mention_id,
                    payload=json.dumps(payload),
                    status=OutboxStatus.PENDING.value,
                    created_at=created,
                )
                .returning(OutboxRow.seq)
            )
            seq = int(result.scalar_one())
        return OutboxEntry(
            seq,
            kind,
            mention_id,
            payload,
            OutboxStatus.PENDING,
            None,
            None,
            datetime.fromtimestamp(created, UTC),
        )

    def outbox(self, statuses: Iterable[OutboxStatus] | None = None) -> list[OutboxEntry]:
        stmt = select(OutboxRow).order_by(OutboxRow.seq)
        if statuses is not None:
            stmt = stmt.where(OutboxRow.status.in_([s.value for s in statuses]))
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [
            OutboxEntry(
                seq=r.seq,
                kind=ActionKind(r.kind),
                mention_id=r.mention_id,
                payload=json.loads(r.payload),
                status=OutboxStatus(r.status),
                detail=r.detail,
                current_owner=r.current_owner,
                created_at=datetime.fromtimestamp(r.created_at, UTC),
            )
            for r in rows
        ]

    def action_pending_before(self, mention_id: int, seq: int) -> bool:
        """Whether an action (claim, release, resolve, snooze) on the mention, queued before
        `seq`, has yet to reach the server (waiting, or stopped at a conflict for the rep to
        decide): a reply of the mention must not overtake it."""
        stmt = (
            select(OutboxRow.seq)
            .where(
                OutboxRow.mention_id == mention_id,
                OutboxRow.seq < seq,
                OutboxRow.kind != ActionKind.REPLY.value,
                OutboxRow.status.in_([OutboxStatus.PENDING.value, OutboxStatus.CONFLICT.value]),
            )
            .limit(1)
        )
        with self._engine.connect() as conn:
            return conn.execute(stmt).first() is not None

    def mark_outbox(
        self,
        seq: int,
        status: OutboxStatus,
        detail: str | None = None,
        current_owner: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status.value,
            "detail": detail,
            "current_owner": current_owner,
        }
        if payload is not None:
            values["payload"] = json.dumps(payload)
        with self._engine.begin() as conn:
            conn.execute(update(OutboxRow).where(OutboxRow.seq == seq).values(**values))

    def remove_outbox(self, seq: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(OutboxRow).where(OutboxRow.seq == seq))
