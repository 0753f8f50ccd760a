"""Handoffs: handing a mention to a person or a team with a note, accepting (the acceptor becomes
the owner), declining with a reason (the mention returns to the sender), the inbox lists, and
escalating an unanswered handoff to the team's on-duty manager after the team's set time, and
cancelling one whose mention moved on (released, reassigned, resolved) before an answer.

While a handoff is open the mention's status is `handoff` and the sender holds it (so a claim
by anyone else loses, naming the sender). Every change writes `mention.updated` (the mention's
version bumps) and `handoff.updated` in the same transaction. Locks are taken mention first,
then handoff."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType, HandoffStatus, MentionStatus, Role
from app.models.schemas import HandoffCreate, HandoffPublic, HandoffsPublic
from app.models.tables import Handoff, Mention, Team, TeamMember, User
from app.server.access import require_handoff_party
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden, Invalid, NotFound
from app.server.event_log import record_event
from app.server.services.coverage import MANAGERS_SCOPE, raise_gap
from app.server.services.mentions import get_mention, mark_changed
from app.server.services.users import get_user
from app.server.views import handoff_public, user_ref, users_by_id

OPEN = (HandoffStatus.PENDING, HandoffStatus.ESCALATED)
# A handoff to a person in no team escalates after this long.
DEFAULT_ESCALATE_AFTER = timedelta(minutes=15)
BOXES = ("to_me", "to_my_teams", "from_me", "all")


# --- reading ---------------------------------------------------------------------------------


def publics(session: Session, handoffs: Sequence[Handoff], now: datetime) -> list[HandoffPublic]:
    wanted: set[int] = set()
    for h in handoffs:
        wanted.update(
            i
            for i in (h.from_user_id, h.to_user_id, h.decided_by_id, h.escalated_to_id)
            if i is not None
        )
    users = users_by_id(session, wanted)
    team_ids = {h.to_team_id for h in handoffs if h.to_team_id is not None}
    teams = (
        {t.id: t for t in session.scalars(select(Team).where(Team.id.in_(team_ids)))}
        if team_ids
        else {}
    )
    result: list[HandoffPublic] = []
    for h in handoffs:
        escalated_to = users.get(h.escalated_to_id) if h.escalated_to_id is not None else None
        waited = (h.decided_at or now) - h.created_at
        result.append(
            handoff_public(h, users, teams).model_copy(
                update={
                    "escalated_to": user_ref(escalated_to) if escalated_to is not None else None,
                    "to_team_id": h.to_team_id,
                    "waiting_seconds": max(waited.total_seconds(), 0.0),
                }
            )
        )
    return result


def _public(session: Session, handoff: Handoff, now: datetime) -> HandoffPublic:
    return publics(session, [handoff], now)[0]


def _team_ids_of(session: Session, user_id: int) -> list[int]:
    return list(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))


def parse_statuses(raw: str | None) -> tuple[HandoffStatus, ...] | None:
    """`open` (default: pending or escalated), `all`, or a comma list of statuses."""
    text = (raw or "open").strip().lower()
    if text == "all":
        return None
    statuses: list[HandoffStatus] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part == "open":
            statuses.extend(OPEN)
            continue
        try:
            statuses.append(HandoffStatus(part))
        except ValueError:
            allowed = ", ".join(["open", "all", *(s.value for s in HandoffStatus)])
            raise Invalid(f"Unknown handoff status {part!r}; use one of: {allowed}.") from None
    return tuple(dict.fromkeys(statuses))


def list_handoffs(
    session: Session,
    *,
    box: str | None,
    statuses: tuple[HandoffStatus, ...] | None,
    mention_id: int | None,
    by: Principal,
    now: datetime,
    limit: int,
    offset: int,
) -> HandoffsPublic:
    """Handoffs in one box (or, without `box`, every handoff to me, my teams or from me),
    oldest waiting first, each with its waiting time. `all` is for managers."""
    assert by.user_id is not None
    me = by.user_id
    team_ids = _team_ids_of(session, me)
    to_me = or_(Handoff.to_user_id == me, Handoff.escalated_to_id == me)
    to_my_teams: ColumnElement[bool] = Handoff.to_team_id.in_(team_ids) if team_ids else false()
    from_me = Handoff.from_user_id == me
    conditions: list[ColumnElement[bool]] = []
    if box is None:
        conditions.append(or_(to_me, to_my_teams, from_me))
    elif box == "to_me":
        conditions.append(to_me)
    elif box == "to_my_teams":
        conditions.append(to_my_teams)
    elif box == "from_me":
        conditions.append(from_me)
    elif box == "all":
        if by.role is None or not by.role.is_manager:
            raise Forbidden("Only a manager or an admin can list every handoff.", code="role")
    else:
        raise Invalid(f"Unknown box {box!r}; use one of: {', '.join(BOXES)}.")
    if statuses:
        conditions.append(Handoff.status.in_(statuses))
    if mention_id is not None:
        conditions.append(Handoff.mention_id == mention_id)
    query = select(Handoff).where(*conditions)
    count = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(Handoff.created_at, Handoff.id).limit(limit).offset(offset)
    ).all()
    return HandoffsPublic(data=publics(session, rows, now), count=count)


def get_handoff(
    session: Session, handoff_id: int, *, by: Principal, now: datetime
) -> HandoffPublic:
    """Its note and reason are for its parties and managers (app/server/access.py)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"No handoff with id {handoff_id}.")
    require_handoff_party(session, handoff, by)
    return _public(session, handoff, now)


# --- creating --------------------------------------------------------------------------------


def _open_handoff_for(session: Session, mention_id: int) -> Handoff | None:
    return session.scalar(
        select(Handoff).where(Handoff.mention_id == mention_id, Handoff.status.in_(OPEN)).limit(1)
    )


def create(
    session: Session, request: HandoffCreate, *, by: Principal, now: datetime
) -> HandoffPublic:
    """Hand a mention to a person or a team. The sender must own it, or it must be unowned,
    or the sender is a manager; the sender holds it until the handoff is answered."""
    assert by.user_id is not None
    if (request.to_user_id is None) == (request.to_team is None or not request.to_team.strip()):
        raise Invalid("Give exactly one of 'to_user_id' or 'to_team'.")
    to_user: User | None = None
    team: Team | None = None
    if request.to_user_id is not None:
        to_user = get_user(session, request.to_user_id)
        if to_user.id == by.user_id:
            raise Invalid("You cannot hand a mention to yourself.")
    else:
        name = (request.to_team or "").strip()
        team = session.scalar(select(Team).where(Team.name == name))
        if team is None:
            raise NotFound(f"No team named {name!r}.")
    mention = get_mention(session, request.mention_id, for_update=True)
    if mention.status is MentionStatus.RESOLVED:
        raise Conflict(
            "This mention is resolved; reopen it before handing it off.",
            code="mention_resolved",
            current_version=mention.version,
        )
    existing = _open_handoff_for(session, mention.id)
    if existing is not None and _held(mention, existing):
        raise Conflict(
            "This mention already has an open handoff; wait for its answer.",
            code="handoff_open",
            current_version=mention.version,
        )
    is_manager = by.role is not None and by.role.is_manager
    if mention.assignee_id not in (None, by.user_id) and not is_manager:
        owner = mention.assignee.name if mention.assignee is not None else "someone else"
        raise Forbidden(
            f"Only {owner} (the owner) or a manager can hand this mention off.", code="not_owner"
        )
    handoff = Handoff(
        mention_id=mention.id,
        from_user_id=by.user_id,
        to_user_id=to_user.id if to_user is not None else None,
        to_team_id=team.id if team is not None else None,
        note=request.note.strip(),
        status=HandoffStatus.PENDING,
        created_at=now,
    )
    if existing is not None:  # left open by a mention that moved on: close it first
        cancel(session, existing, now)
    session.add(handoff)
    mention.assignee_id = by.user_id
    mention.assignee = get_user(session, by.user_id)
    mention.status = MentionStatus.HANDOFF
    mention.snoozed_until = None
    session.flush()
    mark_changed(session, mention, "handoff", by=by, now=now)
    return _record(session, handoff, by=by, now=now)


def _record(
    session: Session, handoff: Handoff, *, by: Principal | None, now: datetime
) -> HandoffPublic:
    session.flush()
    public = _public(session, handoff, now)
    record_event(
        session,
        EventType.HANDOFF_UPDATED,
        {"handoff": public.model_dump(mode="json")},
        at=now,
        mention_id=handoff.mention_id,
        actor_id=by.user_id if by is not None else None,
    )
    return public


# --- answering -------------------------------------------------------------------------------


def _locked(session: Session, handoff_id: int) -> tuple[Handoff, Mention]:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"No handoff with id {handoff_id}.")
    mention = get_mention(session, handoff.mention_id, for_update=True)
    locked = session.scalar(
        select(Handoff)
        .where(Handoff.id == handoff_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None  # handoffs are deleted only with their mention, locked above
    return locked, mention


def _refuse_if_answered(session: Session, handoff: Handoff) -> None:
    if handoff.status in OPEN:
        return
    who = session.get(User, handoff.decided_by_id) if handoff.decided_by_id else None
    by_whom = f" by {who.name}" if who is not None else ""
    raise Conflict(
        f"This handoff was already {handoff.status.value}{by_whom}.", code="handoff_answered"
    )


def _check_eligible(session: Session, handoff: Handoff, by: Principal, what: str) -> User:
    """The recipient, anyone on duty in the recipient team, or (once escalated) the manager it
    escalated to or any manager on duty may answer; nobody else."""
    assert by.user_id is not None
    user = get_user(session, by.user_id)
    if by.user_id in (handoff.to_user_id, handoff.escalated_to_id):
        return user
    if handoff.to_team_id is not None:
        member = session.get(TeamMember, (handoff.to_team_id, by.user_id)) is not None
        if member and user.duty is Duty.ON_DUTY:
            return user
        if member:
            raise Forbidden(f"Come on duty to {what} handoffs for your team.", code="not_on_duty")
    if (
        handoff.status is HandoffStatus.ESCALATED
        and user.role.is_manager
        and user.duty is Duty.ON_DUTY
    ):
        return user
    raise Forbidden(
        f"Only the recipient (or someone on duty in the recipient team) can {what} this handoff.",
        code="not_recipient",
    )


def _held(mention: Mention, handoff: Handoff) -> bool:
    """Is the mention still waiting on this handoff (nobody released, reassigned or resolved
    it meanwhile)?"""
    return mention.status is MentionStatus.HANDOFF and mention.assignee_id in (
        None,
        handoff.from_user_id,
    )


def _check_mention_held(mention: Mention, handoff: Handoff) -> None:
    if _held(mention, handoff):
        return
    owner = user_ref(mention.assignee) if mention.assignee is not None else None
    raise Conflict(
        f"The mention changed meanwhile (now {mention.status.value}, version {mention.version}); "
        "this handoff no longer applies.",
        code="handoff_stale",
        current_owner=owner,
        current_version=mention.version,
    )


def accept(session: Session, handoff_id: int, *, by: Principal, now: datetime) -> HandoffPublic:
    handoff, mention = _locked(session, handoff_id)
    _refuse_if_answered(session, handoff)
    user = _check_eligible(session, handoff, by, "accept")
    _check_mention_held(mention, handoff)
    handoff.status = HandoffStatus.ACCEPTED
    handoff.decided_by_id = user.id
    handoff.decided_at = now
    mention.assignee_id = user.id
    mention.assignee = user
    mention.status = MentionStatus.ASSIGNED
    session.flush()
    mark_changed(session, mention, "handoff_accepted", by=by, now=now)
    return _record(session, handoff, by=by, now=now)


def decline(
    session: Session, handoff_id: int, reason: str, *, by: Principal, now: datetime
) -> HandoffPublic:
    """Decline with a reason: the mention goes back to the sender, who owns it again."""
    if not reason.strip():
        raise Invalid("Say why you decline (reason must not be blank).")
    handoff, mention = _locked(session, handoff_id)
    _refuse_if_answered(session, handoff)
    user = _check_eligible(session, handoff, by, "decline")
    _check_mention_held(mention, handoff)
    handoff.status = HandoffStatus.DECLINED
    handoff.reason = reason.strip()
    handoff.decided_by_id = user.id
    handoff.decided_at = now
    sender = session.get(User, handoff.from_user_id)
    mention.assignee_id = handoff.from_user_id
    mention.assignee = sender
    mention.status = MentionStatus.ASSIGNED
    session.flush()
    mark_changed(session, mention, "handoff_declined", by=by, now=now)
    return _record(session, handoff, by=by, now=now)


# --- escalation ------------------------------------------------------------------------------


def _handoff_team(session: Session, handoff: Handoff) -> Team | None:
    """The team whose settings and managers apply: the recipient team, else the person's
    first team (lowest id)."""
    if handoff.to_team_id is not None:
        return session.get(Team, handoff.to_team_id)
    if handoff.to_user_id is None:
        return None
    return session.scalar(
        select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == handoff.to_user_id)
        .order_by(Team.id)
        .limit(1)
    )


def escalate_after(team: Team | None) -> timedelta:
    return timedelta(minutes=team.escalate_after_minutes) if team else DEFAULT_ESCALATE_AFTER


def manager_on_duty(session: Session, team: Team | None) -> User | None:
    """The team's on-duty manager; else any manager on duty; else None."""
    base = select(User).where(
        User.active.is_(True),
        User.duty == Duty.ON_DUTY,
        User.role.in_((Role.MANAGER, Role.ADMIN)),
    )
    if team is not None:
        in_team = session.scalar(
            base.join(TeamMember, TeamMember.user_id == User.id)
            .where(TeamMember.team_id == team.id)
            .order_by(User.role.desc(), User.id)  # "manager" sorts before "admin"
            .limit(1)
        )
        if in_team is not None:
            return in_team
    return session.scalar(base.order_by(User.role.desc(), User.id).limit(1))


STALE_REASON = "The mention moved on (released, reassigned or resolved) before an answer."


def cancel(
    session: Session, handoff: Handoff, now: datetime, reason: str = STALE_REASON
) -> HandoffPublic:
    handoff.status = HandoffStatus.CANCELLED
    handoff.reason = reason
    handoff.decided_at = now
    return _record(session, handoff, by=None, now=now)


def cancel_stale(session: Session, now: datetime) -> list[int]:
    """Close the open handoffs whose mention is no longer waiting on them, so that they
    neither escalate nor linger in anyone's box; returns their ids."""
    moved_on = or_(
        Mention.status != MentionStatus.HANDOFF,
        and_(Mention.assignee_id.is_not(None), Mention.assignee_id != Handoff.from_user_id),
    )
    candidates = session.execute(
        select(Handoff.id, Handoff.mention_id)
        .join(Mention, Mention.id == Handoff.mention_id)
        .where(Handoff.status.in_(OPEN), moved_on)
        .order_by(Handoff.id)
    ).all()
    cancelled: list[int] = []
    for handoff_id, mention_id in candidates:
        # Mention first, then handoff (the order accept/decline use); a row someone is
        # changing right now is skipped and looked at again next round.
        mention = (
            session.scalars(
                select(Mention)
                .where(Mention.id == mention_id)
                .with_for_update(of=Mention, skip_locked=True)
                .execution_options(populate_existing=True)
            )
            .unique()
            .first()
        )
        handoff = session.scalar(
            select(Handoff)
            .where(Handoff.id == handoff_id, Handoff.status.in_(OPEN))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if mention is None or handoff is None or _held(mention, handoff):
            continue
        if mention.status is MentionStatus.HANDOFF:  # reassigned while waiting
            mention.status = MentionStatus.ASSIGNED
            session.flush()
            mark_changed(session, mention, "handoff_cancelled", by=None, now=now)
        cancel(session, handoff, now)
        cancelled.append(handoff.id)
    return cancelled


def escalate_due(session: Session, now: datetime) -> list[int]:
    """Escalate every pending handoff that waited longer than its team allows; returns ids.
    With no manager on duty, managers get `coverage.gap` (once per gap). Handoffs whose
    mention moved on are cancelled instead (`cancel_stale`)."""
    cancel_stale(session, now)
    pending = session.scalars(
        select(Handoff).where(Handoff.status == HandoffStatus.PENDING).order_by(Handoff.id)
    ).all()
    due_ids: list[int] = []
    teams: dict[int, Team | None] = {}
    for handoff in pending:
        team = _handoff_team(session, handoff)
        teams[handoff.id] = team
        if handoff.created_at + escalate_after(team) <= now:
            due_ids.append(handoff.id)
    if not due_ids:
        return []
    due = session.scalars(
        select(Handoff)
        .where(Handoff.id.in_(due_ids), Handoff.status == HandoffStatus.PENDING)
        .order_by(Handoff.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    escalated: list[int] = []
    for handoff in due:
        team = teams.get(handoff.id)
        manager = manager_on_duty(session, team)
        handoff.status = HandoffStatus.ESCALATED
        handoff.escalated_at = now
        handoff.escalated_to_id = manager.id if manager is not None else None
        public = _record(session, handoff, by=None, now=now)
        escalated.append(handoff.id)
        if manager is None:
            minutes = int(escalate_after(team).total_seconds() // 60)
            target = public.to_team or (public.to_user.name if public.to_user else "?")
            raise_gap(
                session,
                MANAGERS_SCOPE,
                reason=(
                    f"A handoff to {target} waited over {minutes} min and no manager is on duty."
                ),
                now=now,
                mention_id=handoff.mention_id,
                extra={"handoff_id": handoff.id},
            )
    return escalated
