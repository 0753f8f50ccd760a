"""Time-driven upkeep: re-score open mentions as they wait, wake snoozed mentions when due,
raise follow-ups. Each function takes `now` (an injectable clock) and runs in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus
from app.models.tables import Mention
from app.server.events import record_event
from app.server.services.handoffs import escalate_due
from app.server.services.mentions import mark_changed
from app.server.services.rota import apply_rotas
from app.server.views import mention_payload
from app.tone.priority import URGENT_THRESHOLD, score_mention

# A re-score is published only when the priority moves by at least this much (or crosses the
# urgent line): smaller drifts would churn versions and events without changing what reps see.
VISIBLE_PRIORITY_STEP = 2.0
JOBS_LOCK_KEY = 0x524553504A4F4253  # "RESPJOBS": one process at a time runs the jobs


def take_jobs_lock(session: Session) -> bool:
    """On PostgreSQL only one server process runs the jobs at a time (others skip the round)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": JOBS_LOCK_KEY}))


def _visible_change(old: float, new: float) -> bool:
    crossed = (old >= URGENT_THRESHOLD) != (new >= URGENT_THRESHOLD)
    return crossed or abs(new - old) >= VISIBLE_PRIORITY_STEP


def rescore_open_mentions(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Age the priority of unanswered mentions; returns the ids that changed visibly."""
    waiting = (MentionStatus.NEW, MentionStatus.ASSIGNED, MentionStatus.HANDOFF)
    # Score without locks first; lock only the few rows whose priority moves.
    candidates = session.execute(
        select(
            Mention.id, Mention.text, Mention.author_followers, Mention.created_at, Mention.priority
        ).where(Mention.status.in_(waiting))
    ).all()
    moving = [
        row.id
        for row in candidates
        if _visible_change(
            row.priority,
            score_mention(
                row.text,
                followers=row.author_followers,
                waiting=max(now - row.created_at, timedelta(0)),
            ).priority,
        )
    ][:limit]
    if not moving:
        return []
    mentions = (
        session.scalars(
            select(Mention)
            .where(Mention.id.in_(moving), Mention.status.in_(waiting))
            .order_by(Mention.id)
            .with_for_update(of=Mention, skip_locked=True)
        )
        .unique()
        .all()
    )
    changed: list[Mention] = []
    for mention in mentions:
        score = score_mention(
            mention.text,
            followers=mention.author_followers,
            waiting=max(now - mention.created_at, timedelta(0)),
        )
        if not _visible_change(mention.priority, score.priority):
            continue
        mention.priority = score.priority
        mention.sentiment = score.sentiment
        mention.risk_words = list(score.risk_words)
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


def run_due_jobs(session: Session, now: datetime) -> dict[str, list[int]]:
    """One round of upkeep in the caller's transaction."""
    if not take_jobs_lock(session):
        return {"rota": [], "escalated": [], "woke": [], "followups": [], "rescored": []}
    # Rota and escalation first: they lock people and handoffs before this round's first event.
    return {
        "rota": apply_rotas(session, now),
        "escalated": escalate_due(session, now),
        "woke": wake_snoozed(session, now),
        "followups": raise_followups(session, now),
        "rescored": rescore_open_mentions(session, now),
    }
