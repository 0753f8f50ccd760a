"""On-call escalation: an urgent mention that arrives with nobody on duty pages the first
person of the on-call order (services/on_call_order.py) at once; unacknowledged after the
team's `page_escalate_minutes`, the page passes on to the next; the order run out, the
escalation ends `unanswered` and managers are alerted that nobody answered.

Who is paged for a mention: the team its brand account names (the account's `team` option,
a team's name), else the overall order (every manager). A person in their quiet hours is
skipped while someone else of the order is awake; when everyone left is in quiet hours the
page goes to the first of them anyway and says so — an urgent storm must wake somebody.

Each page is a `page.sent` event (to the paged person and managers) and a notice to the
person's own notifier URLs, queued in the transaction that decided it (sent after the
commit, services/notify.py), with the mentions it names, how to open them and a one-time
acknowledgement link (the key stored hashed). Later urgent mentions join the open escalation
(`page.updated`) instead of paging again. Acknowledging (the paged person or a manager) ends
the escalation for everyone; so does someone of the team coming on duty (services/pages.py).
Every change locks the escalation first, then its pages."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType, PageState
from app.models.on_call_schemas import PagedMention, PagePublic, PagesPublic
from app.models.on_call_tables import Escalation, Page
from app.models.tables import Account, Mention, Team, User
from app.server.auth import USER_TOKEN, Principal, hash_token
from app.server.errors import Conflict, Forbidden, Invalid, NotFound
from app.server.event_log import MANAGERS, record_event
from app.server.services.coverage import EVERYONE, coverage, decide_alone
from app.server.services.notify import Notice, queue_notice
from app.server.services.on_call_order import escalate_after, order_of
from app.server.services.pages import (
    ACKNOWLEDGED,
    COVERED,
    NAMED,
    OPEN,
    UNANSWERED,
    acknowledge_pages,
    how_many,
    named_mentions,
    names_of,
    open_escalations,
    page_public,
    page_text,
    pages_of,
    record_page_event,
)
from app.server.services.paging_settings import in_quiet_hours, settings_of
from app.server.services.users import get_user, set_duty

PAGE_TITLE = "Responder: you are on call — urgent mentions, nobody on duty"
UNANSWERED_TITLE = "Responder: nobody answered the on-call page"
ACK_PATH = "/ack/"
LINK_LABEL = "Acknowledge (or acknowledge and go on duty): "
WITHOUT_LINK = "Acknowledge it in the console: the page's banner or the tray menu."
QUIET_ANYWAY = (
    "Everyone left on the on-call order is in their quiet hours; this page wakes you anyway."
)
PAGE_STATES = ("waiting", "all")
LISTED = 100


# --- opening and passing on --------------------------------------------------------------------


def _teams_of(session: Session, mention_ids: Sequence[int]) -> dict[int, int | None]:
    """Each mention's team: the one its brand account's `team` option names, else None."""
    rows = session.execute(
        select(Mention.id, Account.settings)
        .join(Account, Account.id == Mention.account_id)
        .where(Mention.id.in_(mention_ids))
    ).all()
    wanted = {
        int(mention_id): str(settings["team"])
        for mention_id, settings in rows
        if isinstance(settings, dict) and settings.get("team")
    }
    teams = {
        t.name: t.id
        for t in session.scalars(select(Team).where(Team.name.in_(set(wanted.values()))))
    }
    return {i: teams.get(wanted[i]) if i in wanted else None for i in mention_ids}


def page_on_call(
    session: Session, mentions: Sequence[PagedMention], count: int, *, now: datetime
) -> list[int]:
    """Urgent mentions (`count` of them, the first few named) arrived with nobody on duty and
    managers were alerted (services/uncovered.py): page the on-call order of each team they
    concern, or add them to its open escalation. Returns the pages sent."""
    if not mentions:
        return []
    teams = _teams_of(session, [m.id for m in mentions])
    groups: dict[int | None, list[PagedMention]] = {}
    for mention in mentions:
        groups.setdefault(teams[mention.id], []).append(mention)
    unnamed = max(count - len(mentions), 0)  # coalesced ones beyond those named
    sent: list[int] = []
    for position, (team_id, named) in enumerate(groups.items()):
        how_many = len(named) + (unnamed if position == 0 else 0)
        team = session.get(Team, team_id) if team_id is not None else None
        existing = open_escalations(
            session, [team_id] if team_id is not None else [], overall=team_id is None
        )
        existing = [e for e in existing if e.team_id == team_id]
        if existing:
            _join(session, existing[0], named, how_many, now=now)
            continue
        order, _source = order_of(session, team, now)
        if not order:
            continue  # nobody to page: the managers' alert is all there is
        escalation = Escalation(
            team_id=team_id,
            state=OPEN,
            order=[u.id for u in order],
            mentions=[m.model_dump() for m in named[:NAMED]],
            count=how_many,
            opened_at=now,
        )
        session.add(escalation)
        session.flush()
        page = _page_next(session, escalation, team, note="", now=now)
        if page is not None:
            sent.append(page.id)
    return sent


def _join(
    session: Session,
    escalation: Escalation,
    named: Sequence[PagedMention],
    count: int,
    *,
    now: datetime,
) -> None:
    """More urgent mentions for an escalation still paging: named on its page, no new page."""
    known = {int(m["id"]) for m in escalation.mentions}
    fresh = [m.model_dump() for m in named if m.id not in known]
    escalation.mentions = [*escalation.mentions, *fresh][:NAMED]
    escalation.count += count
    session.flush()
    for page in pages_of(session, escalation):
        if page.state is PageState.WAITING:
            record_page_event(session, EventType.PAGE_UPDATED, page, now=now, actor_id=None)


def _next_person(
    session: Session, escalation: Escalation, now: datetime
) -> tuple[User, bool] | None:
    """The next person to page (and whether despite their quiet hours), or None: the order
    has nobody left."""
    paged = set(session.scalars(select(Page.user_id).where(Page.escalation_id == escalation.id)))
    left: list[User] = []
    for user_id in escalation.order:
        user = session.get(User, user_id)
        if user_id not in paged and user is not None and user.active:
            left.append(user)
    if not left:
        return None
    for user in left:
        if not in_quiet_hours(user, settings_of(session, user.id), now):
            return user, False
    return left[0], True


def _page_next(
    session: Session, escalation: Escalation, team: Team | None, *, note: str, now: datetime
) -> Page | None:
    """Page the next person of the escalation's order (None: nobody is left)."""
    chosen = _next_person(session, escalation, now)
    if chosen is None:
        return None
    person, despite_quiet = chosen
    step = 1 + len(pages_of(session, escalation))
    key = secrets.token_urlsafe(24)
    page = Page(
        escalation_id=escalation.id,
        user_id=person.id,
        step=step,
        state=PageState.WAITING,
        note=" ".join(part for part in (note, QUIET_ANYWAY if despite_quiet else "") if part),
        sent_at=now,
        escalates_at=now + escalate_after(team),
        took_watch=False,
        ack_key_hash=hash_token(key),
    )
    session.add(page)
    session.flush()
    public = record_page_event(session, EventType.PAGE_SENT, page, now=now, actor_id=None)
    settings = settings_of(session, person.id)
    if settings is not None and settings.urls:
        queue_notice(
            session,
            Notice(
                title=PAGE_TITLE,
                body=public.text,
                urls=tuple(settings.urls),
                link_path=f"{ACK_PATH}{key}",
                link_label=LINK_LABEL,
                without_link=WITHOUT_LINK,
            ),
        )
    return page


def pass_on_due_pages(session: Session, now: datetime) -> list[int]:
    """The job round: pages unacknowledged past their time pass on to the next person of the
    order; an order run out ends the escalation unanswered. Returns the pages passed on (or
    left unanswered)."""
    due = session.scalars(
        select(Page.escalation_id)
        .where(Page.state == PageState.WAITING, Page.escalates_at <= now)
        .order_by(Page.escalation_id)
    ).all()
    passed: list[int] = []
    for escalation_id in dict.fromkeys(due):
        escalation = session.scalars(
            select(Escalation)
            .where(Escalation.id == escalation_id, Escalation.state == OPEN)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if escalation is None:
            continue
        waiting = [
            p
            for p in pages_of(session, escalation)
            if p.state is PageState.WAITING and p.escalates_at is not None and p.escalates_at <= now
        ]
        if not waiting:
            continue  # acknowledged meanwhile
        page = waiting[0]
        team = session.get(Team, escalation.team_id) if escalation.team_id is not None else None
        person = session.get(User, page.user_id)
        name = person.name if person is not None else "The person paged"
        minutes = int(escalate_after(team).total_seconds() // 60)
        note = f"{name} did not acknowledge within {minutes} minutes."
        page.state = PageState.PASSED_ON
        session.flush()
        if _page_next(session, escalation, team, note=note, now=now) is None:
            page.state = PageState.UNANSWERED
            escalation.state = UNANSWERED
            escalation.ended_at = now
            session.flush()
            record_page_event(session, EventType.PAGE_UPDATED, page, now=now, actor_id=None)
            _nobody_answered(session, escalation, team, now=now)
        else:
            record_page_event(session, EventType.PAGE_UPDATED, page, now=now, actor_id=None)
        passed.append(page.id)
    return passed


def _nobody_answered(
    session: Session, escalation: Escalation, team: Team | None, *, now: datetime
) -> None:
    named = named_mentions(escalation)
    whose = f"{team.name}'s on-call order" if team is not None else "the on-call order"
    reason = (
        f"Nobody answered the page about {how_many(escalation.count)} "
        f"({names_of(escalation.count, named)}): everyone on {whose} was paged and "
        "nobody is on duty."
    )
    payload: dict[str, Any] = {
        "coverage": coverage(session).model_dump(mode="json"),
        "mention_id": named[0].id if named else None,
        "reason": reason,
        "scope": EVERYONE,
        "alert": "unanswered",
        "count": escalation.count,
        "mentions": [m.model_dump() for m in named],
    }
    record_event(
        session,
        EventType.COVERAGE_GAP,
        payload,
        at=now,
        mention_id=named[0].id if named else None,
        audience=MANAGERS,
    )
    queue_notice(session, Notice(title=UNANSWERED_TITLE, body=reason))


# --- reading and acknowledging -----------------------------------------------------------------


def list_pages(session: Session, viewer: Principal, state: str) -> PagesPublic:
    """Pages to the viewer (managers: to anyone): those waiting, or the latest of all."""
    if state not in PAGE_STATES:
        raise Invalid("state accepts 'waiting' or 'all'.")
    query = select(Page)
    if viewer.role is None or not viewer.role.is_manager:
        query = query.where(Page.user_id == viewer.user_id)
    if state == "waiting":
        query = query.where(Page.state == PageState.WAITING)
    pages = session.scalars(query.order_by(Page.id.desc()).limit(LISTED)).all()
    return PagesPublic(data=[page_public(session, p) for p in pages], count=len(pages))


def get_page(session: Session, page_id: int) -> Page:
    page = session.get(Page, page_id)
    if page is None:
        raise NotFound(f"No page with id {page_id}.")
    return page


def page_by_key(session: Session, key: str) -> Page:
    well_formed = 16 <= len(key) <= 100 and key.isascii()  # keys are URL-safe base64
    page = (
        session.scalar(select(Page).where(Page.ack_key_hash == hash_token(key)))
        if well_formed
        else None
    )
    if page is None:
        raise NotFound(
            "This acknowledgement link is not valid: it may be cut short or mistyped. "
            "Acknowledge the page in the console instead."
        )
    return page


def _taken_sentence(escalation: Escalation, page: Page, by: User | None) -> str:
    name = by.name if by is not None else "Someone"
    at = page.acknowledged_at.strftime("%H:%M UTC") if page.acknowledged_at else "earlier"
    if escalation.state == COVERED:
        return f"{name} came on duty at {at} and took the watch; this page is closed."
    return f"{name} already acknowledged this page at {at}."


def acknowledge(
    session: Session, page_id: int, *, by: Principal, take_watch: bool, now: datetime
) -> PagePublic:
    """`POST /pages/{id}/ack`: the paged person or a manager."""
    page = get_page(session, page_id)
    manager = by.role is not None and by.role.is_manager
    if by.user_id != page.user_id and not manager:
        raise Forbidden(
            "Only the person paged or a manager can acknowledge this page.", code="not_paged"
        )
    assert by.user_id is not None
    return _acknowledge(session, page, get_user(session, by.user_id), by, take_watch, now)


def acknowledge_by_key(
    session: Session, key: str, *, take_watch: bool, now: datetime
) -> PagePublic:
    """The link in a page's notice: acknowledged as the person paged."""
    page = page_by_key(session, key)
    person = get_user(session, page.user_id)
    principal = Principal(kind=USER_TOKEN, name=person.name, user_id=person.id, role=person.role)
    return _acknowledge(session, page, person, principal, take_watch, now)


def _acknowledge(
    session: Session,
    page: Page,
    person: User,
    principal: Principal,
    take_watch: bool,
    now: datetime,
) -> PagePublic:
    # The lock order of a duty change (services/users.py): the person, the coverage decision
    # (services/coverage.py), then the escalation — an ingest pages while holding that
    # decision, and taking the watch changes the person's duty.
    if take_watch:
        session.execute(select(User.id).where(User.id == person.id).with_for_update())
    decide_alone(session)
    escalation = session.scalars(
        select(Escalation)
        .where(Escalation.id == page.escalation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    pages = pages_of(session, escalation)
    page = next(p for p in pages if p.id == page.id)
    taken = next((p for p in pages if p.state is PageState.ACKNOWLEDGED), None)
    if taken is not None:
        if taken.acknowledged_by_id != person.id:
            by = session.get(User, taken.acknowledged_by_id) if taken.acknowledged_by_id else None
            raise Conflict(_taken_sentence(escalation, taken, by), code="page_taken")
        if take_watch and person.duty is not Duty.ON_DUTY:
            set_duty(session, person.id, Duty.ON_DUTY, by=principal, now=now)
        return page_public(session, page)
    ending = [p for p in pages if p.state in (PageState.WAITING, PageState.UNANSWERED)]
    if page not in ending:
        ending.append(page)  # a page that passed on, acknowledged late by its person
    escalation.state = ACKNOWLEDGED
    escalation.ended_at = now
    acknowledge_pages(
        session, ending, by=person, took_watch=take_watch, now=now, actor_id=principal.user_id
    )
    if take_watch:
        set_duty(session, person.id, Duty.ON_DUTY, by=principal, now=now)
    return page_public(session, page)


__all__ = [
    "ACK_PATH",
    "acknowledge",
    "acknowledge_by_key",
    "list_pages",
    "page_by_key",
    "page_on_call",
    "page_text",
    "pass_on_due_pages",
]
