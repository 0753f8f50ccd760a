"""Mentions: finding one, the filtered list, the detail with its thread, replies, handoffs
and history; and `mark_changed`, how every service records a change of a mention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.models.customer_schemas import fold_tag
from app.models.customer_tables import MentionTag
from app.models.enums import EventType, MentionStatus, Network
from app.models.schemas import (
    INT32_MAX,
    HistoryEntry,
    MentionDetail,
    MentionsPublic,
)
from app.models.tables import Event, Handoff, Mention, Reply, Team
from app.server.access import Viewer, parties_of
from app.server.auth import Principal
from app.server.errors import Invalid, NotFound
from app.server.services.accounts import reply_route
from app.server.services.history import history_sentence, is_person_event
from app.server.services.mention_changes import mark_changed as mark_changed  # re-exported
from app.server.services.notes import mentioned_condition, notes_of
from app.server.services.presence import live_presence
from app.server.views import (
    handoff_public,
    mention_public,
    reply_public,
    user_ref,
    users_by_id,
)


@dataclass(frozen=True)
class MentionFilter:
    statuses: tuple[MentionStatus, ...] | None = None
    assignee: str | None = None  # "me", "none" or a user id
    network: Network | None = None
    q: str | None = None
    # Mentions that carry every one of these tags (folded: app/models/customer_schemas.py).
    tags: tuple[str, ...] = ()
    # Mentions with a note that @mentions this user ("Mentions of me").
    mentioned_user_id: int | None = None
    sort: str = "newest"
    limit: int = 50
    offset: int = 0


def parse_statuses(raw: str | None) -> tuple[MentionStatus, ...] | None:
    if raw is None or not raw.strip():
        return None
    statuses: list[MentionStatus] = []
    for part in raw.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name == "open":
            statuses.extend(s for s in MentionStatus if s.is_open)
            continue
        try:
            statuses.append(MentionStatus(name))
        except ValueError:
            allowed = ", ".join(["open", *(s.value for s in MentionStatus)])
            raise Invalid(f"Unknown status {name!r}; use one of: {allowed}.") from None
    return tuple(dict.fromkeys(statuses))


def list_mentions(session: Session, flt: MentionFilter, *, principal: Principal) -> MentionsPublic:
    query: Select[Mention] = select(Mention)
    conditions: list[ColumnElement[bool]] = []
    if flt.statuses:
        conditions.append(Mention.status.in_(flt.statuses))
    if flt.assignee is not None:
        who = flt.assignee.strip().lower()
        if who == "me":
            conditions.append(Mention.assignee_id == principal.user_id)
        elif who == "none":
            conditions.append(Mention.assignee_id.is_(None))
        elif who.isascii() and who.isdigit() and len(who) <= 10 and int(who) <= INT32_MAX:
            conditions.append(Mention.assignee_id == int(who))
        else:
            raise Invalid(f"assignee must be 'me', 'none' or a user id (1 … {INT32_MAX}).")
    if flt.network is not None:
        conditions.append(Mention.network == flt.network)
    if flt.q:
        pattern = f"%{flt.q.strip().lower()}%"
        conditions.append(
            or_(
                func.lower(Mention.text).like(pattern),
                func.lower(Mention.author_handle).like(pattern),
                func.lower(Mention.author_display_name).like(pattern),
            )
        )
    if flt.mentioned_user_id is not None:
        conditions.append(mentioned_condition(flt.mentioned_user_id))
    for tag in dict.fromkeys(fold_tag(t) for t in flt.tags):
        conditions.append(
            Mention.id.in_(select(MentionTag.mention_id).where(MentionTag.tag == tag))
        )
    if conditions:
        query = query.where(and_(*conditions))
    count = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    if flt.sort == "priority":
        query = query.order_by(
            Mention.priority.desc(), Mention.created_at.desc(), Mention.id.desc()
        )
    else:
        query = query.order_by(Mention.created_at.desc(), Mention.id.desc())
    rows = session.scalars(query.limit(flt.limit).offset(flt.offset)).unique().all()
    return MentionsPublic(data=[mention_public(m) for m in rows], count=count)


def get_mention(session: Session, mention_id: int, *, for_update: bool = False) -> Mention:
    query = select(Mention).where(Mention.id == mention_id)
    if for_update:
        query = query.with_for_update(of=Mention)
    mention = session.scalars(query).unique().first()
    if mention is None:
        raise NotFound(f"No mention with id {mention_id}.")
    return mention


def mention_detail(
    session: Session, mention_id: int, *, viewer: Viewer, now: datetime | None = None
) -> MentionDetail:
    """`now` (the server's clock) says whose presence is still live; None: none is listed."""
    mention = get_mention(session, mention_id)
    thread_conditions = []
    if mention.thread_key:
        thread_conditions.append(Mention.thread_key == mention.thread_key)
    if mention.in_reply_to_external_id:
        thread_conditions.append(Mention.external_id == mention.in_reply_to_external_id)
    thread_conditions.append(Mention.in_reply_to_external_id == mention.external_id)
    thread = (
        session.scalars(
            select(Mention)
            .where(
                Mention.network == mention.network,
                Mention.id != mention.id,
                or_(*thread_conditions),
            )
            .order_by(Mention.created_at, Mention.id)
            .limit(50)
        )
        .unique()
        .all()
    )
    replies = session.scalars(
        select(Reply).where(Reply.mention_id == mention.id).order_by(Reply.id)
    ).all()
    handoffs = session.scalars(
        select(Handoff).where(Handoff.mention_id == mention.id).order_by(Handoff.id)
    ).all()
    events = session.scalars(
        select(Event).where(Event.mention_id == mention.id).order_by(Event.id).limit(500)
    ).all()
    wanted: set[int] = {r.author_id for r in replies}
    for h in handoffs:
        wanted.update(i for i in (h.from_user_id, h.to_user_id, h.decided_by_id) if i is not None)
    wanted.update(e.actor_id for e in events if e.actor_id is not None)
    users = users_by_id(session, wanted)
    team_ids = {h.to_team_id for h in handoffs if h.to_team_id is not None}
    teams = (
        {t.id: t for t in session.scalars(select(Team).where(Team.id.in_(team_ids)))}
        if team_ids
        else {}
    )
    history = []
    for e in events:
        actor = users.get(e.actor_id) if e.actor_id is not None and is_person_event(e) else None
        sentence = history_sentence(e, actor, viewer)
        if sentence is not None:
            history.append(
                HistoryEntry(
                    event_id=e.id,
                    type=EventType(e.type),
                    actor=user_ref(actor) if actor is not None else None,
                    at=e.created_at,
                    summary=sentence,
                )
            )
    route = reply_route(session, mention)
    return MentionDetail(
        **mention_public(mention).model_dump(),
        thread=[mention_public(m) for m in thread],
        # Users are never deleted (only deactivated), so every author is found.
        replies=[reply_public(r, users[r.author_id]) for r in replies],
        handoffs=[
            handoff_public(h, users, teams, for_party=parties_of(h).include(viewer))
            for h in handoffs
        ],
        history=history,
        reply_via=route.via,
        reply_unavailable=route.problem,
        reply_on_site_url=route.site_url,
        notes=notes_of(session, mention.id),
        presence=live_presence(session, now, mention_id=mention.id).data if now else [],
    )
