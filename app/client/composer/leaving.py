"""A reply handed to the server, and what became of it (`depart` → `Departure`): the server
holds it for its cool-off (app/client/composer/holding.py) or refuses it.

No reply over a colleague's: the server checks the mention's version. A `409` is re-checked
against the mention itself: if only the rep's own actions moved the version, the reply is sent
against the new one; if a colleague replied or took the mention, it stops as a conflict with the
colleague's reply for the rep to decide. A reply that may have reached the server before the
network failed is retried later with the same `client_id`, which the server de-duplicates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from app.client.composer.cooling import ColleagueReply, CoolingReply
from app.client.composer.policy import SendRefused
from app.client.connection.api import ResponderApi
from app.client.connection.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Offline,
    ServerError,
    Unauthorized,
)
from app.models.enums import ReplyStatus
from app.models.schemas import (
    MAX_COOL_OFF_SECONDS,
    HandoffCreate,
    MentionDetail,
    ReplyCreate,
    ReplyPublic,
)


class Verdict(StrEnum):
    LEFT = "left"  # the server has it (and holds it for its cool-off while `queued`)
    CONFLICT = "conflict"  # a colleague replied or took the mention meanwhile
    FAILED = "failed"  # refused for good: the draft is kept
    OFFLINE = "offline"  # not the reply's fault: it stays due and leaves on reconnect


@dataclass(frozen=True, slots=True)
class Departure:
    """What one attempt to send a reply came to, with what the rep is shown when it stopped."""

    verdict: Verdict
    sent: ReplyPublic | None = None
    detail: str | None = None
    owner: str | None = None
    version: int | None = None
    colleagues: tuple[ColleagueReply, ...] = ()
    code: str | None = None  # the server's refusal code ("needs_approval")


@dataclass
class LeaveReport:
    """What one round of the cool-off (`CoolOff.tick`) did."""

    left: list[tuple[CoolingReply, ReplyPublic]] = field(default_factory=list)
    conflicts: list[CoolingReply] = field(default_factory=list)
    failed: list[CoolingReply] = field(default_factory=list)
    offline: bool = False
    # A due reply waits for an earlier queued action of its mention (the session sends it).
    behind_action: bool = False


async def depart(
    api: ResponderApi,
    reply: CoolingReply,
    user_id: Callable[[], int | None],
    *,
    hold_seconds: int = 0,
) -> Departure:
    """Hand `reply` to the server, asking it to hold the reply `hold_seconds` (the countdown's
    time left; the server holds it at least the team's cool-off). Once more against the new
    version after a 409 that only the rep's own actions caused."""
    request = ReplyCreate(
        client_id=UUID(reply.client_id),
        body=reply.body,
        base_version=reply.base_version,
        force=reply.force,
        cool_off_seconds=min(hold_seconds, MAX_COOL_OFF_SECONDS),
        approval_id=reply.approval_id,
    )
    try:
        try:
            sent = await api.reply(reply.mention_id, request)
        except Conflict as exc:
            rebased = await _recheck(api, reply, exc, user_id)
            if isinstance(rebased, Departure):
                return rebased
            request = request.model_copy(update={"base_version": rebased})
            sent = await api.reply(reply.mention_id, request)
    except (Offline, ServerError, Unauthorized) as exc:
        return Departure(Verdict.OFFLINE, detail=exc.detail)
    except Conflict as exc:  # the rebased send lost a race as well
        return Departure(Verdict.CONFLICT, detail=exc.detail, version=exc.current_version)
    except NotFound as exc:
        return Departure(
            Verdict.FAILED,
            detail="The mention was deleted upstream, so the reply cannot go out. "
            f"Your draft is kept. ({exc.detail})",
        )
    except (BadRequest, Forbidden, ApiError) as exc:
        return Departure(Verdict.FAILED, detail=f"{exc.detail} Your draft is kept.", code=exc.code)
    return Departure(Verdict.LEFT, sent=sent)


async def _recheck(
    api: ResponderApi, reply: CoolingReply, exc: Conflict, user_id: Callable[[], int | None]
) -> int | Departure:
    """A 409: look at the mention. Only the rep's own changes since → the version to send
    against; a colleague's reply or claim → the conflict to stop at."""
    detail: MentionDetail = await api.mention(reply.mention_id)
    return read_changes(
        detail,
        me=user_id(),
        client_id=reply.client_id,
        code=exc.code,
        refusal=exc.detail,
        while_="while yours was waiting",
    )


def read_changes(
    detail: MentionDetail,
    *,
    me: int | None,
    client_id: str,
    code: str | None = "stale_base_version",
    refusal: str = "The mention changed meanwhile.",
    while_: str = "while you were writing",
) -> int | Departure:
    """What moved a mention on since a reply was written against an older version of it:
    only the rep's own changes → the version to send against now; a colleague's reply (queued
    or sent: one that failed for good never reached the customer) or a colleague's claim → the
    conflict to stop at, with their replies. Read when the server refuses a reply as stale, and
    when Send is pressed on a mention that changed since the draft began."""
    colleagues = tuple(
        ColleagueReply(r.author.name, r.body, r.created_at)
        for r in detail.replies
        if r.author.id != me and r.client_id != client_id and r.status is not ReplyStatus.FAILED
    )
    taken = detail.assignee_id not in (None, me)
    if not colleagues and not taken and code == "stale_base_version":
        return detail.version
    owner = detail.assignee.name if detail.assignee is not None and taken else None
    if colleagues:
        who = colleagues[-1].author
        text = f"{who} replied to this customer {while_}."
    elif owner:
        text = f"{owner} has taken this mention {while_}."
    else:
        text = refusal
    return Departure(
        Verdict.CONFLICT, detail=text, owner=owner, version=detail.version, colleagues=colleagues
    )


async def hand_off_unsent(
    api: ResponderApi,
    reply: CoolingReply,
    to_user_id: int | None,
    to_team: str | None,
    note: str,
) -> None:
    """A reply stopped by a conflict, handed off instead: the colleague gets the mention with
    the unsent reply in the handoff's note."""
    if to_user_id is None and to_team is None:
        raise SendRefused("Choose a colleague or a team to hand the mention to.")
    text = note or "Please take over this customer."
    handoff = HandoffCreate(
        mention_id=reply.mention_id,
        to_user_id=to_user_id,
        to_team=to_team,
        note=f"{text}\n\nMy unsent reply:\n{reply.body}"[:4000],
    )
    try:
        await api.create_handoff(handoff)
    except ApiError as exc:
        raise SendRefused(f"The handoff failed: {exc.detail}") from exc
