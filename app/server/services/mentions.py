"""Mentions: ingest (de-duplicated), listing, detail, and the ownership rules — claim as a
compare-and-set on the version, release, assign, resolve with follow-up, snooze."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus, Network
from app.models.schemas import (
    HistoryEntry,
    IngestResult,
    MentionCreate,
    MentionDetail,
    MentionPublic,
    MentionsPublic,
    UserRef,
)
from app.models.tables import Event, Handoff, Mention, Reply, Team, User
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden, Invalid, NotFound
from app.server.events import record_event
from app.server.services.coverage import record_coverage_gap
from app.server.services.users import get_user
from app.server.views import (
    handoff_public,
    mention_payload,
    mention_public,
    reply_public,
    user_ref,
    users_by_id,
)
from app.tone.priority import URGENT_THRESHOLD, score_mention

DEFAULT_SNOOZE = timedelta(hours=1)


# --- ingest ----------------------------------------------------------------------------------


def ingest(
    session: Session,
    items: Sequence[MentionCreate],
    *,
    now: datetime,
    actor_id: int | None,
    account_id: int | None = None,
    raw_refs: Mapping[str, Mapping[str, str]] | None = None,
) -> IngestResult:
    """Store new mentions (scored), skip ones already known by (network, external_id).
    An ingest worker passes its brand `account_id` and, per external id, the network's
    references needed to reply later (`raw_refs`, kept in `mentions.raw`)."""
    created: list[Mention] = []
    duplicates: list[int] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        key = (item.network.value, item.external_id)
        existing = session.scalar(
            select(Mention.id).where(
                Mention.network == item.network, Mention.external_id == item.external_id
            )
        )
        if existing is not None:
            duplicates.append(existing)
            continue
        if key in seen:
            continue
        seen.add(key)
        created_at = item.created_at or now
        score = score_mention(
            item.text, followers=item.author.followers, waiting=max(now - created_at, timedelta(0))
        )
        mention = Mention(
            network=item.network,
            external_id=item.external_id,
            author_handle=item.author.handle,
            author_display_name=item.author.display_name,
            author_url=item.author.url,
            author_followers=item.author.followers,
            text=item.text,
            url=str(item.url) if item.url is not None else None,
            language=item.language,
            visibility=item.visibility,
            in_reply_to_external_id=item.in_reply_to_external_id,
            thread_key=item.thread_key,
            is_demo=item.is_demo,
            created_at=created_at,
            ingested_at=now,
            updated_at=now,
            status=MentionStatus.NEW,
            version=1,
            priority=score.priority,
            sentiment=score.sentiment,
            risk_words=list(score.risk_words),
            raw=dict((raw_refs or {}).get(item.external_id) or {}),
            account_id=account_id,
        )
        try:
            with session.begin_nested():
                session.add(mention)
        except IntegrityError:
            # Another ingest stored the same mention a moment ago.
            duplicates.append(
                session.scalar(
                    select(Mention.id).where(
                        Mention.network == item.network, Mention.external_id == item.external_id
                    )
                )
                or 0
            )
            continue
        created.append(mention)
    # Events last: the event-order lock is taken after every row this transaction writes.
    urgent_unseen: Mention | None = None
    for mention in created:
        record_event(
            session,
            EventType.MENTION_CREATED,
            {"mention": mention_payload(mention)},
            at=now,
            mention_id=mention.id,
            actor_id=actor_id,
        )
        if score_is_urgent(mention.priority) and urgent_unseen is None:
            urgent_unseen = mention
    if urgent_unseen is not None:
        record_coverage_gap(
            session,
            reason="An urgent mention arrived and nobody is on duty.",
            now=now,
            mention_id=urgent_unseen.id,
            actor_id=actor_id,
        )
    return IngestResult(created=[m.id for m in created], duplicates=duplicates)


def score_is_urgent(priority: float) -> bool:
    return priority >= URGENT_THRESHOLD


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionFilter:
    statuses: tuple[MentionStatus, ...] | None = None
    assignee: str | None = None  # "me", "none" or a user id
    network: Network | None = None
    q: str | None = None
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
        elif who.isdigit():
            conditions.append(Mention.assignee_id == int(who))
        else:
            raise Invalid("assignee must be 'me', 'none' or a user id.")
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


_SUMMARIES = {
    "claimed": "claimed it",
    "released": "released it",
    "assigned": "assigned it",
    "unassigned": "unassigned it",
    "resolved": "resolved it",
    "snoozed": "snoozed it",
    "woke": "snooze ended",
    "rescored": "priority changed",
    "replied": "queued a reply",
}


def _summary(event: Event, actor: User | None) -> str:
    who = actor.name if actor is not None else "The server"
    payload = event.payload or {}
    if event.type == EventType.MENTION_CREATED:
        return "Arrived"
    if event.type == EventType.MENTION_UPDATED:
        action = str(payload.get("action", "updated"))
        text = _SUMMARIES.get(action, action)
        if action == "assigned":
            assignee = (payload.get("mention") or {}).get("assignee") or {}
            return f"{who} assigned it to {assignee.get('name', '?')}"
        if action in ("woke", "rescored"):
            return text[:1].upper() + text[1:]
        return f"{who} {text}"
    if event.type == EventType.REPLY_UPDATED:
        status = (payload.get("reply") or {}).get("status", "updated")
        return f"Reply {status}"
    if event.type == EventType.FOLLOWUP_DUE:
        return "Follow-up due"
    if event.type == EventType.HANDOFF_UPDATED:
        status = (payload.get("handoff") or {}).get("status", "updated")
        return f"Handoff {status}"
    if event.type == EventType.COVERAGE_GAP:
        return str(payload.get("reason", "Nobody on duty"))
    return event.type


def mention_detail(session: Session, mention_id: int) -> MentionDetail:
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
    history = [
        HistoryEntry(
            event_id=e.id,
            type=EventType(e.type),
            actor=user_ref(users[e.actor_id]) if e.actor_id in users else None,
            at=e.created_at,
            summary=_summary(e, users.get(e.actor_id) if e.actor_id is not None else None),
        )
        for e in events
    ]
    return MentionDetail(
        **mention_public(mention).model_dump(),
        thread=[mention_public(m) for m in thread],
        # Users are never deleted (only deactivated), so every author is found.
        replies=[reply_public(r, users[r.author_id]) for r in replies],
        handoffs=[handoff_public(h, users, teams) for h in handoffs],
        history=history,
    )


# --- ownership -------------------------------------------------------------------------------


def _owner_ref(mention: Mention) -> UserRef | None:
    return user_ref(mention.assignee) if mention.assignee is not None else None


def _conflict(mention: Mention, detail: str, code: str) -> Conflict:
    return Conflict(
        detail, code=code, current_owner=_owner_ref(mention), current_version=mention.version
    )


def _lost_claim_conflict(owner: UserRef | None, version: int, status: MentionStatus) -> Conflict:
    if owner is not None:
        detail = f"{owner.name} has this mention now (version {version})."
    else:
        detail = (
            f"The mention changed meanwhile (now version {version}, {status.value}); "
            "reload and try again."
        )
    return Conflict(detail, code="claim_lost", current_owner=owner, current_version=version)


def _lost_claim(mention: Mention) -> Conflict:
    return _lost_claim_conflict(_owner_ref(mention), mention.version, mention.status)


def check_claim_state(
    mention_id: int,
    state: tuple[int, int | None, MentionStatus, str | None] | None,
    version: int,
    user_id: int,
) -> None:
    """Refuse early, from a light read and without a write lock, a claim that cannot win.
    `state` is (version, assignee_id, status, owner name) or None for no such mention."""
    if state is None:
        raise NotFound(f"No mention with id {mention_id}.")
    current, assignee_id, status, owner_name = state
    if current != version or assignee_id not in (None, user_id):
        owner = UserRef(id=assignee_id, name=owner_name or "?") if assignee_id is not None else None
        raise _lost_claim_conflict(owner, current, status)


def claim(
    session: Session, mention_id: int, version: int, *, by: Principal, now: datetime
) -> MentionPublic:
    """Compare-and-set: only a claim made against the current version wins."""
    assert by.user_id is not None
    result = session.execute(
        update(Mention)
        .where(
            Mention.id == mention_id,
            Mention.version == version,
            or_(Mention.assignee_id.is_(None), Mention.assignee_id == by.user_id),
        )
        .values(
            assignee_id=by.user_id,
            status=MentionStatus.ASSIGNED,
            version=Mention.version + 1,
            snoozed_until=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    mention = (
        session.scalars(
            select(Mention)
            .where(Mention.id == mention_id)
            .execution_options(populate_existing=True)
        )
        .unique()
        .first()
    )
    if mention is None:
        raise NotFound(f"No mention with id {mention_id}.")
    if getattr(result, "rowcount", 0) != 1:
        raise _lost_claim(mention)
    return _changed(session, mention, "claimed", by=by, now=now, bump=False)


def _changed(
    session: Session,
    mention: Mention,
    action: str,
    *,
    by: Principal | None,
    now: datetime,
    bump: bool = True,
) -> MentionPublic:
    if bump:
        mention.version += 1
        mention.updated_at = now
    session.flush()
    if (
        mention.assignee_id is not None
        and (mention.assignee is None or mention.assignee.id != mention.assignee_id)
    ) or (mention.assignee_id is None and mention.assignee is not None):
        session.refresh(mention, ["assignee"])
    public = mention_public(mention)
    record_event(
        session,
        EventType.MENTION_UPDATED,
        {"mention": public.model_dump(mode="json"), "action": action},
        at=now,
        mention_id=mention.id,
        actor_id=by.user_id if by is not None else None,
    )
    return public


def _check_version(mention: Mention, version: int | None) -> None:
    if version is not None and version != mention.version:
        raise _conflict(
            mention,
            f"The mention changed meanwhile (now version {mention.version}); reload and try again.",
            "stale_version",
        )


def _require_owner_or_manager(mention: Mention, by: Principal, what: str) -> None:
    if by.role is not None and by.role.is_manager:
        return
    if mention.assignee_id == by.user_id:
        return
    owner = mention.assignee
    if owner is None:
        raise Forbidden(f"Claim the mention before you {what} it.", code="not_owner")
    raise Forbidden(
        f"Only {owner.name} (the owner) or a manager can {what} this mention.", code="not_owner"
    )


def release(
    session: Session, mention_id: int, version: int | None, *, by: Principal, now: datetime
) -> MentionPublic:
    mention = get_mention(session, mention_id, for_update=True)
    _check_version(mention, version)
    _require_owner_or_manager(mention, by, "release")
    if mention.assignee_id is None:
        raise _conflict(mention, "Nobody has claimed this mention.", "not_claimed")
    mention.assignee_id = None
    mention.assignee = None
    if mention.status in (MentionStatus.ASSIGNED, MentionStatus.HANDOFF):
        mention.status = MentionStatus.NEW
    return _changed(session, mention, "released", by=by, now=now)


def assign(
    session: Session,
    mention_id: int,
    user_id: int | None,
    version: int | None,
    *,
    by: Principal,
    now: datetime,
) -> MentionPublic:
    target = get_user(session, user_id) if user_id is not None else None
    mention = get_mention(session, mention_id, for_update=True)
    _check_version(mention, version)
    if target is None:
        mention.assignee_id = None
        mention.assignee = None
        if mention.status in (MentionStatus.ASSIGNED, MentionStatus.HANDOFF):
            mention.status = MentionStatus.NEW
        return _changed(session, mention, "unassigned", by=by, now=now)
    mention.assignee_id = target.id
    mention.assignee = target
    if mention.status in (MentionStatus.NEW, MentionStatus.SNOOZED, MentionStatus.RESOLVED):
        mention.status = MentionStatus.ASSIGNED
        mention.snoozed_until = None
    return _changed(session, mention, "assigned", by=by, now=now)


def resolve(
    session: Session,
    mention_id: int,
    version: int | None,
    follow_up_in_days: int | None,
    *,
    by: Principal,
    now: datetime,
) -> MentionPublic:
    mention = get_mention(session, mention_id, for_update=True)
    _check_version(mention, version)
    _require_owner_or_manager(mention, by, "resolve")
    if mention.status is MentionStatus.RESOLVED:
        raise _conflict(mention, "This mention is already resolved.", "already_resolved")
    mention.status = MentionStatus.RESOLVED
    mention.resolved_at = now
    mention.snoozed_until = None
    if follow_up_in_days:
        mention.follow_up_at = now + timedelta(days=follow_up_in_days)
        mention.follow_up_done = False
    else:
        mention.follow_up_at = None
        mention.follow_up_done = True
    return _changed(session, mention, "resolved", by=by, now=now)


def snooze(
    session: Session,
    mention_id: int,
    version: int | None,
    *,
    until: datetime | None,
    minutes: int | None,
    by: Principal,
    now: datetime,
) -> MentionPublic:
    if until is not None and minutes is not None:
        raise Invalid("Give either 'until' or 'minutes', not both.")
    if until is not None:
        if until.tzinfo is None:
            raise Invalid("'until' needs a time zone (ISO 8601 with Z or an offset).")
        if until <= now:
            raise Invalid("'until' must be in the future.")
        wake_at = until
    else:
        wake_at = now + (timedelta(minutes=minutes) if minutes else DEFAULT_SNOOZE)
    mention = get_mention(session, mention_id, for_update=True)
    _check_version(mention, version)
    _require_owner_or_manager(mention, by, "snooze")
    if mention.status is MentionStatus.RESOLVED:
        raise _conflict(mention, "A resolved mention cannot be snoozed.", "already_resolved")
    mention.status = MentionStatus.SNOOZED
    mention.snoozed_until = wake_at
    return _changed(session, mention, "snoozed", by=by, now=now)


def mark_changed(
    session: Session, mention: Mention, action: str, *, by: Principal | None, now: datetime
) -> MentionPublic:
    """For other services (replies, jobs): bump the version and record mention.updated."""
    return _changed(session, mention, action, by=by, now=now)
