"""Ingest: storing new mentions (from the webhook API or an ingest worker), de-duplicated on
(network, external_id) and scored; an urgent one that arrives while nobody is on duty opens a
coverage gap.

Everything that is not a database write happens before the write transaction: reading each
text for its priority (`read_items`, the slow part) and building the rows and their
`mention.created` payloads (`plan_ingest`). Inside it, a batch is set operations: one
`INSERT … ON CONFLICT DO NOTHING RETURNING` for the mentions (a mention another ingest stored
first is a duplicate, not an error; on PostgreSQL the rows travel as one JSON document,
app/server/bulk_insert.py), one select for the duplicates' ids and one
statement for the events; and the batch's customers found (one select) or made (two inserts,
services/customers.py) — the write lock is held for milliseconds (`store_planned`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus
from app.models.schemas import IngestResult, MentionCreate, MentionSla
from app.models.tables import Mention
from app.server.bulk_insert import insert_json_rows
from app.server.event_log import record_events
from app.server.services.aging import next_visible_change
from app.server.services.customers import author_key, customers_of
from app.server.services.response_targets import due_times
from app.server.services.routing import (
    Routed,
    match_batch,
    route_batch,
    routed_payload,
    routed_row,
)
from app.server.services.routing_book import routing_book
from app.server.services.routing_rules import MentionFacts, TeamMatch, TeamRules
from app.server.services.uncovered import UrgentArrival, alert_urgent_arrivals
from app.server.views import mention_payload
from app.tone.priority import URGENT_THRESHOLD, MentionReading, priority_of, read_mention

_MENTIONS: Table = Mention.__table__  # type: ignore[assignment]


def read_items(items: Sequence[MentionCreate]) -> list[MentionReading]:
    """Read each item's text for its priority, in order: call before the write transaction."""
    return [read_mention(item.text) for item in items]


@dataclass(frozen=True, slots=True)
class PlannedMention:
    """One mention ready to store: its row (without id) and its `mention.created` payload."""

    key: tuple[str, str]  # (network, external_id)
    row: dict[str, Any]
    payload: dict[str, Any]  # the mention as the event shows it; its id is filled in at store

    @property
    def urgent(self) -> bool:
        return score_is_urgent(float(self.row["priority"]))


@dataclass(frozen=True, slots=True)
class IngestPlan:
    """A batch worked out before the write transaction: the distinct mentions to store (the
    first of a repeated (network, external_id) wins) and every item's key, in order."""

    mentions: list[PlannedMention]
    keys: list[tuple[str, str]]

    @classmethod
    def of(cls, planned: Sequence[PlannedMention]) -> IngestPlan:
        """The plan of a batch's mentions, each planned on its own (`plan_mention`), in order."""
        distinct: dict[tuple[str, str], PlannedMention] = {}
        for mention in planned:
            distinct.setdefault(mention.key, mention)
        return cls(list(distinct.values()), [m.key for m in planned])


def plan_mention(
    item: MentionCreate,
    reading: MentionReading,
    *,
    now: datetime,
    account_id: int | None = None,
    raw_ref: Mapping[str, str] | None = None,
) -> PlannedMention:
    """One mention's row and payload, scored from `reading`: arithmetic only, no database."""
    created_at = item.created_at or now
    followers = item.author.followers
    priority = priority_of(
        reading, followers=followers, waiting=max(now - created_at, timedelta(0))
    )
    row: dict[str, Any] = {
        "network": item.network,
        "external_id": item.external_id,
        "author_handle": item.author.handle,
        "author_display_name": item.author.display_name,
        "author_url": item.author.url,
        "author_followers": followers,
        "text": item.text,
        "url": str(item.url) if item.url is not None else None,
        "language": item.language,
        "visibility": item.visibility,
        "in_reply_to_external_id": item.in_reply_to_external_id,
        "thread_key": item.thread_key,
        "is_demo": item.is_demo,
        "created_at": created_at,
        "ingested_at": now,
        "updated_at": now,
        "status": MentionStatus.NEW,
        "version": 1,
        "priority": priority,
        "sentiment": reading.sentiment,
        "risk_words": list(reading.risk_words),
        "complaint": reading.complaint,
        "rescore_at": next_visible_change(
            reading, followers=followers, priority=priority, created_at=created_at, now=now
        ),
        "raw": dict(raw_ref or {}),
        "account_id": account_id,
        "assignee_id": None,
        "snoozed_until": None,
        "resolved_at": None,
        "follow_up_at": None,
        "follow_up_done": False,
        # Routing and the response-time clock fill these in as the mention is stored.
        "team_id": None,
        "routed_reason": None,
        "sla_due_at": None,
        # Its customer is found or created as it is stored (services/customers.py).
        "customer_id": None,
        "tags": [],
    }
    # The payload is built from a mention that is never added to the session.
    payload = mention_payload(Mention(id=0, **row))
    return PlannedMention((item.network.value, item.external_id), row, payload)


def plan_ingest(
    items: Sequence[MentionCreate],
    *,
    readings: Sequence[MentionReading],
    now: datetime,
    account_id: int | None = None,
    raw_refs: Mapping[str, Mapping[str, str]] | None = None,
) -> IngestPlan:
    """The rows and payloads for `items` (scored from `readings`, one per item: see
    `read_items`): no database — call it before the write transaction. A large webhook batch
    is planned in other processes instead (app/server/ingest_planner.py)."""
    if len(readings) != len(items):
        raise ValueError(f"{len(items)} mentions but {len(readings)} readings")
    refs = raw_refs or {}
    return IngestPlan.of(
        [
            plan_mention(
                item, reading, now=now, account_id=account_id, raw_ref=refs.get(item.external_id)
            )
            for item, reading in zip(items, readings, strict=True)
        ]
    )


def _insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Insert the rows no other mention has the key of; the new ids by key."""
    key = ["network", "external_id"]
    returned = ["id", "network", "external_id"]
    returned_rows: Sequence[Any]
    if session.get_bind().dialect.name == "postgresql":
        returned_rows = insert_json_rows(
            session, _MENTIONS, rows, on_conflict_do_nothing=key, returning=returned
        ).all()
    else:
        # Many parameter sets to one cached statement: SQLAlchemy sends them as multi-row
        # VALUES ("insertmanyvalues"), pages sized to SQLite's limits, and gathers the results.
        statement = (
            sqlite.insert(_MENTIONS)
            .on_conflict_do_nothing(index_elements=key)
            .returning(*(_MENTIONS.c[name] for name in returned))
        )
        returned_rows = session.execute(statement, list(rows)).all()
    return {
        (network.value, external_id): int(mention_id)
        for mention_id, network, external_id in returned_rows
    }


def _known_ids(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    if not keys:
        return {}
    rows = session.execute(
        select(Mention.id, Mention.network, Mention.external_id).where(
            Mention.external_id.in_({external_id for _network, external_id in keys})
        )
    )
    known = {(network.value, external_id): int(i) for i, network, external_id in rows}
    return {key: known[key] for key in keys if key in known}


def store_planned(
    session: Session, plan: IngestPlan, *, now: datetime, actor_id: int | None
) -> IngestResult:
    """Store a planned batch in the caller's transaction; mentions already known by
    (network, external_id) are left unchanged and reported as duplicates."""
    if not plan.mentions:
        return IngestResult(created=[], duplicates=[])
    book = routing_book(session)
    teams = _teams_of(book.rules, plan.mentions)
    priorities = {i: float(m.row["priority"]) for i, m in enumerate(plan.mentions)}
    due = due_times(
        book.clocks, {i: match.rules.team_id for i, match in teams.items()}, priorities, now
    )
    routed = route_batch(session, teams, priorities)
    customers = customers_of(
        session,
        (
            (m.key[0], str(m.row["author_handle"]), str(m.row["author_display_name"]))
            for m in plan.mentions
        ),
        now=now,
    )
    customer_of = {
        i: customers[author_key(m.key[0], str(m.row["author_handle"]))]
        for i, m in enumerate(plan.mentions)
    }
    rows = [
        {
            **(
                {**routed_row(m.row, routed[i]), "sla_due_at": due.get(i)} if i in routed else m.row
            ),
            "customer_id": customer_of[i],
        }
        for i, m in enumerate(plan.mentions)
    ]
    created = _insert_new(session, rows)
    known = _known_ids(session, {key for key in plan.keys if key not in created})
    stored = [(i, m) for i, m in enumerate(plan.mentions) if m.key in created]
    record_events(
        session,
        EventType.MENTION_CREATED,
        [
            (
                created[m.key],
                {
                    "mention": _as_stored(
                        m.payload, created[m.key], routed.get(i), due.get(i), customer_of[i]
                    )
                },
            )
            for i, m in stored
        ],
        at=now,
        actor_id=actor_id,
    )
    alert_urgent_arrivals(
        session,
        [
            UrgentArrival.of(created[m.key], str(m.row["author_handle"]), str(m.row["text"]))
            for _i, m in stored
            if m.urgent
        ],
        now=now,
        actor_id=actor_id,
    )
    first: set[tuple[str, str]] = set()
    duplicates: list[int] = []
    for key in plan.keys:
        if key in created and key not in first:
            first.add(key)
        elif key in created:
            duplicates.append(created[key])
        elif key in known:
            duplicates.append(known[key])
    return IngestResult(created=[created[m.key] for _i, m in stored], duplicates=duplicates)


def _teams_of(
    rules: Sequence[TeamRules], mentions: Sequence[PlannedMention]
) -> dict[int, TeamMatch]:
    """The team whose routing rules each planned mention (by its place) matches."""
    if not rules:
        return {}
    return match_batch(
        rules,
        {
            i: MentionFacts(
                network=str(m.key[0]),
                language=m.row["language"],
                text=str(m.row["text"]),
                priority=float(m.row["priority"]),
            )
            for i, m in enumerate(mentions)
        },
    )


def _as_stored(
    payload: dict[str, Any],
    mention_id: int,
    routed: Routed | None,
    due_at: datetime | None,
    customer_id: int,
) -> dict[str, Any]:
    """A planned mention's payload as stored: its id, its customer, its team and owner, its
    clock."""
    stored = routed_payload({**payload, "id": mention_id, "customer_id": customer_id}, routed)
    if due_at is not None:
        stored["sla"] = MentionSla(due_at=due_at, breached=False).model_dump(mode="json")
    return stored


def ingest(
    session: Session,
    items: Sequence[MentionCreate],
    *,
    readings: Sequence[MentionReading],
    now: datetime,
    actor_id: int | None,
    account_id: int | None = None,
    raw_refs: Mapping[str, Mapping[str, str]] | None = None,
) -> IngestResult:
    """Store new mentions (scored from `readings`, one per item: see `read_items`), skip ones
    already known by (network, external_id). An ingest worker passes its brand `account_id`
    and, per external id, the network's references needed to reply later (`raw_refs`, kept in
    `mentions.raw`). Callers that hold a write lock plan first (`plan_ingest`, then
    `store_planned`)."""
    plan = plan_ingest(items, readings=readings, now=now, account_id=account_id, raw_refs=raw_refs)
    return store_planned(session, plan, now=now, actor_id=actor_id)


def score_is_urgent(priority: float) -> bool:
    return priority >= URGENT_THRESHOLD
