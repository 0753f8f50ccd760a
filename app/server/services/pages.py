"""On-call pages as people see them, and the end of an escalation when someone comes on duty.

A page is shown (`PagePublic`, events `page.sent` / `page.updated` to the paged person and to
managers) with the sentence it says: what arrived, why this person, how to open it. This module
knows nothing of the rota or of duty changes, so the duty change itself (services/users.py)
can end the escalations its person covers: when someone of a team comes on duty, that team's
open escalations end as taken (`covered`: their waiting page is acknowledged by the person who
came on, who took the watch); anyone coming on duty ends those of the overall order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models.enums import EventType, PageState
from app.models.on_call_schemas import PagedMention, PagePublic
from app.models.on_call_tables import Escalation, Page
from app.models.tables import Team, User
from app.server.event_log import managers_and, record_event
from app.server.views import user_ref

# An escalation's states (its pages carry PageState).
OPEN = "open"
ACKNOWLEDGED = "acknowledged"
COVERED = "covered"  # someone of the team came on duty
UNANSWERED = "unanswered"
# How many mentions a page names (its count says how many there are).
NAMED = 5


def named_mentions(escalation: Escalation) -> list[PagedMention]:
    return [PagedMention.model_validate(item) for item in escalation.mentions]


def how_many(count: int) -> str:
    return "an urgent mention" if count == 1 else f"{count} urgent mentions"


def names_of(count: int, named: Sequence[PagedMention]) -> str:
    """ "@a “…”, @b “…” and 1 more"."""
    names = ", ".join(f"{m.author} “{m.excerpt}”" for m in named[:NAMED])
    more = count - min(len(named), NAMED)
    return f"{names} and {more} more" if more > 0 else names


def what_arrived(count: int, named: Sequence[PagedMention]) -> str:
    """ "3 urgent mentions arrived with nobody on duty: @a “…”, @b “…” and 1 more."."""
    what = how_many(count)
    return f"{what[0].upper()}{what[1:]} arrived with nobody on duty: {names_of(count, named)}."


def how_to_open(named: Sequence[PagedMention]) -> str:
    ids = ", ".join(f"#{m.id}" for m in named[:NAMED])
    return f"Open {'them' if len(named) > 1 else 'it'} in the console (Go to mention): {ids}."


def page_text(escalation: Escalation, page: Page, team: Team | None) -> str:
    named = named_mentions(escalation)
    whom = f"You are on call for {team.name}. " if team is not None else "You are on call. "
    note = f" {page.note}" if page.note else ""
    return f"{whom}{what_arrived(escalation.count, named)}{note} {how_to_open(named)}"


def page_public(session: Session, page: Page) -> PagePublic:
    escalation = session.get(Escalation, page.escalation_id)
    assert escalation is not None
    team = session.get(Team, escalation.team_id) if escalation.team_id is not None else None
    person = session.get(User, page.user_id)
    assert person is not None
    by = session.get(User, page.acknowledged_by_id) if page.acknowledged_by_id else None
    return PagePublic(
        id=page.id,
        team=team.name if team is not None else None,
        user=user_ref(person),
        step=page.step,
        state=page.state,
        sent_at=page.sent_at,
        escalates_at=page.escalates_at if page.state is PageState.WAITING else None,
        acknowledged_at=page.acknowledged_at,
        acknowledged_by=user_ref(by) if by is not None else None,
        took_watch=page.took_watch,
        mentions=named_mentions(escalation),
        count=escalation.count,
        text=page_text(escalation, page, team),
    )


def record_page_event(
    session: Session, type_: EventType, page: Page, *, now: datetime, actor_id: int | None
) -> PagePublic:
    public = page_public(session, page)
    payload: dict[str, Any] = {"page": public.model_dump(mode="json")}
    record_event(
        session, type_, payload, at=now, actor_id=actor_id, audience=managers_and(page.user_id)
    )
    return public


def pages_of(session: Session, escalation: Escalation) -> list[Page]:
    """The escalation's pages, locked, as the database has them now."""
    return list(
        session.scalars(
            select(Page)
            .where(Page.escalation_id == escalation.id)
            .order_by(Page.step)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def acknowledge_pages(
    session: Session,
    pages: Sequence[Page],
    *,
    by: User,
    took_watch: bool,
    now: datetime,
    actor_id: int | None,
) -> None:
    for page in pages:
        page.state = PageState.ACKNOWLEDGED
        page.acknowledged_at = now
        page.acknowledged_by_id = by.id
        page.took_watch = took_watch
    session.flush()
    for page in pages:
        record_page_event(session, EventType.PAGE_UPDATED, page, now=now, actor_id=actor_id)


def open_escalations(
    session: Session, team_ids: Sequence[int] | None, *, overall: bool
) -> list[Escalation]:
    """Open escalations of these teams (None: of every team) and, with `overall`, of the
    overall order; locked, in id order."""
    query = select(Escalation).where(Escalation.state == OPEN)
    if team_ids is not None:
        conditions = [Escalation.team_id.in_(team_ids)]
        if overall:
            conditions.append(Escalation.team_id.is_(None))
        query = query.where(or_(*conditions))
    elif not overall:
        query = query.where(Escalation.team_id.is_not(None))
    return list(
        session.scalars(
            query.order_by(Escalation.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def end_covered_escalations(
    session: Session, user: User, *, now: datetime, actor_id: int | None
) -> list[int]:
    """`user` came on duty: the open escalations of their teams (and of the overall order)
    end, their waiting pages taken by `user`. Returns the escalations ended."""
    ended: list[int] = []
    for escalation in open_escalations(session, [t.id for t in user.teams], overall=True):
        waiting = [p for p in pages_of(session, escalation) if p.state is PageState.WAITING]
        escalation.state = COVERED
        escalation.ended_at = now
        acknowledge_pages(session, waiting, by=user, took_watch=True, now=now, actor_id=actor_id)
        ended.append(escalation.id)
    return ended
