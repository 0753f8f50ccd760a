"""Follow-ups: the check-backs set when a mention was resolved ("follow up in n days") — the
list of those due (for me, or for everyone when a manager asks) and marking one done. The
moment one falls due is announced by the jobs (`followup.due`, services/jobs.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.models.schemas import MentionPublic
from app.models.tables import Mention
from app.models.team_schemas import FollowupPublic, FollowupsPublic
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden, Invalid
from app.server.services.mentions import get_mention, mark_changed
from app.server.views import mention_public, user_ref

SCOPES = ("me", "all")
WHEN = ("due", "upcoming", "any")


def list_followups(
    session: Session,
    *,
    scope: str,
    when: str,
    by: Principal,
    now: datetime,
    limit: int,
    offset: int,
) -> FollowupsPublic:
    """Follow-ups whose owner is me (`scope=me`) or anyone's (`all`, managers); `when` picks
    those due now (default), still upcoming, or any. Soonest first."""
    if scope not in SCOPES:
        raise Invalid(f"Unknown scope {scope!r}; use 'me' or 'all'.")
    if when not in WHEN:
        raise Invalid(f"Unknown 'when' {when!r}; use one of: {', '.join(WHEN)}.")
    if scope == "all" and (by.role is None or not by.role.is_manager):
        raise Forbidden("Only a manager or an admin can list everyone's follow-ups.", code="role")
    conditions: list[ColumnElement[bool]] = [Mention.follow_up_at.is_not(None)]
    if scope == "me":
        conditions.append(Mention.assignee_id == by.user_id)
    if when == "due":
        conditions.append(Mention.follow_up_at <= now)
    elif when == "upcoming":
        conditions.append(Mention.follow_up_at > now)
    query = select(Mention).where(*conditions)
    count = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = (
        session.scalars(
            query.order_by(Mention.follow_up_at, Mention.id).limit(limit).offset(offset)
        )
        .unique()
        .all()
    )
    data: list[FollowupPublic] = []
    for mention in rows:
        assert mention.follow_up_at is not None
        data.append(
            FollowupPublic(
                mention=mention_public(mention),
                due_at=mention.follow_up_at,
                due=mention.follow_up_at <= now,
                owner=user_ref(mention.assignee) if mention.assignee is not None else None,
            )
        )
    return FollowupsPublic(data=data, count=count)


def complete(session: Session, mention_id: int, *, by: Principal, now: datetime) -> MentionPublic:
    """The owner (or a manager) checked back: the follow-up leaves the list."""
    mention = get_mention(session, mention_id, for_update=True)
    if mention.follow_up_at is None:
        raise Conflict("This mention has no follow-up set.", code="no_followup")
    is_manager = by.role is not None and by.role.is_manager
    if mention.assignee_id != by.user_id and not is_manager:
        raise Forbidden("Only the owner or a manager can close this follow-up.", code="not_owner")
    mention.follow_up_at = None
    mention.follow_up_done = True
    return mark_changed(session, mention, "followup_done", by=by, now=now)
