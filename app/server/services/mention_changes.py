"""A change to a mention, told to everyone: `mark_changed` bumps its version (unless the
caller's compare-and-set did) and records `mention.updated` in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.models.enums import EventType
from app.models.schemas import MentionPublic, UserRef
from app.models.tables import Mention
from app.server.auth import Principal
from app.server.event_log import record_event, record_events
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
    public = _public(session, mention, owner)
    record_event(
        session,
        EventType.MENTION_UPDATED,
        {"mention": public.model_dump(mode="json"), "action": action},
        at=now,
        mention_id=mention.id,
        actor_id=by.user_id if by is not None else None,
    )
    return public


def mark_all_changed(
    session: Session,
    changes: Sequence[tuple[Mention, str]],
    *,
    by: Principal | None,
    now: datetime,
    bump: bool = True,
    owner: UserRef | None = None,
) -> list[MentionPublic]:
    """`mark_changed` for many mentions at once (bulk actions): one flush and one statement
    for their `mention.updated` events, in the order given; the same events, one each."""
    if bump:
        for mention, _action in changes:
            mention.version += 1
            mention.updated_at = now
    session.flush()
    publics = [_public(session, mention, owner) for mention, _action in changes]
    record_events(
        session,
        EventType.MENTION_UPDATED,
        [
            (mention.id, {"mention": public.model_dump(mode="json"), "action": action})
            for (mention, action), public in zip(changes, publics, strict=True)
        ],
        at=now,
        actor_id=by.user_id if by is not None else None,
    )
    return publics


def _public(session: Session, mention: Mention, owner: UserRef | None) -> MentionPublic:
    """The mention as it is now; its owner read again only when the caller changed the owner
    without saying who that is."""
    known_owner = owner is not None and owner.id == mention.assignee_id
    if not known_owner and (
        (
            mention.assignee_id is not None
            and (mention.assignee is None or mention.assignee.id != mention.assignee_id)
        )
        or (mention.assignee_id is None and mention.assignee is not None)
    ):
        session.refresh(mention, ["assignee"])
    return mention_public(mention, owner=owner if known_owner else None)
