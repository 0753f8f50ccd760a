"""A change to a mention, told to everyone: `mark_changed` bumps its version (unless the
caller's compare-and-set did) and records `mention.updated` in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.models.enums import EventType
from app.models.schemas import MentionPublic, UserRef
from app.models.tables import Mention
from app.server.auth import Principal
from app.server.event_log import record_event
from app.server.views import mention_public


def mark_changed(
    session: Session,
    mention: Mention,
    action: str,
    *,
    by: Principal | None,
    now: datetime,
    bump: bool = True,
    owner: UserRef | None = None,
) -> MentionPublic:
    """Record `mention.updated` (with `action`) for a change the caller made to `mention`,
    bumping its version first unless the caller's compare-and-set already did (`bump=False`).
    `owner`: the new owner, when the caller knows who that is (a claim: the claimer), so the
    owner's user row is not read again."""
    if bump:
        mention.version += 1
        mention.updated_at = now
    session.flush()
    known_owner = owner is not None and owner.id == mention.assignee_id
    if not known_owner and (
        (
            mention.assignee_id is not None
            and (mention.assignee is None or mention.assignee.id != mention.assignee_id)
        )
        or (mention.assignee_id is None and mention.assignee is not None)
    ):
        session.refresh(mention, ["assignee"])
    public = mention_public(mention, owner=owner if known_owner else None)
    record_event(
        session,
        EventType.MENTION_UPDATED,
        {"mention": public.model_dump(mode="json"), "action": action},
        at=now,
        mention_id=mention.id,
        actor_id=by.user_id if by is not None else None,
    )
    return public
