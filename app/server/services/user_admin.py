"""Administering users (admins; a user may revoke their own tokens): revoking every token of a
user, changing a role, deactivating. Revoked tokens answer 401 at once on this process and
within RESPONDER_TOKEN_CACHE_SECONDS on every other; open event streams close within
RESPONDER_STREAM_RECHECK_SECONDS (app/server/access.py).

Deactivating hands back the work the user held, so nothing waits on someone who left: every
open mention they own goes back to the queue unowned (as a release would: `assigned` and
`handoff` become `new`; a snoozed or replied mention keeps its status and comes back when it
wakes or the customer answers), each with `mention.updated` (action `owner_deactivated`, told
in its history); replies of theirs the server still holds in their cool-off are cancelled,
never sent; a handoff they sent is cancelled (its mention is back in the queue); a handoff
waiting for them as its recipient is cancelled and its mention returns to the sender, who holds
it again. A handoff escalated to them stays open: any manager on duty can answer it. They go
off duty first (`duty.changed`, and a coverage gap if nobody is left on duty), then leave the
lists, the roster and coverage (which show active users only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import Duty, HandoffStatus, MentionStatus, Role
from app.models.schemas import TokensRevoked, UserPublic, UserUpdate
from app.models.tables import Handoff, Mention, User
from app.server.auth import USER_TOKEN, Principal, revoke_tokens
from app.server.errors import Forbidden, Invalid, NotFound
from app.server.services.handoffs import cancel, cancel_stale
from app.server.services.mentions import get_mention, mark_changed
from app.server.services.reply_hold import cancel_held_replies_of
from app.server.services.users import set_duty
from app.server.views import user_public

OWNER_DEACTIVATED = "owner_deactivated"


def hand_back_work(session: Session, user: User, *, by: Principal, now: datetime) -> list[int]:
    """Release the user's open mentions and close the handoffs that wait on them; returns
    the ids of the mentions released. Locks: each mention, then its handoff (the order
    accept and decline use)."""
    waiting_for_them = session.scalars(
        select(Handoff)
        .where(Handoff.to_user_id == user.id, Handoff.status == HandoffStatus.PENDING)
        .order_by(Handoff.id)
    ).all()
    reason = f"{user.name} was deactivated; the mention went back to the sender."
    for handoff in waiting_for_them:
        mention = get_mention(session, handoff.mention_id, for_update=True)
        if mention.status is MentionStatus.HANDOFF and mention.assignee_id == handoff.from_user_id:
            mention.status = MentionStatus.ASSIGNED
            session.flush()
            mark_changed(session, mention, "handoff_cancelled", by=by, now=now)
        cancel(session, handoff, now, reason)
    owned = session.scalars(
        select(Mention.id)
        .where(Mention.assignee_id == user.id, Mention.status != MentionStatus.RESOLVED)
        .order_by(Mention.id)
    ).all()
    for mention_id in owned:
        mention = get_mention(session, mention_id, for_update=True)
        if mention.assignee_id != user.id or not mention.status.is_open:
            continue
        mention.assignee_id = None
        mention.assignee = None
        if mention.status in (MentionStatus.ASSIGNED, MentionStatus.HANDOFF):
            mention.status = MentionStatus.NEW
        mark_changed(session, mention, OWNER_DEACTIVATED, by=by, now=now)
    # Their own open handoffs now wait on nobody: close them at once, not at the next job.
    if owned:
        cancel_stale(session, now)
    return list(owned)


def _any_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


def revoke_user_tokens(
    session: Session, user_id: int, *, by: Principal, now: datetime
) -> TokensRevoked:
    """Every live token of the user stops working (an admin's call, or the user's own)."""
    if by.role is not Role.ADMIN and by.user_id != user_id:
        raise Forbidden("Only an admin can revoke someone else's tokens.", code="role")
    user = _any_user(session, user_id)
    revoked = revoke_tokens(session, user.id, now=now)
    return TokensRevoked(user_id=user.id, name=user.name, revoked=revoked)


def update_user(
    session: Session, user_id: int, request: UserUpdate, *, by: Principal | None, now: datetime
) -> UserPublic:
    """An admin changes a user's role or deactivates them (`by` None: the server's command
    line). Nobody changes their own role or deactivates themselves, so an admin always
    remains; a deactivated user cannot be reactivated (their name stays taken, their history
    stays theirs)."""
    if by is not None and by.role is not Role.ADMIN:
        raise Forbidden("Only an admin can change a user's role or deactivate them.", code="role")
    if by is not None and by.user_id == user_id:
        raise Forbidden(
            "You cannot change your own role or deactivate yourself; ask another admin.",
            code="self",
        )
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    if not user.active:
        if request.active is False:
            return user_public(user)
        raise Invalid(f"{user.name} is deactivated; a deactivated user cannot be changed.")
    if request.role is not None and request.role is not user.role:
        user.role = request.role
        session.flush()
    if request.active is False:
        admin = by or Principal(kind=USER_TOKEN, name="server", role=Role.ADMIN)
        if user.duty is not Duty.OFF_DUTY:
            set_duty(session, user.id, Duty.OFF_DUTY, by=admin, now=now)
        cancel_held_replies_of(
            session,
            user.id,
            reason=f"{user.name} was deactivated before this reply left; it was not sent.",
            by=admin,
            now=now,
        )
        hand_back_work(session, user, by=admin, now=now)
        revoke_tokens(session, user.id, now=now)
        user.active = False
        session.flush()
    return user_public(user)
