"""Approvals: a rep asks a manager to approve a reply that promises beyond their authority (a
refund, compensation, a guarantee, an admission of liability: the tone check's
`over_authority`); a manager approves it, as written or edited, or denies it with a reason;
a request left waiting escalates like a handoff; and the rule a reply must pass
(`require_approval`): with approval required in one of the rep's teams (their cool-off
settings), such a reply goes out only with the id of an approved request for that very body.

Every change writes `approval.updated` in the same transaction, for the rep who asked and for
managers only (audience `managers_and(rep)`), with the mention's id, so the mention's history
tells who approved what. Managers and admins need no approval: they are the authority."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.models.approval_schemas import (
    ApprovalCreate,
    ApprovalPublic,
    ApprovalsPublic,
    ApprovalState,
)
from app.models.approval_tables import Approval
from app.models.enums import EventType
from app.models.schemas import UserRef
from app.models.tables import Mention, Team, TeamMember, User
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden, Invalid, NotFound
from app.server.event_log import managers_and, record_event
from app.server.services.cool_off import my_cool_off
from app.server.services.coverage import MANAGERS_SCOPE, raise_gap
from app.server.services.handoffs import escalate_after, manager_on_duty
from app.server.services.history import one_line
from app.server.services.mentions import get_mention
from app.server.views import user_ref, users_by_id
from app.tone.authority import find_promises

EXCERPT_LENGTH = 140
STATES = ("all", *(s.value for s in ApprovalState))


# --- reading ---------------------------------------------------------------------------------


def beyond_authority(body: str) -> list[str]:
    """What `body` promises beyond a rep's authority (refund, compensation, guarantee,
    liability), each once, in order: the tone check's `over_authority` findings."""
    return list(dict.fromkeys(p.authority.value for p in find_promises(body)))


def publics(session: Session, approvals: Sequence[Approval], now: datetime) -> list[ApprovalPublic]:
    wanted: set[int] = set()
    for a in approvals:
        wanted.update(
            i for i in (a.requested_by_id, a.decided_by_id, a.escalated_to_id) if i is not None
        )
    users = users_by_id(session, wanted)
    mention_ids = {a.mention_id for a in approvals}
    mentions = (
        {
            row.id: row
            for row in session.execute(
                select(Mention.id, Mention.author_handle, Mention.text).where(
                    Mention.id.in_(mention_ids)
                )
            )
        }
        if mention_ids
        else {}
    )

    def ref(user_id: int | None) -> UserRef | None:
        user = users.get(user_id) if user_id is not None else None
        return user_ref(user) if user is not None else None

    result: list[ApprovalPublic] = []
    for a in approvals:
        mention = mentions.get(a.mention_id)
        result.append(
            ApprovalPublic(
                id=a.id,
                mention_id=a.mention_id,
                requested_by=user_ref(users[a.requested_by_id]),
                body=a.body,
                reason=a.reason,
                state=a.state,
                approved_body=a.approved_body,
                edited=a.approved_body is not None and a.approved_body != a.body,
                beyond_authority=beyond_authority(a.body),
                decided_by=ref(a.decided_by_id),
                decision_reason=a.decision_reason or None,
                created_at=a.created_at,
                decided_at=a.decided_at,
                escalated_at=a.escalated_at,
                escalated_to=ref(a.escalated_to_id),
                waiting_seconds=max(((a.decided_at or now) - a.created_at).total_seconds(), 0.0),
                customer=mention.author_handle if mention is not None else "",
                mention_excerpt=one_line(mention.text, EXCERPT_LENGTH) if mention else "",
            )
        )
    return result


def _public(session: Session, approval: Approval, now: datetime) -> ApprovalPublic:
    return publics(session, [approval], now)[0]


def parse_state(raw: str | None) -> ApprovalState | None:
    """`all` (default) or one state."""
    text = (raw or "all").strip().lower()
    if text == "all":
        return None
    try:
        return ApprovalState(text)
    except ValueError:
        raise Invalid(f"Unknown approval state {raw!r}; use one of: {', '.join(STATES)}.") from None


def list_approvals(
    session: Session,
    *,
    state: ApprovalState | None,
    mention_id: int | None,
    by: Principal,
    now: datetime,
    limit: int,
    offset: int,
) -> ApprovalsPublic:
    """Oldest first. Managers see every request; a rep sees their own."""
    assert by.user_id is not None
    conditions: list[ColumnElement[bool]] = []
    if by.role is None or not by.role.is_manager:
        conditions.append(Approval.requested_by_id == by.user_id)
    if state is not None:
        conditions.append(Approval.state == state)
    if mention_id is not None:
        conditions.append(Approval.mention_id == mention_id)
    query = select(Approval).where(*conditions)
    count = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(Approval.created_at, Approval.id).limit(limit).offset(offset)
    ).all()
    return ApprovalsPublic(data=publics(session, rows, now), count=count)


def get_approval(
    session: Session, approval_id: int, *, by: Principal, now: datetime
) -> ApprovalPublic:
    """The rep who asked and managers only."""
    approval = session.get(Approval, approval_id)
    is_manager = by.role is not None and by.role.is_manager
    if approval is None or (not is_manager and approval.requested_by_id != by.user_id):
        raise NotFound(f"No approval with id {approval_id} of yours.")
    return _public(session, approval, now)


# --- asking ----------------------------------------------------------------------------------


def _record(
    session: Session, approval: Approval, *, by: Principal | None, now: datetime
) -> ApprovalPublic:
    session.flush()
    public = _public(session, approval, now)
    record_event(
        session,
        EventType.APPROVAL_UPDATED,
        {"approval": public.model_dump(mode="json")},
        at=now,
        mention_id=approval.mention_id,
        actor_id=by.user_id if by is not None else None,
        audience=managers_and(approval.requested_by_id),
    )
    return public


def create(
    session: Session, request: ApprovalCreate, *, by: Principal, now: datetime
) -> ApprovalPublic:
    """Ask the managers to approve a reply to a mention the caller owns. An earlier request of
    theirs for the same mention that still waits is withdrawn: the newer draft replaces it."""
    assert by.user_id is not None
    body = request.body
    reason = request.reason.strip()
    if not body.strip():
        raise Invalid("The reply to approve must not be blank.")
    if not reason:
        raise Invalid("Say why you ask (reason must not be blank).")
    mention = get_mention(session, request.mention_id)
    if mention.assignee_id != by.user_id:
        owner = mention.assignee.name if mention.assignee is not None else "nobody"
        raise Forbidden(
            f"Only the mention's owner can ask to approve a reply to it (it is {owner}'s); "
            "claim it first.",
            code="not_owner",
        )
    earlier = session.scalars(
        select(Approval)
        .where(
            Approval.mention_id == mention.id,
            Approval.requested_by_id == by.user_id,
            Approval.state == ApprovalState.PENDING,
        )
        .order_by(Approval.id)
        .with_for_update()
    ).all()
    for old in earlier:
        old.state = ApprovalState.WITHDRAWN
        old.decided_at = now
        _record(session, old, by=by, now=now)
    approval = Approval(
        mention_id=mention.id,
        requested_by_id=by.user_id,
        body=body,
        reason=reason,
        state=ApprovalState.PENDING,
        created_at=now,
    )
    session.add(approval)
    return _record(session, approval, by=by, now=now)


# --- answering -------------------------------------------------------------------------------


def _locked_pending(session: Session, approval_id: int) -> Approval:
    approval = session.scalar(
        select(Approval)
        .where(Approval.id == approval_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if approval is None:
        raise NotFound(f"No approval with id {approval_id}.")
    if approval.state is ApprovalState.PENDING:
        return approval
    if approval.state is ApprovalState.WITHDRAWN:
        raise Conflict(
            "The rep withdrew this request (they asked again with a newer draft).",
            code="approval_withdrawn",
        )
    who = session.get(User, approval.decided_by_id) if approval.decided_by_id else None
    by_whom = f" by {who.name}" if who is not None else ""
    raise Conflict(
        f"This request was already {approval.state.value}{by_whom}.", code="approval_answered"
    )


def approve(
    session: Session, approval_id: int, body: str | None, *, by: Principal, now: datetime
) -> ApprovalPublic:
    """Approve as written, or with the manager's edit (`body`): that text is what may go out.
    When two managers answer at once, one wins and the other gets 409."""
    assert by.user_id is not None
    if body is not None and not body.strip():
        raise Invalid("The approved reply must not be blank.")
    approval = _locked_pending(session, approval_id)
    approval.state = ApprovalState.APPROVED
    approval.approved_body = body if body is not None else approval.body
    approval.decided_by_id = by.user_id
    approval.decided_at = now
    return _record(session, approval, by=by, now=now)


def deny(
    session: Session, approval_id: int, reason: str, *, by: Principal, now: datetime
) -> ApprovalPublic:
    assert by.user_id is not None
    if not reason.strip():
        raise Invalid("Say why you deny it (reason must not be blank).")
    approval = _locked_pending(session, approval_id)
    approval.state = ApprovalState.DENIED
    approval.decision_reason = reason.strip()
    approval.decided_by_id = by.user_id
    approval.decided_at = now
    return _record(session, approval, by=by, now=now)


# --- the rule a reply must pass --------------------------------------------------------------


def _same_text(a: str, b: str) -> bool:
    # Leading and trailing blanks change no promise (a composer may trim them).
    return a.strip() == b.strip()


def require_approval(
    session: Session, *, mention_id: int, body: str, approval_id: int | None, by: Principal
) -> None:
    """Refuse (403 `needs_approval`) a rep's reply that promises beyond their authority while
    one of their teams requires approval, unless `approval_id` names a request of theirs for
    this mention, approved, whose approved body is this body."""
    if by.role is not None and by.role.is_manager:
        return
    promised = beyond_authority(body)
    if not promised or not my_cool_off(session, by=by).approval_required:
        return
    what = ", ".join(promised)
    ask = f"This reply promises beyond your authority ({what}): a manager must approve it first."
    approval = session.get(Approval, approval_id) if approval_id is not None else None
    if approval is None or approval.requested_by_id != by.user_id:
        raise Forbidden(ask, code="needs_approval")
    if approval.mention_id != mention_id:
        raise Forbidden(ask + " (That approval is for another mention.)", code="needs_approval")
    if approval.state is ApprovalState.PENDING:
        raise Forbidden(
            "Your request still waits for a manager's answer; this reply cannot go yet.",
            code="needs_approval",
        )
    if approval.state is not ApprovalState.APPROVED or approval.approved_body is None:
        decider = session.get(User, approval.decided_by_id) if approval.decided_by_id else None
        why = f": {approval.decision_reason}" if approval.decision_reason else ""
        raise Forbidden(
            f"That request was {approval.state.value}"
            + (f" by {decider.name}" if decider is not None else "")
            + why
            + ". Ask again with a new draft.",
            code="needs_approval",
        )
    if not _same_text(approval.approved_body, body):
        raise Forbidden(
            "This text differs from the approved one: send the approved text, or ask again.",
            code="needs_approval",
        )


# --- escalation ------------------------------------------------------------------------------


def _requester_team(session: Session, user_id: int) -> Team | None:
    """The team whose settings and managers apply: the rep's first team (lowest id)."""
    return session.scalar(
        select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user_id)
        .order_by(Team.id)
        .limit(1)
    )


def escalate_due(session: Session, now: datetime) -> list[int]:
    """Escalate every request that waited longer than the rep's team allows for a handoff
    (`escalate_after_minutes`) to that team's on-duty manager (else any manager on duty); it
    stays pending, and every manager's console hears of it again. With no manager on duty,
    managers get `coverage.gap` (once per gap). Returns the escalated ids."""
    waiting = session.execute(
        select(Approval.id, Approval.requested_by_id, Approval.created_at)
        .where(Approval.state == ApprovalState.PENDING, Approval.escalated_at.is_(None))
        .order_by(Approval.id)
    ).all()
    teams: dict[int, Team | None] = {}
    due_ids: list[int] = []
    for approval_id, requester_id, created_at in waiting:
        if requester_id not in teams:
            teams[requester_id] = _requester_team(session, requester_id)
        if created_at + escalate_after(teams[requester_id]) <= now:
            due_ids.append(approval_id)
    if not due_ids:
        return []
    due = session.scalars(
        select(Approval)
        .where(
            Approval.id.in_(due_ids),
            Approval.state == ApprovalState.PENDING,
            Approval.escalated_at.is_(None),
        )
        .order_by(Approval.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    escalated: list[int] = []
    for approval in due:
        team = teams.get(approval.requested_by_id)
        manager = manager_on_duty(session, team)
        approval.escalated_at = now
        approval.escalated_to_id = manager.id if manager is not None else None
        public = _record(session, approval, by=None, now=now)
        escalated.append(approval.id)
        if manager is None:
            minutes = int(escalate_after(team).total_seconds() // 60)
            raise_gap(
                session,
                MANAGERS_SCOPE,
                reason=(
                    f"{public.requested_by.name} asked for a reply's approval over {minutes} "
                    "min ago and no manager is on duty."
                ),
                now=now,
                mention_id=approval.mention_id,
                extra={"approval_id": approval.id},
            )
    return escalated
