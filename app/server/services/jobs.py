"""Time-driven upkeep: re-score open mentions as they wait, wake snoozed mentions when due,
raise follow-ups, pass unacknowledged on-call pages on. Each function takes `now` (an
injectable clock) and runs in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus
from app.models.tables import Mention
from app.server.event_log import record_event
from app.server.services.aging import next_visible_change, visible_change
from app.server.services.approvals import escalate_due as escalate_due_approvals
from app.server.services.handoffs import escalate_due
from app.server.services.mentions import mark_changed
from app.server.services.on_call import pass_on_due_pages
from app.server.services.presence import drop_lapsed
from app.server.services.response_targets import announce_breaches
from app.server.services.rota import apply_rotas
from app.server.services.routing_queue import route_waiting
from app.server.services.uncovered import send_due_follow_ups
from app.server.views import mention_payload
from app.tone.priority import MentionReading, priority_of

JOBS_LOCK_KEY = 0x524553504A4F4253  # "RESPJOBS": one process at a time runs the jobs
WAITING = (MentionStatus.NEW, MentionStatus.ASSIGNED, MentionStatus.HANDOFF)


def take_jobs_lock(session: Session) -> bool:
    """On PostgreSQL only one server process runs the jobs at a time (others skip the round)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": JOBS_LOCK_KEY}))


def _reading(mention: Any) -> MentionReading:
    return MentionReading(
        mention.sentiment, tuple(mention.risk_words or ()), bool(mention.complaint)
    )


def plan_rescore(session: Session, now: datetime, limit: int = 500) -> dict[int, float]:
    """The waiting mentions due for a re-score by `now` (`mentions.rescore_at`, see
    services/aging.py), with their new priority: at most `limit`, the most overdue first.

    Reads, never locks or writes, so it can run before the jobs' write transaction. No text is
    read either: what the text says was stored at ingest (sentiment, risk words, whether it
    complained), and waiting adds points on top (`priority_of`). Only due mentions are read:
    a round costs what changes, not how many mentions wait."""
    rows = session.execute(
        select(
            Mention.id,
            Mention.sentiment,
            Mention.risk_words,
            Mention.complaint,
            Mention.author_followers,
            Mention.created_at,
        )
        .where(Mention.status.in_(WAITING), Mention.rescore_at <= now)
        .order_by(Mention.rescore_at)
        .limit(limit)
    ).all()
    return {
        row.id: priority_of(
            _reading(row),
            followers=row.author_followers,
            waiting=max(now - row.created_at, timedelta(0)),
        )
        for row in rows
    }


def rescore_open_mentions(
    session: Session,
    now: datetime,
    limit: int = 500,
    *,
    planned: Mapping[int, float] | None = None,
) -> list[int]:
    """Age the priority of unanswered mentions that are due; returns the ids that changed
    visibly. `planned` is `plan_rescore`'s answer, worked out before this transaction (planned
    here when not given); only those rows are locked and written: a visible move gets a new
    priority and a `mention.updated`, and each row the moment of its next move."""
    chosen = sorted(plan_rescore(session, now, limit) if planned is None else planned)[:limit]
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
        if mention.rescore_at is None or mention.rescore_at > now:
            continue  # another round wrote it since the plan
        reading = _reading(mention)
        followers = mention.author_followers
        waited = max(now - mention.created_at, timedelta(0))
        new = priority_of(reading, followers=followers, waiting=waited)
        if visible_change(mention.priority, new):
            mention.priority = new
            changed.append(mention)
        mention.rescore_at = next_visible_change(
            reading,
            followers=followers,
            priority=mention.priority,
            created_at=mention.created_at,
            now=now,
        )
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
        return {
            "rota": [],
            "escalated": [],
            "woke": [],
            "followups": [],
            "urgent_follow_up": [],
            "paged": [],
            "rescored": [],
            "approvals_escalated": [],
            "routed": [],
            "sla_breached": [],
            "presence_lapsed": [],
        }
    # Rota and escalation first: they lock people and handoffs before this round's first event.
    return {
        "rota": apply_rotas(session, now),
        "escalated": escalate_due(session, now),
        "woke": wake_snoozed(session, now),
        "followups": raise_followups(session, now),
        "urgent_follow_up": send_due_follow_ups(session, now),
        "paged": pass_on_due_pages(session, now),
        "rescored": rescore_open_mentions(session, now, planned=rescore),
        "approvals_escalated": escalate_due_approvals(session, now),
        # What waits in a team whose people have room (capacity mostly frees as it happens:
        # services/routing_queue.py), and the response-time clocks that ran out.
        "routed": route_waiting(session, now),
        "sla_breached": announce_breaches(session, now),
        # Viewing and typing states no console refreshed for 30 s (consoles drop them too).
        "presence_lapsed": drop_lapsed(session, now),
    }
