"""A reply the team server holds for its cool-off, as the console sees it.

Send hands the reply to the server at once (`leaving.depart`, with the countdown's time left as
`cool_off_seconds`); the server holds it at least the team's cool-off from its arrival and
answers with its `due_at`. From then on the server's due time is the countdown's truth: the
console counts down to it on its own clock (`local_due`, from `due_in_seconds`, so a console
whose clock is off still counts right), and edit, cancel and send now are asks to the server
(`ask`), which answers with the reply as it now is — or says it has already left."""

from __future__ import annotations

import math
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.client.connection.errors import (
    ApiError,
    Conflict,
    NotFound,
    Offline,
    ServerError,
    Unauthorized,
)
from app.models.enums import ReplyStatus
from app.models.schemas import ReplyPublic

MOVED_TOLERANCE = timedelta(seconds=1)  # what the network's round trip may add


class HeldFate(StrEnum):
    HELD = "held"  # the server still holds it: `reply` is its copy
    LEFT = "left"  # the sender took it: it is the network's now
    CANCELLED = "cancelled"  # taken back (here, on another console, or by a manager)
    STOPPED = "stopped"  # a colleague resolved or took the mention while it waited: not sent
    OFFLINE = "offline"  # the server could not be asked: nothing changed
    REFUSED = "refused"  # the server said no for another reason (`detail`)


@dataclass(frozen=True, slots=True)
class HeldAnswer:
    fate: HeldFate
    reply: ReplyPublic | None = None
    detail: str | None = None


def answer_of(reply: ReplyPublic) -> HeldAnswer:
    """What the server's copy of a reply says about it."""
    if reply.status is ReplyStatus.QUEUED:
        return HeldAnswer(HeldFate.HELD, reply)
    if reply.status is ReplyStatus.CANCELLED:
        return HeldAnswer(HeldFate.CANCELLED, reply)
    if reply.status is ReplyStatus.STOPPED:
        return HeldAnswer(HeldFate.STOPPED, reply, reply.error)
    return HeldAnswer(HeldFate.LEFT, reply)


async def ask(call: Awaitable[ReplyPublic]) -> HeldAnswer:
    """Ask the server to change a reply it holds; its answer as a `HeldAnswer`."""
    try:
        reply = await call
    except Conflict as exc:
        fates = {"reply_cancelled": HeldFate.CANCELLED, "reply_stopped": HeldFate.STOPPED}
        return HeldAnswer(fates.get(exc.code or "", HeldFate.LEFT), detail=exc.detail)
    except NotFound as exc:  # the mention (and its replies) was deleted upstream
        return HeldAnswer(HeldFate.CANCELLED, detail=exc.detail)
    except (Offline, ServerError, Unauthorized) as exc:
        return HeldAnswer(HeldFate.OFFLINE, detail=exc.detail)
    except ApiError as exc:
        return HeldAnswer(HeldFate.REFUSED, detail=exc.detail)
    return answer_of(reply)


def hold_seconds(due_at: datetime, now: datetime) -> int:
    """The countdown's time left, in whole seconds (rounded up: never shorter than shown)."""
    return max(math.ceil((due_at - now).total_seconds()), 0)


def local_due(reply: ReplyPublic, now: datetime) -> datetime:
    """The server's due time on this console's clock (`now`: when its answer came)."""
    return now + timedelta(seconds=reply.due_in_seconds or 0.0)


def clock_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


def moved_notice(asked: datetime, due: datetime) -> str | None:
    """A sentence when the server holds the reply later than the console asked (it arrived
    late, after time offline, or the team's cool-off grew); None when it did not move."""
    if due - asked <= MOVED_TOLERANCE:
        return None
    return (
        "The team server holds each reply for the team's cool-off from when it arrives, "
        f"so this one now leaves at {clock_time(due)}."
    )


def held_until_notice(due: datetime, now: datetime) -> str | None:
    """After send now: the sentence when the team's cool-off still holds the reply."""
    if due - now <= MOVED_TOLERANCE:
        return None
    return (
        f"The team's cool-off holds every reply for a while after it reaches the server: "
        f"this one leaves at {clock_time(due)}, not sooner."
    )


def refusal(answer: HeldAnswer, verb: str, due: datetime) -> str:
    """The sentence when the server did not `verb` (edit, cancel, send) a reply it held."""
    if answer.fate is HeldFate.OFFLINE:
        return (
            "The team server holds this reply and cannot be reached, so nothing was changed: "
            f"it leaves at {clock_time(due)} unless you {verb} it once the connection is back."
        )
    if answer.fate is HeldFate.CANCELLED:
        return (
            "This reply was cancelled on the team server (on another console or by a "
            "manager); it will not be sent. Your text is still here."
        )
    if answer.fate is HeldFate.LEFT:
        return f"Too late to {verb} it: the reply has already left."
    if answer.fate is HeldFate.STOPPED:
        return answer.detail or "A colleague changed the mention while your reply waited."
    return answer.detail or f"The team server would not {verb} this reply."


def followed_due(local: datetime, before: ReplyPublic, after: ReplyPublic) -> datetime:
    """A held reply's countdown after the server moved its due time (news from an event: the
    move is applied, not the event's `due_in_seconds`, which ages while events wait)."""
    if before.due_at is None or after.due_at is None:
        return local
    return local + (after.due_at - before.due_at)
