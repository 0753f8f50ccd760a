"""Replies: queueing a rep's reply (idempotent on client_id, refused over a colleague's, refused
at once when no connected brand account can post it), and the seam the reply sender
(app/server/workers/sender.py) uses to move a reply through sending → sent|failed.

A mention becomes `replied` only when the network took a reply (`mark_reply_sent`). Queueing
a reply assigns the mention to its author if nobody had it and moves its version on (so a
colleague's reply written against the older version is refused as stale), but a queued,
sending or failed reply leaves the mention's status as it was.

The sender calls, each in its own write transaction:
  `next_queued_replies(session, now)`  → replies due for an attempt (status queued);
  `mark_reply_sending(session, reply_id, now)`  before it talks to the network;
  `mark_reply_sent(session, reply_id, external_id=…, external_url=…, now=…)` or
  `mark_reply_failed(session, reply_id, error=…, retry_at=… | None, now=…)` after.
Every transition records `reply.updated` with the reply and the mention.

A new reply is held for its cool-off (`next_attempt_at`, services/cool_off.py); while it waits,
its author can change, cancel or hurry it (services/reply_hold.py). A rep's reply that
promises beyond their authority needs a manager's approval when their team requires it
(services/approvals.py `require_approval`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus, ReplyStatus
from app.models.schemas import MentionPublic, ReplyCreate, ReplyPublic
from app.models.tables import Event, Mention, Reply, User
from app.server.auth import Principal
from app.server.errors import Conflict, Invalid, NotFound
from app.server.event_log import record_event
from app.server.services.accounts import reply_route
from app.server.services.approvals import require_approval
from app.server.services.cool_off import reply_hold_until
from app.server.services.mentions import get_mention
from app.server.services.response_targets import first_answer
from app.server.views import mention_public, reply_public, user_ref


def _existing(session: Session, client_id: str) -> Reply | None:
    return session.scalar(select(Reply).where(Reply.client_id == client_id))


def reply_view(session: Session, reply: Reply, now: datetime | None = None) -> ReplyPublic:
    author = session.get(User, reply.author_id)
    assert author is not None
    return reply_public(reply, author, now=now)


def queue_reply(
    session: Session,
    mention_id: int,
    request: ReplyCreate,
    *,
    by: Principal,
    now: datetime,
    not_before: datetime | None = None,
) -> tuple[ReplyPublic, bool]:
    """Queue a reply; returns (reply, created). The same client_id again returns the same reply.
    `not_before`: the reply leaves no earlier than this either (a storm statement's pacing),
    nor before its cool-off, whichever is later."""
    assert by.user_id is not None
    client_id = str(request.client_id)
    existing = _existing(session, client_id)
    if existing is not None:
        if existing.mention_id != mention_id:
            raise Conflict(
                "This client_id was already used for a reply to another mention.",
                code="client_id_reused",
            )
        return reply_view(session, existing, now), False
    mention = get_mention(session, mention_id, for_update=True)
    route = reply_route(session, mention)
    if route.account is None:
        # Refused now, not after the cool-off by the sender: no account could post it.
        raise Invalid(
            route.problem or "This mention cannot be answered from here.", code=route.code
        )
    is_manager = by.role is not None and by.role.is_manager
    if mention.assignee_id not in (None, by.user_id) and not is_manager:
        owner = mention.assignee
        raise Conflict(
            f"{owner.name if owner else 'Someone else'} has this mention; "
            "claim it before replying.",
            code="not_owner",
            current_owner=user_ref(owner) if owner else None,
            current_version=mention.version,
        )
    if mention.version != request.base_version and not request.force:
        _refuse_over_a_resolve(session, mention, by)
        owner = mention.assignee
        raise Conflict(
            f"The mention changed since you started writing (version {request.base_version} → "
            f"{mention.version}); check the thread, then send again with force to reply anyway.",
            code="stale_base_version",
            current_owner=user_ref(owner) if owner else None,
            current_version=mention.version,
            current_status=mention.status,
        )
    require_approval(
        session, mention_id=mention.id, body=request.body, approval_id=request.approval_id, by=by
    )
    reply = Reply(
        client_id=client_id,
        mention_id=mention.id,
        author_id=by.user_id,
        account_id=route.account.id,
        body=request.body,
        base_version=request.base_version,
        status=ReplyStatus.QUEUED,
        attempts=0,
        # The cool-off is held here, not only in the console: a reply posted by any client
        # waits at least the author's team cool-off from now.
        next_attempt_at=max(
            reply_hold_until(session, by=by, requested_seconds=request.cool_off_seconds, since=now),
            not_before or now,
        ),
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(reply)
    except IntegrityError:
        # The same client_id raced in from a retry: return the stored one.
        again = _existing(session, client_id)
        if again is None:
            raise
        return reply_view(session, again, now), False
    if mention.assignee_id is None:
        mention.assignee_id = by.user_id
    if mention.status in (MentionStatus.NEW, MentionStatus.SNOOZED):
        # Someone is answering it now; it becomes `replied` when the network takes the reply.
        mention.status = MentionStatus.ASSIGNED
    mention.snoozed_until = None
    mention.version += 1
    mention.updated_at = now
    session.flush()
    session.refresh(mention, ["assignee"])
    public = reply_view(session, reply, now)
    record_reply_change(session, public, mention_public(mention), by=by, now=now)
    return public, True


def _last_resolve(session: Session, mention_id: int) -> Event | None:
    """The mention's latest `resolved` change (its event)."""
    events = session.scalars(
        select(Event)
        .where(Event.mention_id == mention_id, Event.type == EventType.MENTION_UPDATED.value)
        .order_by(Event.id.desc())
        .limit(200)
    )
    for event in events:
        if event.payload.get("action") == "resolved":
            return event
    return None


def _resolver(session: Session, mention_id: int) -> int | None:
    """Who resolved the mention last (the actor of its latest `resolved` change)."""
    event = _last_resolve(session, mention_id)
    return event.actor_id if event is not None else None


def _refuse_over_a_resolve(session: Session, mention: Mention, by: Principal) -> None:
    """A reply written before someone else resolved the mention waits for the rep to confirm
    (`force`): the colleague closed the case on purpose. Confirmed, it goes out and the
    mention stays resolved (`mark_reply_sent`). The rep's own resolve asks nothing: replying,
    then resolving while the reply cools off, is the usual way to finish."""
    if mention.status is not MentionStatus.RESOLVED:
        return
    resolver = _resolver(session, mention.id)
    if resolver == by.user_id:
        return
    who = session.get(User, resolver) if resolver is not None else None
    raise Conflict(
        f"{who.name if who else 'Someone'} resolved this mention after you began this reply. "
        "Send it anyway (force) to reply all the same; the mention stays resolved.",
        code="resolved_meanwhile",
        current_owner=user_ref(mention.assignee) if mention.assignee else None,
        current_version=mention.version,
        current_status=mention.status,
    )


def record_reply_change(
    session: Session,
    reply: ReplyPublic,
    mention: MentionPublic,
    *,
    by: Principal | None,
    now: datetime,
) -> None:
    record_event(
        session,
        EventType.REPLY_UPDATED,
        {"reply": reply.model_dump(mode="json"), "mention": mention.model_dump(mode="json")},
        at=now,
        mention_id=mention.id,
        actor_id=by.user_id if by is not None else None,
    )


# --- the sender's seam -----------------------------------------------------------------------


def next_queued_replies(session: Session, now: datetime, limit: int = 20) -> Sequence[Reply]:
    """Replies due for a send attempt, oldest first (locked on PostgreSQL, skipped if taken)."""
    return session.scalars(
        select(Reply)
        .where(
            Reply.status == ReplyStatus.QUEUED,
            or_(Reply.next_attempt_at.is_(None), Reply.next_attempt_at <= now),
        )
        .order_by(Reply.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def _transition(
    session: Session, reply_id: int, status: ReplyStatus, now: datetime, **changes: object
) -> ReplyPublic:
    reply = session.scalar(select(Reply).where(Reply.id == reply_id).with_for_update())
    if reply is None:
        raise NotFound(f"No reply with id {reply_id}.")
    reply.status = status
    reply.updated_at = now
    for name, value in changes.items():
        setattr(reply, name, value)
    session.flush()
    mention = get_mention(session, reply.mention_id)
    public = reply_view(session, reply, now)
    record_reply_change(session, public, mention_public(mention), by=None, now=now)
    return public


def locked_reply(session: Session, reply_id: int) -> Reply:
    """The reply, locked for this transaction and read afresh (not from the session's cache):
    whoever holds it decides its fate; the other side sees what it decided."""
    reply = session.scalar(
        select(Reply)
        .where(Reply.id == reply_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if reply is None:
        raise NotFound(f"No reply with id {reply_id}.")
    return reply


def mark_reply_sending(session: Session, reply_id: int, now: datetime) -> ReplyPublic:
    """The sender takes the reply. Refused (`Conflict`) when it is no longer queued or
    sending: cancelled by its author meanwhile (cancel and the sender race for the row lock;
    exactly one wins), or already sent or failed. A reply a colleague's resolve or claim
    overtook while it was held is `stopped` instead (recorded; its author decides)."""
    reply = locked_reply(session, reply_id)
    if reply.status not in (ReplyStatus.QUEUED, ReplyStatus.SENDING):
        raise Conflict(
            f"Reply {reply_id} is {reply.status.value}; it is not sent.",
            code=f"reply_{reply.status.value}",
        )
    change = None if reply.attempts else changed_while_held(session, reply)
    if change is not None:
        _transition(session, reply_id, ReplyStatus.STOPPED, now, error=change, next_attempt_at=None)
        raise Conflict(change, code="reply_stopped")
    return _transition(session, reply_id, ReplyStatus.SENDING, now, attempts=reply.attempts + 1)


def changed_while_held(session: Session, reply: Reply) -> str | None:
    """Why a reply held for its cool-off must not leave now, or None: a colleague took its
    mention, or resolved it, after the reply was queued. The same rule as a late reply's
    refusal (invariant 3: no reply over a colleague's change without its author's word)."""
    mention = get_mention(session, reply.mention_id)
    author = session.get(User, reply.author_id)
    if mention.assignee_id not in (None, reply.author_id) and not (
        author is not None and author.role.is_manager
    ):
        owner = mention.assignee
        return (
            f"{owner.name if owner else 'A colleague'} took this mention while your reply "
            "waited, so it was not sent. Send it anyway to reply all the same."
        )
    if mention.status is not MentionStatus.RESOLVED:
        return None
    resolve = _last_resolve(session, mention.id)
    if resolve is None or resolve.actor_id in (None, reply.author_id):
        return None
    if resolve.created_at <= reply.created_at:
        return None  # resolved before the reply was queued: that reply was confirmed (force)
    who = session.get(User, resolve.actor_id)
    return (
        f"{who.name if who else 'Someone'} resolved this mention while your reply waited, so "
        "it was not sent. Send it anyway to reply all the same; the mention stays resolved."
    )


def mark_reply_sent(
    session: Session,
    reply_id: int,
    *,
    external_id: str,
    external_url: str | None,
    now: datetime,
) -> ReplyPublic:
    """The network took the reply: the reply is `sent` and its mention `replied` (unless it
    already was, or was resolved meanwhile), both told in the one `reply.updated` event."""
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(f"No reply with id {reply_id}.")
    mention = session.get(Mention, reply.mention_id)
    if mention is not None and mention.status not in (
        MentionStatus.REPLIED,
        MentionStatus.RESOLVED,
    ):
        mention.status = MentionStatus.REPLIED
        mention.version += 1
        mention.updated_at = now
        session.flush()
    if mention is not None:
        first_answer(mention, now)  # its response-time clock stops
    return _transition(
        session,
        reply_id,
        ReplyStatus.SENT,
        now,
        external_id=external_id,
        external_url=external_url,
        sent_at=now,
        error=None,
    )


def mark_reply_failed(
    session: Session, reply_id: int, *, error: str, retry_at: datetime | None, now: datetime
) -> ReplyPublic:
    """A failed attempt: back to queued with `retry_at`, or failed for good when None."""
    status = ReplyStatus.QUEUED if retry_at is not None else ReplyStatus.FAILED
    return _transition(session, reply_id, status, now, error=error, next_attempt_at=retry_at)
