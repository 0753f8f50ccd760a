"""Coverage: who is on duty now (per team), and the gaps when nobody suitable is.

Managers hear `coverage.gap` exactly once per gap; the gap closes when someone suitable comes
on duty. Two scopes: `everyone` (urgent work arrived, or the last person left, and nobody is on
duty) and `managers` (a handoff escalated and no manager is on duty). A gap opens with a
compare-and-set on its `coverage_gaps` row, so two transactions racing to announce the same gap
announce it once. Whether anyone is covering is decided one transaction at a time: on
PostgreSQL raising and closing take the coverage lock (SQLite serialises writers anyway), so
two people going off duty at once cannot each see the other still on duty and leave a gap
nobody announced. Call these after the transaction's other row locks, which keeps the lock
order the same everywhere.
The event goes to managers' consoles whatever their duty (audience `manager`), and a notice is
queued for the optional outgoing notifier (services/notify.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType, Role
from app.models.schemas import CoveragePublic, CoverageTeam
from app.models.tables import CoverageGap, User
from app.server.event_log import MANAGERS, record_event
from app.server.services.notify import Notice, queue_notice
from app.server.views import user_ref

EVERYONE = "everyone"
MANAGERS_SCOPE = "managers"
SCOPES = (EVERYONE, MANAGERS_SCOPE)


def coverage(session: Session) -> CoveragePublic:
    users = session.scalars(
        select(User).where(User.active.is_(True), User.duty != Duty.OFF_DUTY).order_by(User.name)
    ).all()
    on_duty = [u for u in users if u.duty is Duty.ON_DUTY]
    by_team: dict[str | None, CoverageTeam] = {}
    for user in users:
        names: list[str | None] = [t.name for t in user.teams] or [None]
        for name in names:
            entry = by_team.setdefault(name, CoverageTeam(team=name, on_duty=[], away=[]))
            (entry.on_duty if user.duty is Duty.ON_DUTY else entry.away).append(user_ref(user))
    level = "nobody" if not on_duty else ("thin" if len(on_duty) == 1 else "covered")
    return CoveragePublic(
        covered=bool(on_duty),
        level=level,
        on_duty=[user_ref(u) for u in on_duty],
        teams=sorted(by_team.values(), key=lambda t: (t.team is None, t.team or "")),
        managers_on_duty=[user_ref(u) for u in on_duty if u.role.is_manager],
    )


# One arbitrary 64-bit key for "deciding coverage" (ASCII "RESPCOVR").
COVERAGE_LOCK_KEY = 0x52455350434F5652


def decide_alone(session: Session) -> None:
    """PostgreSQL: wait for any other transaction deciding coverage to commit; this one's next
    statements then see its duty changes and gaps (each statement reads what is committed)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COVERAGE_LOCK_KEY})


def is_covered(session: Session, scope: str) -> bool:
    """Is someone suitable for `scope` on duty now?"""
    query = select(User.id).where(User.active.is_(True), User.duty == Duty.ON_DUTY)
    if scope == MANAGERS_SCOPE:
        query = query.where(User.role.in_((Role.MANAGER, Role.ADMIN)))
    return bool(session.scalar(select(exists(query))))


def _ensure_row(session: Session, scope: str) -> None:
    if session.get(CoverageGap, scope) is not None:
        return
    try:
        with session.begin_nested():
            session.add(CoverageGap(scope=scope, is_open=False, reason=""))
    except IntegrityError:
        pass  # another transaction created it meanwhile


def raise_gap(
    session: Session,
    scope: str,
    *,
    reason: str,
    now: datetime,
    mention_id: int | None = None,
    actor_id: int | None = None,
    extra: dict[str, Any] | None = None,
    title: str = "Responder: coverage gap",
) -> bool:
    """Announce a gap in `scope` unless someone suitable is on duty or it is already open.
    Returns True when this call opened the gap (and wrote the one `coverage.gap` event)."""
    decide_alone(session)
    if is_covered(session, scope):
        close_gaps(session, now)
        return False
    _ensure_row(session, scope)
    opened = session.execute(
        update(CoverageGap)
        .where(CoverageGap.scope == scope, CoverageGap.is_open.is_(False))
        .values(
            is_open=True,
            opened_at=now,
            closed_at=None,
            reason=reason,
            mention_id=mention_id,
            urgent_alerts=0,  # a new gap: its urgent mentions alert afresh (services/uncovered)
            last_alert_at=None,
            waiting=[],
            waiting_count=0,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(opened, "rowcount", 0) != 1:
        return False
    payload: dict[str, Any] = {
        "coverage": coverage(session).model_dump(mode="json"),
        "mention_id": mention_id,
        "reason": reason,
        "scope": scope,
        **(extra or {}),
    }
    record_event(
        session,
        EventType.COVERAGE_GAP,
        payload,
        at=now,
        mention_id=mention_id,
        actor_id=actor_id,
        audience=MANAGERS,
    )
    suffix = f" (mention #{mention_id})" if mention_id is not None else ""
    queue_notice(session, Notice(title=title, body=reason + suffix))
    return True


def record_coverage_gap(
    session: Session, *, reason: str, now: datetime, mention_id: int | None, actor_id: int | None
) -> None:
    """Tell managers that nobody at all is on duty (after a duty change, or when urgent work
    arrives), once per gap: the gap stays open until someone comes on duty."""
    raise_gap(session, EVERYONE, reason=reason, now=now, mention_id=mention_id, actor_id=actor_id)


def close_gaps(session: Session, now: datetime) -> list[str]:
    """Close every open gap that someone on duty now covers; returns the scopes closed."""
    decide_alone(session)
    closed: list[str] = []
    for scope in SCOPES:
        if not is_covered(session, scope):
            continue
        result = session.execute(
            update(CoverageGap)
            .where(CoverageGap.scope == scope, CoverageGap.is_open.is_(True))
            .values(is_open=False, closed_at=now, waiting=[], waiting_count=0)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            closed.append(scope)
    return closed


def open_gaps(session: Session) -> list[CoverageGap]:
    return list(session.scalars(select(CoverageGap).where(CoverageGap.is_open.is_(True))))
