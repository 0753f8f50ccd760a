"""Ownership of a mention after it is claimed: release it, assign it (managers), resolve it
with an optional follow-up, snooze it. Each change checks the version the caller saw (a 409
when the mention moved on meanwhile) and who may make it, then records `mention.updated`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.models.enums import MentionStatus
from app.models.schemas import MentionPublic, UserRef
from app.models.tables import Mention, User
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden, Invalid
from app.server.services.mentions import get_mention, mark_changed
from app.server.services.users import get_user
from app.server.views import user_ref

DEFAULT_SNOOZE = timedelta(hours=1)


def _owner_ref(mention: Mention) -> UserRef | None:
    return user_ref(mention.assignee) if mention.assignee is not None else None


def _conflict(mention: Mention, detail: str, code: str) -> Conflict:
    return Conflict(
        detail,
        code=code,
        current_owner=_owner_ref(mention),
        current_version=mention.version,
        current_status=mention.status,
    )


def _check_version(mention: Mention, version: int | None) -> None:
    """Refuse an action made against an older version (None: the caller did not say; other
    tools may act on the mention as it is)."""
    if version is not None and version != mention.version:
        owner = f", {mention.assignee.name}'s" if mention.assignee is not None else ""
        raise _conflict(
            mention,
            f"The mention changed meanwhile (now version {mention.version}, "
            f"{mention.status.value}{owner}); reload and try again.",
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
    action = release_locked(mention, version, by=by)
    return mark_changed(session, mention, action, by=by, now=now)


# The `*_locked` functions decide and make one change to a mention whose row the caller holds
# locked, and return the action `mark_changed` records; each refuses before it changes
# anything. The single calls above and below use them, and so do bulk actions
# (services/bulk.py), which lock a step's mentions at once and record their events together.


def release_locked(mention: Mention, version: int | None, *, by: Principal) -> str:
    _check_version(mention, version)
    _require_owner_or_manager(mention, by, "release")
    if mention.assignee_id is None:
        raise _conflict(mention, "Nobody has claimed this mention.", "not_claimed")
    mention.assignee_id = None
    mention.assignee = None
    mention.routed_reason = None
    if mention.status in (MentionStatus.ASSIGNED, MentionStatus.HANDOFF):
        mention.status = MentionStatus.NEW
    return "released"


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
    action = assign_locked(mention, target, version, by=by)
    return mark_changed(session, mention, action, by=by, now=now)


def assign_locked(
    mention: Mention, target: User | None, version: int | None, *, by: Principal
) -> str:
    _check_version(mention, version)
    if target is None:
        mention.assignee_id = None
        mention.assignee = None
        if mention.status in (MentionStatus.ASSIGNED, MentionStatus.HANDOFF):
            mention.status = MentionStatus.NEW
        return "unassigned"
    mention.assignee_id = target.id
    mention.assignee = target
    mention.routed_reason = f"assigned by {by.name}" if by.user_id != target.id else None
    if mention.status in (MentionStatus.NEW, MentionStatus.SNOOZED, MentionStatus.RESOLVED):
        mention.status = MentionStatus.ASSIGNED
        mention.snoozed_until = None
    return "assigned"


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
    action = resolve_locked(mention, version, follow_up_in_days, by=by, now=now)
    return mark_changed(session, mention, action, by=by, now=now)


def resolve_locked(
    mention: Mention,
    version: int | None,
    follow_up_in_days: int | None,
    *,
    by: Principal,
    now: datetime,
) -> str:
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
    return "resolved"


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
    return mark_changed(session, mention, "snoozed", by=by, now=now)
