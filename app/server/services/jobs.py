"""Time-driven upkeep: re-score open mentions as they wait, wake snoozed mentions when due,
raise follow-ups. Each function takes `now` (an injectable clock) and runs in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus
from app.models.tables import Event, Mention
from app.server.events import record_event
from app.server.services.handoffs import escalate_due
from app.server.services.mentions import mark_changed
from app.server.services.rota import apply_rotas
from app.server.views import mention_payload
from app.tone.priority import URGENT_THRESHOLD, priority_of, reading_from_ingest

# A re-score is published only when the priority moves by at least this much (or crosses the
# urgent line): smaller drifts would churn versions and events without changing what reps see.
VISIBLE_PRIORITY_STEP = 2.0
JOBS_LOCK_KEY = 0x524553504A4F4253  # "RESPJOBS": one process at a time runs the jobs
WAITING = (MentionStatus.NEW, MentionStatus.ASSIGNED, MentionStatus.HANDOFF)


def take_jobs_lock(session: Session) -> bool:
    """On PostgreSQL only one server process runs the jobs at a time (others skip the round)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": JOBS_LOCK_KEY}))


def _visible_change(old: float, new: float) -> bool:
    crossed = (old >= URGENT_THRESHOLD) != (new >= URGENT_THRESHOLD)
    return crossed or abs(new - old) >= VISIBLE_PRIORITY_STEP


def plan_rescore(session: Session, now: datetime) -> dict[int, float]:
    """The waiting mentions whose priority moves visibly by `now`, with their new priority.

    Reads, never locks or writes, so it can run before the jobs' write transaction. No text is
    read either: what the text says was stored at ingest (sentiment, risk words, and in the
    priority it got then, whether it complained: see `reading_from_ingest`), and waiting adds
    points on top (`priority_of`). A mention scored by an older rule keeps its priority."""
    rows = session.execute(
        select(
            Mention.id,
            Mention.priority,
            Mention.sentiment,
            Mention.risk_words,
            Mention.author_followers,
            Mention.created_at,
            Mention.ingested_at,
            # Only the number is fetched, not the whole payload (which holds the text).
            Event.payload[("mention", "priority")].as_float().label("priority_at_ingest"),
        )
        .join(
            Event,
            (Event.mention_id == Mention.id) & (Event.type == EventType.MENTION_CREATED.value),
        )
        .where(Mention.status.in_(WAITING))
    ).all()
    moving: dict[int, float] = {}
    for row in rows:
        if row.priority_at_ingest is None:
            continue
        reading = reading_from_ingest(
            row.sentiment,
            tuple(row.risk_words or ()),
            followers=row.author_followers,
            waited_at_ingest=max(row.ingested_at - row.created_at, timedelta(0)),
            priority_at_ingest=float(row.priority_at_ingest),
        )
        if reading is None:
            continue
        waiting = max(now - row.created_at, timedelta(0))
        new = priority_of(reading, followers=row.author_followers, waiting=waiting)
        if _visible_change(row.priority, new):
            moving[row.id] = new
    return moving


def rescore_open_mentions(
    session: Session,
    now: datetime,
    limit: int = 500,
    *,
    planned: Mapping[int, float] | None = None,
) -> list[int]:
    """Age the priority of unanswered mentions; returns the ids that changed visibly.
    `planned` is `plan_rescore`'s answer, worked out before this transaction (planned here
    when not given); only those rows are locked and written."""
    moving = plan_rescore(session, now) if planned is None else dict(planned)
    chosen = sorted(moving)[:limit]
    if not chosen:
        return []
    mentions = (
        session.scalars(
            select(Mention)
            .where(Mention.id.in_(chosen), Mention.status.in_(WAITING))
            .order_by(Mention.id)
            .with_for_update(of=Mention, skip_locked=True)
        )
        .unique()
        .all()
    )
    changed: list[Mention] = []
    for mention in mentions:
        new = moving[mention.id]
        if not _visible_change(mention.priority, new):
            continue  # another round wrote it since the plan
        mention.priority = new
        changed.append(mention)
    session.flush()
    for mention in changed:
        mark_changed(session, mention, "rescored", by=None, now=now)
    return [m.id for m in changed]


def wake_snoozed(session: Session, now: datetime) -> list[int]:
    due = (
        session.scalars(
            select(Mention)
            .where(Mention.status == MentionStatus.SNOOZED, Mention.snoozed_until <= now)
            .order_by(Mention.id)
            .with_for_update(of=Mention, skip_locked=True)
        )
        .unique()
        .all()
    )
    for mention in due:
        mention.status = MentionStatus.ASSIGNED if mention.assignee_id else MentionStatus.NEW
        mention.snoozed_until = None
    session.flush()
    for mention in due:
        mark_changed(session, mention, "woke", by=None, now=now)
    return [m.id for m in due]


def raise_followups(session: Session, now: datetime) -> list[int]:
    due = (
        session.scalars(
            select(Mention)
            .where(
                Mention.follow_up_at.is_not(None),
                Mention.follow_up_at <= now,
                Mention.follow_up_done.is_(False),
            )
            .order_by(Mention.id)
            .with_for_update(of=Mention, skip_locked=True)
        )
        .unique()
        .all()
    )
    for mention in due:
        mention.follow_up_done = True
    session.flush()
    for mention in due:
        record_event(
            session,
            EventType.FOLLOWUP_DUE,
            {"mention": mention_payload(mention)},
            at=now,
            mention_id=mention.id,
        )
    return [m.id for m in due]


def run_due_jobs(
    session: Session, now: datetime, *, rescore: Mapping[int, float] | None = None
) -> dict[str, list[int]]:
    """One round of upkeep in the caller's transaction; `rescore` is `plan_rescore`'s answer
    when the caller worked it out before the transaction."""
    if not take_jobs_lock(session):
        return {"rota": [], "escalated": [], "woke": [], "followups": [], "rescored": []}
    # Rota and escalation first: they lock people and handoffs before this round's first event.
    return {
        "rota": apply_rotas(session, now),
        "escalated": escalate_due(session, now),
        "woke": wake_snoozed(session, now),
        "followups": raise_followups(session, now),
        "rescored": rescore_open_mentions(session, now, planned=rescore),
    }
