"""What the composer shows, worded: the heading, the brand account, the length counter, the
countdown, a colleague's conflicting reply and the two-copies question — pure functions of the
mention, the text and the waiting reply, which the panel puts on screen as they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.client.composer.cooling import CoolingReply
from app.client.composer.drafts import DraftConflict
from app.client.composer.route import ReplyRoute
from app.client.stream.rows import MentionRow
from app.models.enums import Network
from app.models.networks import reply_length, rules_for

NEAR_LIMIT = 20  # characters left when the counter starts to warn


class CounterLevel(StrEnum):
    """How close the reply is to its network's limit."""

    PLAIN = "plain"  # room to spare, or no limit
    NEAR = "near"  # fewer than NEAR_LIMIT left
    OVER = "over"


@dataclass(frozen=True, slots=True)
class ComposerMessage:
    """The sentence under the reply: what just happened, or why not (`error`)."""

    text: str
    error: bool = False


@dataclass(frozen=True, slots=True)
class Counter:
    text: str
    level: CounterLevel


@dataclass(frozen=True, slots=True)
class Countdown:
    text: str
    send_now_allowed: bool  # not while heat or blame is marked in the text


@dataclass(frozen=True, slots=True)
class ConflictView:
    detail: str
    colleague: str | None  # the colleague's reply, "author: text"


def network_name(network: Network) -> str:
    return rules_for(network).display_name


def initials(name: str) -> str:
    """ "Dana Kim" → "DK"; "dana" → "D"; "dana.kim-2" → "DK" (words, not numbers)."""
    words = name.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:2]


def heading(row: MentionRow | None) -> str:
    if row is None:
        return "Reply"
    handle = row.author_handle.lstrip("@")
    return f"Reply to @{handle} on {network_name(row.network)}"


def account(network: Network, name: str | None) -> str:
    """The brand account the reply goes out as (its name when the server gave it)."""
    where = network_name(network)
    if not name:
        return f"as the brand's {where} account"
    if name.casefold() == where.casefold():  # "as the Demo account", not "as demo on Demo"
        return f"as the {where} account"
    return f"as {name} on {where}"


def reply_route(route: ReplyRoute) -> str:
    """The account line: the brand account that will post the reply, or that none can."""
    if not route.answerable:
        return "not from here: no brand account can post it, answer it on its site"
    return account(route.network, route.account)


def counter(text: str, network: Network, handle: str | None = None) -> Counter:
    """The reply's length as its network counts it (with the customer's `handle` in front
    where the sender puts it), against the network's limit."""
    # An empty box counts nothing: the @handle the sender adds counts once there is a reply.
    counted = reply_length(text, network, handle=handle if text.strip() else None)
    if counted.limit is None:
        return Counter(f"{counted.length} characters", CounterLevel.PLAIN)
    left = counted.limit - counted.length
    if left < 0:
        level = CounterLevel.OVER
    elif left < NEAR_LIMIT:
        level = CounterLevel.NEAR
    else:
        level = CounterLevel.PLAIN
    return Counter(f"{counted.length} / {counted.limit} ({network_name(network)})", level)


def countdown(reply: CoolingReply, now: datetime, *, heated_now: bool) -> Countdown:
    """A counting reply's time left; `heated_now`: heat or blame is marked in the text."""
    remaining = reply.remaining(now)
    if reply.waiting_for_network and remaining <= 0:
        text = "Due — waiting for the connection; it leaves as soon as the server answers."
    else:
        text = f"Sending in {int(remaining + 0.999)} s — you can still edit or cancel."
    if reply.heated:
        text += " (Longer cool-off: heat or blame, or an angry customer.)"
    if reply.notice:
        text += f" {reply.notice}"
    return Countdown(text, send_now_allowed=not heated_now)


def conflict(reply: CoolingReply) -> ConflictView:
    """What stopped a reply: the reason and the colleague's last reply, if any."""
    colleague = reply.colleague_replies[-1] if reply.colleague_replies else None
    return ConflictView(
        reply.detail or "The mention changed meanwhile.",
        f"{colleague.author}: {colleague.body}" if colleague else None,
    )


def draft_question(conflict: DraftConflict) -> str:
    """The question when two workstations changed the same draft."""
    device = conflict.theirs_device or "another workstation"
    return (
        f"This draft was also changed on {device}. Both copies are kept; which one do you "
        f"want?\n\nThe other copy: “{conflict.theirs[:300]}”"
    )
