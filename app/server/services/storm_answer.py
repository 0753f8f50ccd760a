"""Answering a storm together: claiming its open mentions (for the caller, for one person, or
round-robin over a team's members on duty), sending a holding statement as one personalised
reply to each of its open mentions, and the statement's progress.

Every change goes through the path a single change takes, so the rules and events are the
same: a claim is services/claims.py's compare-and-set (`mention.updated` per mention; a
mention a colleague holds is skipped with its owner), a reply is services/replies.py's
`queue_reply` (cool-off hold, idempotency on `client_id`, refusal when no brand account can
post it). One `storm.updated` ("claimed" or "statement") tells everyone about the storm.

The statement's replies:
- `{name}` is personalised by app/models/holding_statement.py (the console previews with it);
- a reply over its network's length (app/models/networks.py counts) is refused for that
  mention, with the reason, and the others go;
- each reply's `client_id` is derived from the storm, the mention and the statement's text
  (`statement_client_id`), so the same request again creates nothing twice; its first four
  bytes are the storm id, which is how `storm_progress` finds the storm's replies;
- replies to one network are spaced by that network's `replies_per_hour` (NetworkRules; a
  server may set its own pace per network): each reply's `next_attempt_at` is the later of its
  cool-off and its slot, slots following the network's latest queued reply. The reply sender
  (app/server/workers/sender.py) sends nothing before `next_attempt_at`.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol, TypeVar
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType, MentionStatus, Network, ReplyStatus
from app.models.holding_statement import NAME, personalise
from app.models.networks import reply_length, rules_for
from app.models.schemas import BroadcastCreate, ReplyCreate
from app.models.storm_schemas import (
    StormClaim,
    StormClaimResult,
    StormProgress,
    StormPublic,
    StormReply,
    StormReplyResult,
    StormSkipped,
)
from app.models.storm_tables import Storm
from app.models.tables import Broadcast, Mention, Reply, Team, TeamMember, User
from app.server.auth import USER_TOKEN, Principal
from app.server.db import Database
from app.server.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from app.server.event_log import record_event
from app.server.services import broadcasts
from app.server.services.claims import claim
from app.server.services.cool_off import reply_hold_until
from app.server.services.ownership import assign
from app.server.services.replies import queue_reply
from app.server.services.storms import get_storm, storm_mention_ids, storm_public
from app.server.services.users import get_user
from app.server.views import user_ref

# Replies that will still go out (or are going): a mention with one waits for it.
_PENDING = (ReplyStatus.QUEUED, ReplyStatus.SENDING)
# What a broadcast shows where the replies say the customer's name.
_NAME_IN_BROADCAST = "[the customer's name]"
_BROADCAST_MAX = 4000
_CHUNK = 500  # ids per IN (...) list
_Item = TypeVar("_Item")
_T = TypeVar("_T")
# Mentions claimed or replies queued per write transaction (`*_in_steps`).
STEP = 100
GONE_REASON = "The mention is gone."


class Steps(Protocol):
    """Runs one piece of the work in a write transaction and returns what it returned."""

    def __call__(self, work: Callable[[Session], _T], /) -> _T: ...


def _in(session: Session) -> Steps:
    """Every step in the caller's one transaction."""

    def run(work: Callable[[Session], _T], /) -> _T:
        return work(session)

    return run


def _steps(db: Database) -> Steps:
    """Each step in a write transaction of its own."""

    def run(work: Callable[[Session], _T], /) -> _T:
        with db.write() as session:
            return work(session)

    return run


# --- reasons a mention is left out ------------------------------------------------------------


def _owner_reason(owner: User | None) -> str:
    return f"{owner.name if owner else 'A colleague'} has this mention."


def _closed_reason(status: MentionStatus) -> str | None:
    if status is MentionStatus.REPLIED:
        return "Already answered."
    if status is MentionStatus.RESOLVED:
        return "Already resolved."
    return None


PENDING_REASON = "A reply to this mention is already waiting to go out."


def _skip(mention: Mention, reason: str) -> StormSkipped:
    owner = user_ref(mention.assignee) if mention.assignee is not None else None
    return StormSkipped(id=mention.id, owner=owner, reason=reason)


# --- reading ----------------------------------------------------------------------------------


def _chunks(items: Sequence[_Item], size: int = _CHUNK) -> Iterable[Sequence[_Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _mentions(session: Session, ids: Sequence[int]) -> list[Mention]:
    """The mentions, oldest first (first come, first answered)."""
    rows: list[Mention] = []
    for chunk in _chunks(ids):
        rows.extend(session.scalars(select(Mention).where(Mention.id.in_(chunk))).unique())
    return sorted(rows, key=lambda m: (m.created_at, m.id))


def _locked_storm(session: Session, storm_id: int) -> Storm:
    """The storm, its row locked for this transaction: two statements or claims for one storm
    take their turns (on SQLite every write transaction does anyway)."""
    get_storm(session, storm_id)
    storm = session.scalar(
        select(Storm)
        .where(Storm.id == storm_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert storm is not None
    return storm


def _announce(session: Session, storm: Storm, change: str, *, by: Principal, now: datetime) -> None:
    session.flush()
    public = storm_public(session, storm)
    record_event(
        session,
        EventType.STORM_UPDATED,
        {"storm": public.model_dump(mode="json"), "change": change},
        at=now,
        actor_id=by.user_id,
    )


# --- claiming ---------------------------------------------------------------------------------


def _principal(user: User) -> Principal:
    return Principal(kind=USER_TOKEN, name=user.name, user_id=user.id, role=user.role)


def _team_by_name(session: Session, name: str) -> Team:
    wanted = name.strip()
    team = session.scalar(select(Team).where(func.lower(Team.name) == wanted.lower()))
    if team is None:
        raise NotFound(f"No team named {wanted!r}.")
    return team


def on_duty_members(session: Session, team: Team) -> list[User]:
    """The team's active members on duty, the least loaded first (fewest open mentions they
    hold), then by name: the order a team claim deals the storm's mentions in."""
    members = session.scalars(
        select(User)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == team.id, User.active.is_(True), User.duty == Duty.ON_DUTY)
    ).all()
    if not members:
        return []
    rows = session.execute(
        select(Mention.assignee_id, func.count())
        .where(
            Mention.assignee_id.in_([u.id for u in members]),
            Mention.status.in_((MentionStatus.ASSIGNED, MentionStatus.HANDOFF)),
        )
        .group_by(Mention.assignee_id)
    )
    load = {user_id: int(count) for user_id, count in rows if user_id is not None}
    return sorted(members, key=lambda u: (load.get(u.id, 0), u.name.lower(), u.id))


def _claimers(
    session: Session, request: StormClaim, *, by: Principal
) -> tuple[list[User], int | None, str | None]:
    """Who the mentions go to (round-robin over the list), and what the storm records: the
    person it is claimed for, or the team."""
    assert by.user_id is not None
    is_manager = by.role is not None and by.role.is_manager
    if request.user_id is not None and request.team is not None:
        raise Invalid("Claim a storm for a person (user_id) or a team, not both.")
    if (request.user_id not in (None, by.user_id) or request.team is not None) and not is_manager:
        raise Forbidden(
            "Only a manager or an admin can claim a storm for someone else.", code="role"
        )
    if request.team is not None:
        if not request.team.strip():
            raise Invalid("Name the team to claim the storm for, or leave team out.")
        team = _team_by_name(session, request.team)
        members = on_duty_members(session, team)
        if not members:
            raise Conflict(
                f"Nobody in {team.name} is on duty: put someone on duty, or claim the storm "
                "for a person.",
                code="nobody_on_duty",
            )
        return members, None, team.name
    user = get_user(session, request.user_id if request.user_id is not None else by.user_id)
    if not user.active:
        raise Invalid(f"{user.name} is deactivated; claim the storm for someone else.")
    return [user], user.id, None


def claim_storm(
    session: Session, storm_id: int, request: StormClaim, *, by: Principal, now: datetime
) -> StormClaimResult:
    """`claim_storm_in_steps` in one transaction (the caller's)."""
    return _claim_storm(_in(session), storm_id, request, by=by, now=now)


def claim_storm_in_steps(
    db: Database, storm_id: int, request: StormClaim, *, by: Principal, now: datetime
) -> StormClaimResult:
    """Every open mention of the storm (or of `request.group_id`) nobody holds, for the caller,
    for `request.user_id` or dealt round-robin over `request.team`'s members on duty. A
    mention already the claimer's counts as claimed; one a colleague holds, or already
    answered, is skipped with the reason. `STEP` mentions per write transaction: a storm of
    thousands never holds the write lock (all of SQLite's) for long."""
    return _claim_storm(_steps(db), storm_id, request, by=by, now=now)


def _claim_storm(
    steps: Steps, storm_id: int, request: StormClaim, *, by: Principal, now: datetime
) -> StormClaimResult:
    def prepare(session: Session) -> tuple[list[Principal], int | None, str | None, list[int]]:
        _locked_storm(session, storm_id)
        claimers, claimed_by_id, claimed_team = _claimers(session, request, by=by)
        ids = storm_mention_ids(session, storm_id, request.group_id)
        return [_principal(u) for u in claimers], claimed_by_id, claimed_team, ids

    claimers, claimed_by_id, claimed_team, ids = steps(prepare)
    claimer_ids = {c.user_id for c in claimers}
    turn = itertools.cycle(claimers)
    claimed: list[int] = []
    skipped: list[StormSkipped] = []

    def take(session: Session, part: Sequence[int]) -> bool:
        changed = False
        for mention in _mentions(session, part):
            closed = _closed_reason(mention.status)
            if closed is not None:
                skipped.append(_skip(mention, closed))
                continue
            if mention.assignee_id is not None:
                if len(claimers) == 1 and mention.assignee_id in claimer_ids:
                    claimed.append(mention.id)  # already theirs: nothing to change
                else:
                    skipped.append(_skip(mention, _owner_reason(mention.assignee)))
                continue
            taker = next(turn)
            try:
                if taker.user_id == by.user_id:
                    claim(session, mention.id, mention.version, by=by, now=now)
                else:  # a manager gives it: the history says who gave it to whom
                    assert taker.user_id is not None
                    assign(session, mention.id, taker.user_id, mention.version, by=by, now=now)
            except Conflict as lost:  # taken meanwhile: the single claim's refusal, kept
                skipped.append(
                    StormSkipped(id=mention.id, owner=lost.current_owner, reason=lost.detail)
                )
                continue
            claimed.append(mention.id)
            changed = True
        return changed

    changed = False
    for part in _chunks(ids, STEP):
        changed = steps(partial(take, part=part)) or changed

    def finish(session: Session) -> StormPublic:
        storm = _locked_storm(session, storm_id)
        announce = changed
        if (storm.claimed_by_id, storm.claimed_team) != (claimed_by_id, claimed_team):
            storm.claimed_by_id = claimed_by_id
            storm.claimed_team = claimed_team
            storm.updated_at = now
            announce = True
        if announce:
            _announce(session, storm, "claimed", by=by, now=now)
        return storm_public(session, storm)

    return StormClaimResult(storm=steps(finish), claimed=claimed, skipped=skipped)


# --- the holding statement --------------------------------------------------------------------


def statement_client_id(storm_id: int, mention_id: int, text: str) -> UUID:
    """The idempotency key of the statement `text`'s reply to one mention of a storm: the
    same storm, mention and text give the same key. A UUID of version 8 (RFC 9562: laid out by
    its maker) whose first four bytes are the storm id; the rest is a hash."""
    text_hash = hashlib.sha256(text.encode()).hexdigest()
    digest = hashlib.sha256(f"storm {storm_id} mention {mention_id} {text_hash}".encode()).digest()
    raw = bytearray(storm_id.to_bytes(4, "big") + digest[:12])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC variant
    return UUID(bytes=bytes(raw))


def _client_id_pattern(storm_id: int) -> str:
    """A LIKE pattern matching the client ids of a storm's statement replies, and no random
    (version 4) UUID."""
    return f"{storm_id:08x}-____-8%"


@dataclass(frozen=True, slots=True)
class _Planned:
    """A reply the statement will queue: to whom, what, its key and its earliest departure
    (None: as soon as its cool-off allows)."""

    mention_id: int
    network: Network
    body: str
    client_id: UUID
    not_before: datetime | None = None


def reply_pace(network: Network, paces: Mapping[Network, int] | None = None) -> timedelta | None:
    """The spacing of paced replies to `network`: this server's own pace for it when set,
    else the network's published one (NetworkRules.replies_per_hour); None: not paced."""
    per_hour = (paces or {}).get(network, rules_for(network).replies_per_hour)
    return timedelta(seconds=3600 / per_hour) if per_hour else None


def _latest_queued(session: Session, network: Network) -> datetime | None:
    """When the last reply queued for `network` is due: new paced replies follow it."""
    latest: datetime | None = session.scalar(
        select(func.max(Reply.next_attempt_at))
        .join(Mention, Mention.id == Reply.mention_id)
        .where(Reply.status == ReplyStatus.QUEUED, Mention.network == network)
    )
    return latest


def _with_slots(
    session: Session,
    planned: Sequence[_Planned],
    *,
    hold: datetime,
    paces: Mapping[Network, int] | None,
) -> list[_Planned]:
    """The planned replies with their earliest departures: per network, one every spacing
    from the later of the cool-off (`hold`) and the network's last queued reply."""
    by_network: dict[Network, list[_Planned]] = defaultdict(list)
    for item in planned:
        by_network[item.network].append(item)
    slots: dict[int, datetime] = {}
    for network, items in by_network.items():
        spacing = reply_pace(network, paces)
        if spacing is None:
            continue
        latest = _latest_queued(session, network)
        first = hold if latest is None else max(hold, latest + spacing)
        for index, item in enumerate(items):
            slots[item.mention_id] = first + spacing * index
    return [replace(item, not_before=slots.get(item.mention_id)) for item in planned]


def _too_long(mention: Mention, body: str) -> str | None:
    rules = rules_for(mention.network)
    if rules.length_limit is None:
        return None
    counted = reply_length(body, mention.network, handle=mention.author_handle)
    if counted.length <= rules.length_limit:
        return None
    return (
        f"The statement for this customer is {counted.length} {rules.length_unit} long as "
        f"{rules.display_name} counts them; {rules.display_name} allows {rules.length_limit}."
    )


def _existing_replies(session: Session, client_ids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(client_ids):
        rows = session.execute(select(Reply.client_id, Reply.id).where(Reply.client_id.in_(chunk)))
        found.update((str(client_id), int(reply_id)) for client_id, reply_id in rows)
    return found


def _pending(session: Session, mention_ids: Sequence[int]) -> set[int]:
    waiting: set[int] = set()
    for chunk in _chunks(mention_ids):
        waiting.update(
            session.scalars(
                select(Reply.mention_id).where(
                    Reply.mention_id.in_(chunk), Reply.status.in_(_PENDING)
                )
            )
        )
    return waiting


def _broadcast_text(storm: Storm, text: str, team: str | None) -> str:
    who = f"team {team}" if team else "everyone"
    head = f"Storm {storm.id} — the holding statement we are sending (for {who}): "
    body = text.replace(NAME, _NAME_IN_BROADCAST)
    return (head + body)[:_BROADCAST_MAX]


def _broadcast(
    session: Session, storm: Storm, text: str, *, by: Principal, now: datetime
) -> int | None:
    """The statement to every console, once: the same statement broadcast before by the same
    person is not sent again (a retried request), its broadcast is returned. Broadcasts are
    managers' (as POST /broadcasts): a rep's statement goes without one."""
    if by.role is None or not by.role.is_manager:
        return None
    message = _broadcast_text(storm, text, storm.claimed_team)
    earlier = session.scalar(
        select(Broadcast.id)
        .where(Broadcast.author_id == by.user_id, Broadcast.text == message)
        .order_by(Broadcast.id.desc())
        .limit(1)
    )
    if earlier is not None:
        return int(earlier)
    return broadcasts.send(session, BroadcastCreate(text=message), by=by, now=now).id


def reply_to_storm(
    session: Session,
    storm_id: int,
    request: StormReply,
    *,
    by: Principal,
    now: datetime,
    paces: Mapping[Network, int] | None = None,
) -> StormReplyResult:
    """`reply_to_storm_in_steps` in one transaction (the caller's)."""
    return _reply_to_storm(_in(session), storm_id, request, by=by, now=now, paces=paces)


def reply_to_storm_in_steps(
    db: Database,
    storm_id: int,
    request: StormReply,
    *,
    by: Principal,
    now: datetime,
    paces: Mapping[Network, int] | None = None,
) -> StormReplyResult:
    """The statement as one reply to each open mention of the storm (or group) that is the
    caller's or nobody's. `paces`: this server's replies per hour per network, where it sets
    its own (else the networks' published ones). Planned in one transaction (who gets a
    reply, when each may leave), queued `STEP` replies per transaction — each mention checked
    again as it is queued — then the storm's statement and broadcast."""
    return _reply_to_storm(_steps(db), storm_id, request, by=by, now=now, paces=paces)


def _reason(mention: Mention, by: Principal, waiting: set[int]) -> str | None:
    """Why the statement does not go to this mention now, or None."""
    reason = _closed_reason(mention.status)
    if reason is None and mention.assignee_id not in (None, by.user_id):
        reason = _owner_reason(mention.assignee)
    if reason is None and mention.id in waiting:
        reason = PENDING_REASON
    return reason


def _reply_to_storm(
    steps: Steps,
    storm_id: int,
    request: StormReply,
    *,
    by: Principal,
    now: datetime,
    paces: Mapping[Network, int] | None,
) -> StormReplyResult:
    assert by.user_id is not None
    text = request.text.strip()
    if not text:
        raise Invalid("The holding statement is empty; write what the customers should read.")
    replies: list[int] = []
    skipped: list[StormSkipped] = []

    def plan(session: Session) -> list[_Planned]:
        _locked_storm(session, storm_id)
        mentions = _mentions(session, storm_mention_ids(session, storm_id, request.group_id))
        keys = {m.id: statement_client_id(storm_id, m.id, text) for m in mentions}
        existing = _existing_replies(session, [str(k) for k in keys.values()])
        waiting = _pending(session, [m.id for m in mentions])
        planned: list[_Planned] = []
        for mention in mentions:
            earlier = existing.get(str(keys[mention.id]))
            if earlier is not None:  # this statement's reply, queued by an earlier request
                replies.append(earlier)
                continue
            body = personalise(text, mention.author_display_name, mention.author_handle)
            reason = _reason(mention, by, waiting) or _too_long(mention, body)
            if reason is not None:
                skipped.append(_skip(mention, reason))
                continue
            planned.append(_Planned(mention.id, Network(mention.network), body, keys[mention.id]))
        hold = reply_hold_until(session, by=by, requested_seconds=None, since=now)
        return _with_slots(session, planned, hold=hold, paces=paces)

    def queue(session: Session, part: Sequence[_Planned]) -> bool:
        fresh = {m.id: m for m in _mentions(session, [p.mention_id for p in part])}
        existing = _existing_replies(session, [str(p.client_id) for p in part])
        waiting = _pending(session, list(fresh))
        created = False
        for item in part:
            earlier = existing.get(str(item.client_id))
            if earlier is not None:  # a concurrent retry queued it meanwhile
                replies.append(earlier)
                continue
            mention = fresh.get(item.mention_id)
            if mention is None:
                skipped.append(StormSkipped(id=item.mention_id, owner=None, reason=GONE_REASON))
                continue
            reason = _reason(mention, by, waiting)
            if reason is not None:
                skipped.append(_skip(mention, reason))
                continue
            one = ReplyCreate(
                client_id=item.client_id, body=item.body, base_version=mention.version
            )
            try:
                reply, new = queue_reply(
                    session, mention.id, one, by=by, now=now, not_before=item.not_before
                )
            except DomainError as refused:  # e.g. no brand account can answer it: told
                skipped.append(_skip(mention, refused.detail))
                continue
            replies.append(reply.id)
            created = created or new
        return created

    created = False
    for part in _chunks(steps(plan), STEP):
        created = steps(partial(queue, part=part)) or created

    def finish(session: Session) -> tuple[StormPublic, int | None]:
        storm = _locked_storm(session, storm_id)
        broadcast_id = (
            _broadcast(session, storm, text, by=by, now=now) if request.broadcast else None
        )
        if created or storm.statement != text:
            storm.statement = text
            storm.updated_at = now
            _announce(session, storm, "statement", by=by, now=now)
        return storm_public(session, storm), broadcast_id

    public, broadcast_id = steps(finish)
    return StormReplyResult(
        storm=public, replies=replies, skipped=skipped, broadcast_id=broadcast_id
    )


# --- progress ---------------------------------------------------------------------------------


def storm_progress(session: Session, storm_id: int) -> StormProgress:
    """The storm's statement replies by status (`failed` counts those stopped because a
    colleague took or resolved the mention meanwhile; replies taken back are left out) and
    when the next one is due."""
    get_storm(session, storm_id)
    pattern = _client_id_pattern(storm_id)
    rows = session.execute(
        select(Reply.status, func.count())
        .where(Reply.client_id.like(pattern))
        .group_by(Reply.status)
    )
    counts = {ReplyStatus(status): int(count) for status, count in rows}
    next_at = session.scalar(
        select(func.min(Reply.next_attempt_at)).where(
            Reply.client_id.like(pattern), Reply.status == ReplyStatus.QUEUED
        )
    )
    queued = counts.get(ReplyStatus.QUEUED, 0)
    sending = counts.get(ReplyStatus.SENDING, 0)
    sent = counts.get(ReplyStatus.SENT, 0)
    failed = counts.get(ReplyStatus.FAILED, 0) + counts.get(ReplyStatus.STOPPED, 0)
    return StormProgress(
        storm_id=storm_id,
        total=queued + sending + sent + failed,
        queued=queued,
        sending=sending,
        sent=sent,
        failed=failed,
        next_at=next_at,
    )
