"""ORM rows → wire schemas (the only place that knows how a row is shown to clients)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import ReplyStatus
from app.models.schemas import (
    Author,
    HandoffPublic,
    MentionPublic,
    MentionSla,
    ReplyPublic,
    UserPublic,
    UserRef,
)
from app.models.tables import Handoff, Mention, Reply, Team, User


def user_ref(user: User) -> UserRef:
    return UserRef(id=user.id, name=user.name)


def user_public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        name=user.name,
        role=user.role,
        duty=user.duty,
        duty_since=user.duty_since,
        teams=sorted(team.name for team in user.teams),
    )


def mention_public(mention: Mention, *, owner: UserRef | None = None) -> MentionPublic:
    """`owner`: the assignee's ref when the caller already has it (it must be the assignee's):
    `mention.assignee` is then not loaded."""
    if owner is not None and owner.id != mention.assignee_id:
        raise ValueError(f"{owner.name} does not own mention {mention.id}")
    assignee = owner
    if assignee is None and mention.assignee is not None:
        assignee = user_ref(mention.assignee)
    return MentionPublic(
        id=mention.id,
        network=mention.network,
        external_id=mention.external_id,
        account_id=mention.account_id,
        author=Author(
            handle=mention.author_handle,
            display_name=mention.author_display_name,
            url=mention.author_url,
            followers=mention.author_followers,
        ),
        text=mention.text,
        url=mention.url,
        created_at=mention.created_at,
        ingested_at=mention.ingested_at,
        updated_at=mention.updated_at,
        status=mention.status,
        assignee_id=mention.assignee_id,
        assignee=assignee,
        version=mention.version,
        priority=mention.priority,
        sentiment=mention.sentiment,
        risk_words=list(mention.risk_words or []),
        language=mention.language,
        visibility=mention.visibility,
        in_reply_to_external_id=mention.in_reply_to_external_id,
        thread_key=mention.thread_key,
        snoozed_until=mention.snoozed_until,
        resolved_at=mention.resolved_at,
        follow_up_at=mention.follow_up_at,
        is_demo=mention.is_demo,
        team_id=mention.team_id,
        routed_reason=mention.routed_reason,
        sla=mention_sla(mention),
        customer_id=mention.customer_id,
        tags=list(mention.tags or []),
    )


def mention_sla(mention: Mention) -> MentionSla | None:
    """The first-response clock of an open mention that has a target and no answer yet."""
    if (
        mention.sla_due_at is None
        or mention.first_response_at is not None
        or not mention.status.is_open
    ):
        return None
    return MentionSla(due_at=mention.sla_due_at, breached=mention.sla_breached_at is not None)


def mention_payload(mention: Mention) -> dict[str, object]:
    return mention_public(mention).model_dump(mode="json")


def users_by_id(session: Session, ids: set[int]) -> dict[int, User]:
    ids.discard(0)
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def reply_public(reply: Reply, author: User, *, now: datetime | None = None) -> ReplyPublic:
    """`now` (the moment of the answer or event) gives a queued reply's `due_in_seconds`."""
    due_at = reply.next_attempt_at if reply.status == ReplyStatus.QUEUED else None
    due_in = (
        max((due_at - now).total_seconds(), 0.0) if due_at is not None and now is not None else None
    )
    return ReplyPublic(
        id=reply.id,
        client_id=reply.client_id,
        mention_id=reply.mention_id,
        author=user_ref(author),
        body=reply.body,
        status=reply.status,
        external_id=reply.external_id,
        external_url=reply.external_url,
        error=reply.error,
        created_at=reply.created_at,
        sent_at=reply.sent_at,
        due_at=due_at,
        due_in_seconds=due_in,
    )


def handoff_public(
    handoff: Handoff, users: dict[int, User], teams: dict[int, Team], *, for_party: bool = True
) -> HandoffPublic:
    """`for_party` False: for someone outside the handoff (app/server/access.py), without its
    note and reason."""

    def ref(user_id: int | None) -> UserRef | None:
        user = users.get(user_id) if user_id is not None else None
        return user_ref(user) if user is not None else None

    from_user = ref(handoff.from_user_id) or UserRef(id=handoff.from_user_id, name="?")
    team = teams.get(handoff.to_team_id) if handoff.to_team_id is not None else None
    return HandoffPublic(
        id=handoff.id,
        mention_id=handoff.mention_id,
        from_user=from_user,
        to_user=ref(handoff.to_user_id),
        to_team=team.name if team is not None else None,
        note=handoff.note if for_party else "",
        status=handoff.status,
        reason=handoff.reason if for_party else None,
        created_at=handoff.created_at,
        decided_at=handoff.decided_at,
        decided_by=ref(handoff.decided_by_id),
        escalated_at=handoff.escalated_at,
    )
