"""Bulk actions: one action (claim, release, resolve, tag, assign, hand off) on many mentions,
each mention decided and changed by the function its single call uses, so the rules, the
refusals and the events are the single call's, and each mention on its own: a refused one is
left exactly as it was, and so are the others.

- claim, release, resolve, assign, tag: a step locks its mentions in one statement; each is
  decided and changed by the single call's own function for a locked mention
  (services/ownership.py's `*_locked`, claims.py's `claim_locked`, tags.py's `retag_locked`),
  which refuses before it changes anything; the changed mentions' `mention.updated` events
  are written together (`mark_all_changed`): 500 mentions cost a few statements, not 3,500.
- handoff: the single call itself (services/handoffs.py `create`) in a savepoint per
  mention, which a refusal rolls back; `SAVEPOINT_STEP` mentions per step (each costs a
  dozen statements).

The mentions are done in steps (`step_size`), each step a write transaction of its own
(`bulk_step`), so 500 mentions never hold the write lock (all of SQLite's) for long and
colleagues' claims go on between the steps.

What stops the whole request before anything is done (`check_request`): an action the caller
may never do (assign is for managers), a tag without tags, a handoff without exactly one
recipient, or one that does not exist."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.bulk_schemas import (
    BulkAction,
    BulkItemResult,
    BulkOutcome,
    BulkRequest,
    BulkResult,
)
from app.models.schemas import HandoffCreate, MentionPublic, UserRef
from app.models.tables import Mention, Team
from app.server.auth import Principal
from app.server.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
)
from app.server.services import claims, handoffs, ownership, tags
from app.server.services.mention_changes import mark_all_changed
from app.server.services.mentions import get_mention
from app.server.services.users import get_user
from app.server.views import mention_public, user_ref

STEP = 100
"""Mentions per write transaction."""
SAVEPOINT_STEP = 25
"""Mentions per write transaction when each is done by its single call in a savepoint."""

_OUTCOMES: dict[type[DomainError], BulkOutcome] = {
    Conflict: BulkOutcome.CONFLICT,
    Forbidden: BulkOutcome.FORBIDDEN,
    NotFound: BulkOutcome.NOT_FOUND,
    Invalid: BulkOutcome.INVALID,
}

# A single call that refuses because someone else owns the mention says so with this code.
_SOMEONE_ELSES = "not_owner"

MentionCall = Callable[[Session, int, int | None], MentionPublic]
"""One mention's single call: (session, mention id, the version the caller saw or None)."""

LockedChange = Callable[[Mention, int | None], str | None]
"""A single call's decision and change to a locked mention (and the version the caller saw,
or None); returns the action its event records (None: nothing to change), or raises the
single call's refusal."""


def step_size(action: BulkAction) -> int:
    return SAVEPOINT_STEP if action is BulkAction.HANDOFF else STEP


def unique_ids(ids: Sequence[int]) -> list[int]:
    """The request's ids in its order, each once."""
    return list(dict.fromkeys(ids))


def check_request(session: Session, request: BulkRequest, *, by: Principal) -> None:
    """Refuse, before anything is done, a request whose every mention would be refused for
    the same reason (the role, a missing or unknown recipient)."""
    is_manager = by.role is not None and by.role.is_manager
    if request.action is BulkAction.ASSIGN:
        if not is_manager:
            raise Forbidden("Only a manager or an admin can assign mentions.", code="role")
        if request.user_id is not None:
            get_user(session, request.user_id)
    if request.action is BulkAction.TAG and not request.tags:
        raise Invalid("Give the tags to add ('tags').")
    if request.action is BulkAction.HANDOFF:
        team = (request.to_team or "").strip()
        if (request.to_user_id is None) == (not team):
            raise Invalid("Give exactly one of 'to_user_id' or 'to_team'.")
        if request.to_user_id is not None:
            get_user(session, request.to_user_id)
            if request.to_user_id == by.user_id:
                raise Invalid("You cannot hand a mention to yourself.")
        elif session.scalar(select(func.count()).select_from(Team).where(Team.name == team)) == 0:
            raise NotFound(f"No team named {team!r}.")


def _locked_change(
    session: Session, request: BulkRequest, *, by: Principal, now: datetime
) -> LockedChange | None:
    """The single call's decision and change for a locked mention, for the actions that have
    one (services/ownership.py's `*_locked`, services/claims.py's `claim_locked`)."""
    action = request.action
    if action is BulkAction.CLAIM:
        # Without the version the caller saw: the mention as it is now (the check still
        # refuses one someone else holds).
        return lambda m, v: claims.claim_locked(m, m.version if v is None else v, by=by, now=now)
    if action is BulkAction.RELEASE:
        return lambda m, v: ownership.release_locked(m, v, by=by)
    if action is BulkAction.RESOLVE:
        days = request.follow_up_in_days
        return lambda m, v: ownership.resolve_locked(m, v, days, by=by, now=now)
    if action is BulkAction.ASSIGN:
        target = get_user(session, request.user_id) if request.user_id is not None else None
        return lambda m, v: ownership.assign_locked(m, target, v, by=by)
    if action is BulkAction.TAG:
        wanted = tags.cleaned_tags(request.tags or [])
        # Tags are added whatever the version: they undo nobody's change.
        return lambda m, _v: tags.retag_locked(session, m, wanted, by=by, keep=True)
    return None


def _single_call(request: BulkRequest, *, by: Principal, now: datetime) -> MentionCall:
    """The single call of the actions done one mention at a time (each in a savepoint)."""
    if request.action is BulkAction.HANDOFF:

        def hand_off(session: Session, mention_id: int, version: int | None) -> MentionPublic:
            mention = get_mention(session, mention_id, for_update=True)
            if version is not None and version != mention.version:  # as release checks it
                owner = user_ref(mention.assignee) if mention.assignee is not None else None
                raise Conflict(
                    f"The mention changed meanwhile (now version {mention.version}, "
                    f"{mention.status.value}); reload and try again.",
                    code="stale_version",
                    current_owner=owner,
                    current_version=mention.version,
                    current_status=mention.status,
                )
            handoffs.create(
                session,
                HandoffCreate(
                    mention_id=mention_id,
                    to_user_id=request.to_user_id,
                    to_team=request.to_team,
                    note=request.note,
                ),
                by=by,
                now=now,
            )
            return mention_public(mention)

        return hand_off
    raise Invalid(f"Unknown action {request.action!r}.")  # pragma: no cover - the enum


def _refused(mention_id: int, error: DomainError) -> BulkItemResult:
    outcome = next(
        (o for kind, o in _OUTCOMES.items() if isinstance(error, kind)), BulkOutcome.INVALID
    )
    return BulkItemResult(
        mention_id=mention_id,
        ok=False,
        code=outcome,
        reason=error.code,
        message=error.detail,
        current_owner=error.current_owner,
        current_status=error.current_status,
    )


def bulk_step(
    session: Session,
    request: BulkRequest,
    mention_ids: Sequence[int],
    *,
    by: Principal,
    now: datetime,
) -> list[BulkItemResult]:
    """Do the action to each of `mention_ids` in this transaction, each on its own; one
    result per mention, in order. A refused mention carries the mention as it is now."""
    change = _locked_change(session, request, by=by, now=now)
    if change is not None:
        return _locked_step(session, request, mention_ids, change, by=by, now=now)
    call = _single_call(request, by=by, now=now)
    versions = request.versions or {}
    results: list[BulkItemResult] = []
    for mention_id in mention_ids:
        try:
            with session.begin_nested():  # a refusal undoes whatever the call had begun
                changed = call(session, mention_id, versions.get(mention_id))
        except DomainError as error:
            results.append(_refused(mention_id, error))
            continue
        results.append(BulkItemResult(mention_id=mention_id, ok=True, mention=changed))
    _describe_refused(session, results)
    return results


def _locked_step(
    session: Session,
    request: BulkRequest,
    mention_ids: Sequence[int],
    change: LockedChange,
    *,
    by: Principal,
    now: datetime,
) -> list[BulkItemResult]:
    """Lock the step's mentions in one statement (in id order, as every bulk step does, so
    two never wait on each other crosswise), decide and change each with the single call's
    function — which refuses before it changes anything, so a refused mention is left as it
    was — then record the changed mentions' events together."""
    mentions = {
        m.id: m
        for m in session.scalars(
            select(Mention)
            .where(Mention.id.in_(list(mention_ids)))
            .order_by(Mention.id)
            .with_for_update(of=Mention)
            .execution_options(populate_existing=True)
        ).unique()
    }
    versions = request.versions or {}
    results: dict[int, BulkItemResult] = {}
    changed: list[tuple[Mention, str]] = []
    for mention_id in mention_ids:
        mention = mentions.get(mention_id)
        if mention is None:
            missing = NotFound(f"No mention with id {mention_id}.")
            results[mention_id] = _refused(mention_id, missing)
            continue
        try:
            action = change(mention, versions.get(mention_id))
        except DomainError as error:
            refused = _refused(mention_id, error)
            refused.mention = mention_public(mention)
            refused.current_owner = (
                user_ref(mention.assignee) if mention.assignee is not None else None
            )
            refused.current_status = mention.status
            results[mention_id] = refused
            continue
        if action is None:
            results[mention_id] = BulkItemResult(
                mention_id=mention_id, ok=True, mention=mention_public(mention)
            )
        else:
            changed.append((mention, action))
    claimer = UserRef(id=by.user_id, name=by.name) if by.user_id is not None else None
    publics = mark_all_changed(
        session,
        changed,
        by=by,
        now=now,
        bump=request.action is not BulkAction.CLAIM,  # the claim's compare-and-set bumped it
        owner=claimer if request.action is BulkAction.CLAIM else None,
    )
    for (mention, _action), public in zip(changed, publics, strict=True):
        results[mention.id] = BulkItemResult(mention_id=mention.id, ok=True, mention=public)
    return [results[i] for i in mention_ids]


def _describe_refused(session: Session, results: list[BulkItemResult]) -> None:
    """Give each refused result the mention as it is now and its owner (one read for all)."""
    refused = {r.mention_id: r for r in results if not r.ok}
    if not refused:
        return
    rows = session.scalars(
        select(Mention)
        .where(Mention.id.in_(list(refused)))
        .execution_options(populate_existing=True)
    ).unique()
    for mention in rows:
        result = refused[mention.id]
        result.mention = mention_public(mention)
        result.current_owner = user_ref(mention.assignee) if mention.assignee is not None else None
        result.current_status = mention.status


def busy_results(mention_ids: Sequence[int], message: str) -> list[BulkItemResult]:
    """The results of mentions a step could not try (the database was busy or away)."""
    return [
        BulkItemResult(
            mention_id=i, ok=False, code=BulkOutcome.BUSY, reason="busy", message=message
        )
        for i in mention_ids
    ]


def is_conflict(result: BulkItemResult) -> bool:
    """Left as it was because of a colleague or a change meanwhile."""
    return result.code is BulkOutcome.CONFLICT or (
        result.code is BulkOutcome.FORBIDDEN
        and result.reason == _SOMEONE_ELSES
        and result.current_owner is not None
    )


def sum_up(action: BulkAction, results: list[BulkItemResult]) -> BulkResult:
    succeeded = sum(1 for r in results if r.ok)
    conflicted = sum(1 for r in results if not r.ok and is_conflict(r))
    return BulkResult(
        action=action,
        results=results,
        succeeded=succeeded,
        conflicted=conflicted,
        failed=len(results) - succeeded - conflicted,
    )
