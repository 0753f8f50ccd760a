"""Urgent mentions that arrive while nobody is on duty: managers hear of every one, not only of
the gap they fall into.

A gap (services/coverage.py) is announced once, when it opens — by a duty change ("Ana went off
duty; nobody is on duty") or by the urgent mention that found nobody. Urgent mentions arriving
into an open gap alert managers again: the first of the gap at once (also when a duty change
opened it and that alert was dismissed on Friday), later ones coalesced — at most one alert per
`FOLLOW_UP_EVERY`, counting and naming those that arrived since the last (the job round sends a
follow-up that fell due: `send_due_follow_ups`). Every alert is a `coverage.gap` event to
managers whatever their duty — `alert` "opened", "urgent" or "follow_up", with the `mentions`
it is about and their `count` — and a notice for the outgoing notifier naming them; each alert
also pages the on-call order (services/on_call.py: a follow-up joins the escalation already
paging rather than paging again). The gap's
row holds the bookkeeping, under the same coverage decision as the gap itself, so two processes
ingesting at once alert once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import EventType
from app.models.on_call_schemas import PagedMention
from app.models.tables import CoverageGap
from app.server.event_log import MANAGERS, record_event
from app.server.services.coverage import (
    EVERYONE,
    close_gaps,
    coverage,
    decide_alone,
    is_covered,
    raise_gap,
)
from app.server.services.history import one_line
from app.server.services.notify import Notice, queue_notice
from app.server.services.on_call import page_on_call

# Urgent mentions arriving less than this after the last alert wait for one follow-up.
FOLLOW_UP_EVERY = timedelta(minutes=3)
# How many mentions an alert names (the count says how many there are).
NAMED = 5
EXCERPT_CHARS = 70
ALERT_TITLE = "Responder: urgent mention, nobody on duty"


@dataclass(frozen=True, slots=True)
class UrgentArrival:
    """An urgent mention as an alert names it."""

    id: int
    author: str
    excerpt: str

    @classmethod
    def of(cls, mention_id: int, author: str, text: str) -> UrgentArrival:
        return cls(id=mention_id, author=author, excerpt=one_line(text, EXCERPT_CHARS))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "author": self.author, "excerpt": self.excerpt}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UrgentArrival:
        return cls(id=int(data["id"]), author=str(data["author"]), excerpt=str(data["excerpt"]))

    def paged(self) -> PagedMention:
        return PagedMention(id=self.id, author=self.author, excerpt=self.excerpt)


def alert_sentence(kind: str, count: int, named: Sequence[UrgentArrival]) -> str:
    """The one sentence managers read on the banner, in the notice and in the history."""
    if kind == "follow_up":
        what = f"{count} more urgent mention{'s' if count != 1 else ''} arrived"
    elif count == 1:
        what = "An urgent mention arrived"
    else:
        what = f"{count} urgent mentions arrived"
    names = ", ".join(f"{a.author} “{a.excerpt}”" for a in named[:NAMED])
    more = count - min(len(named), NAMED)
    if more > 0:
        names += f" and {more} more"
    return f"{what} and nobody is on duty: {names}."


def alert_urgent_arrivals(
    session: Session, arrivals: Sequence[UrgentArrival], *, now: datetime, actor_id: int | None
) -> str | None:
    """Alert managers of urgent `arrivals` stored in this transaction if nobody is on duty;
    returns the alert sent ("opened", "urgent", "follow_up") or None (someone is on duty, or
    they wait for the next follow-up)."""
    if not arrivals:
        return None
    decide_alone(session)
    if is_covered(session, EVERYONE):
        close_gaps(session, now)
        return None
    count = len(arrivals)
    opened = raise_gap(
        session,
        EVERYONE,
        reason=alert_sentence("opened", count, arrivals),
        now=now,
        mention_id=arrivals[0].id,
        actor_id=actor_id,
        extra=_payload("opened", count, arrivals),
        title=ALERT_TITLE,
    )
    gap = _gap_row(session)
    if opened:
        _sent(gap, now)
        page_on_call(session, [a.paged() for a in arrivals], count, now=now)
        return "opened"
    waiting = [UrgentArrival.from_json(item) for item in gap.waiting]
    if gap.urgent_alerts == 0 or gap.last_alert_at is None:
        kind = "urgent"  # the first urgent mention of a gap a duty change opened
    elif now - gap.last_alert_at >= FOLLOW_UP_EVERY:
        kind = "follow_up"
    else:
        gap.waiting = [a.as_json() for a in [*waiting, *arrivals][:NAMED]]
        gap.waiting_count += count
        return None
    _alert(session, gap, kind, gap.waiting_count + count, [*waiting, *arrivals], now, actor_id)
    return kind


def send_due_follow_ups(session: Session, now: datetime) -> list[int]:
    """The job round: send the follow-up of an open gap whose waiting urgent mentions are due
    (FOLLOW_UP_EVERY after the last alert); returns the ids it named."""
    decide_alone(session)
    gap = session.scalars(
        select(CoverageGap).where(CoverageGap.scope == EVERYONE).with_for_update()
    ).first()
    if gap is None or not gap.is_open or gap.waiting_count == 0:
        return []
    if gap.last_alert_at is not None and now - gap.last_alert_at < FOLLOW_UP_EVERY:
        return []
    if is_covered(session, EVERYONE):
        close_gaps(session, now)
        return []
    waiting = [UrgentArrival.from_json(item) for item in gap.waiting]
    _alert(session, gap, "follow_up", gap.waiting_count, waiting, now, actor_id=None)
    return [a.id for a in waiting]


def _gap_row(session: Session) -> CoverageGap:
    gap = session.scalars(
        select(CoverageGap)
        .where(CoverageGap.scope == EVERYONE)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return gap


def _payload(kind: str, count: int, named: Sequence[UrgentArrival]) -> dict[str, Any]:
    return {"alert": kind, "count": count, "mentions": [a.as_json() for a in named[:NAMED]]}


def _sent(gap: CoverageGap, now: datetime) -> None:
    gap.urgent_alerts += 1
    gap.last_alert_at = now
    gap.waiting = []
    gap.waiting_count = 0


def _alert(
    session: Session,
    gap: CoverageGap,
    kind: str,
    count: int,
    named: Sequence[UrgentArrival],
    now: datetime,
    actor_id: int | None,
) -> None:
    reason = alert_sentence(kind, count, named)
    record_event(
        session,
        EventType.COVERAGE_GAP,
        {
            "coverage": coverage(session).model_dump(mode="json"),
            "mention_id": named[0].id if named else None,
            "reason": reason,
            "scope": EVERYONE,
            **_payload(kind, count, named),
        },
        at=now,
        mention_id=named[0].id if named else None,
        actor_id=actor_id,
        audience=MANAGERS,
    )
    queue_notice(session, Notice(title=ALERT_TITLE, body=reason))
    _sent(gap, now)
    page_on_call(session, [a.paged() for a in named], count, now=now)
