"""Each network's rules, in one table: its name, its reply length limit and how it counts it,
and what replying there can do. The tone check, the composer and the reply sender all read it,
so a reply the composer shows as fitting is one the sender accepts.

Counting (`reply_length`): Mastodon counts grapheme clusters, every URL as 23 and a mention
`@name@domain` as `@name` (StatusLengthValidator); Bluesky counts 300 graphemes of the text as
posted; X counts 280 weighted characters as twitter-text does (URLs 23, CJK and emoji 2).
Networks without a limit count graphemes, for display only. The counting itself lives in
`app.models.counting`, loaded on the first count.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from app.models.enums import Network


class LengthCounting(StrEnum):
    """How a network counts the length of a post."""

    CHARACTERS = "characters"  # Unicode code points
    GRAPHEMES = "graphemes"  # user-perceived characters (Bluesky)
    MASTODON = "mastodon"  # graphemes, every URL 23, a mention without its @domain
    WEIGHTED = "weighted"  # twitter-text weighting: URLs 23, CJK and emoji 2 (X)


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkRules:
    """What a network is called, how long a reply may be there and what replying can do.

    `length_limit` is None where the network sets none (the length is then shown, never
    refused). `length_unit` names what is counted, for messages. `reply_in_place`: a reply can
    be posted on the network (a feed's posts are answered on the site instead).
    `mentions_author`: a reply starts with the customer's @handle (`addressed_reply`), which the
    network counts like the rest of the text. `stream`: mentions arrive live, not by polling.
    `replies_per_hour`: how many replies one brand account may post there in an hour when
    many go out together (a storm's holding statement is spaced by it); None: no pacing.
    """

    network: Network
    display_name: str
    length_limit: int | None
    length_counting: LengthCounting
    length_unit: str
    reply_in_place: bool
    threaded_reply: bool
    direct_message: bool
    stream: bool
    mentions_author: bool
    replies_per_hour: int | None

    @property
    def reply_spacing_seconds(self) -> float | None:
        """Seconds between two paced replies from one account (None: not paced)."""
        return None if not self.replies_per_hour else 3600.0 / self.replies_per_hour


NETWORK_RULES: Mapping[Network, NetworkRules] = MappingProxyType(
    {
        rules.network: rules
        for rules in (
            NetworkRules(
                network=Network.MASTODON,
                display_name="Mastodon",
                length_limit=500,
                length_counting=LengthCounting.MASTODON,
                length_unit="characters",
                reply_in_place=True,
                threaded_reply=True,
                direct_message=True,
                stream=True,
                mentions_author=True,
                # Mastodon's RateLimiter: 300 statuses per 3 hours per account by default
                # (docs.joinmastodon.org/api/rate-limits; servers may set more or less).
                replies_per_hour=100,
            ),
            NetworkRules(
                network=Network.BLUESKY,
                display_name="Bluesky",
                length_limit=300,
                length_counting=LengthCounting.GRAPHEMES,
                length_unit="graphemes",
                reply_in_place=True,
                threaded_reply=True,
                direct_message=False,
                stream=False,  # no per-account push stream of notifications
                mentions_author=True,
                # Bluesky's PDS: 5,000 points per hour and 35,000 per day per account, a
                # created record costing 3 (docs.bsky.app/docs/advanced-guides/rate-limits):
                # at most 1,666 posts an hour; 1,500 leaves room for the account's other writes.
                replies_per_hour=1500,
            ),
            NetworkRules(
                network=Network.X,
                display_name="X",
                length_limit=280,
                length_counting=LengthCounting.WEIGHTED,
                length_unit="weighted characters",
                reply_in_place=True,
                threaded_reply=True,
                direct_message=True,
                stream=False,
                mentions_author=False,
                # X API v2 POST /2/tweets: 300 per 3-hour window per user (shared with
                # reposts; docs.x.com manage-posts); lower access tiers allow fewer a day,
                # and their 429s are retried after the reset by the reply sender.
                replies_per_hour=100,
            ),
            NetworkRules(
                network=Network.FEED,
                display_name="Feed",
                length_limit=None,
                length_counting=LengthCounting.GRAPHEMES,
                length_unit="characters",
                reply_in_place=False,  # answered on the site: the console opens the link
                threaded_reply=False,
                direct_message=False,
                stream=False,
                mentions_author=False,
                replies_per_hour=None,  # nothing is posted
            ),
            NetworkRules(
                network=Network.WEBHOOK,
                display_name="Webhook",
                length_limit=None,
                length_counting=LengthCounting.GRAPHEMES,
                length_unit="characters",
                reply_in_place=False,  # pushed in through the API: no connector answers it
                threaded_reply=False,
                direct_message=False,
                stream=False,
                mentions_author=False,
                replies_per_hour=None,  # nothing is posted
            ),
            NetworkRules(
                network=Network.DEMO,
                display_name="Demo",
                length_limit=None,  # replies "post" locally, whatever their length
                length_counting=LengthCounting.GRAPHEMES,
                length_unit="characters",
                reply_in_place=True,
                threaded_reply=True,
                direct_message=True,
                stream=True,
                mentions_author=False,
                replies_per_hour=None,  # posted locally: nobody to overwhelm
            ),
        )
    }
)


def rules_for(network: Network | str) -> NetworkRules:
    """The rules of `network` (a `Network` or its value; ValueError for an unknown one)."""
    return NETWORK_RULES[Network(network)]


def addressed_reply(network: Network | str, body: str, handle: str | None) -> str:
    """The text `network` receives for a reply `body` to the customer `handle` (with or
    without its @): trimmed, and where the network threads by mention, the customer's @handle
    in front unless the reply already starts with it."""
    text = body.strip()
    name = (handle or "").strip().lstrip("@")
    if not name or not rules_for(network).mentions_author:
        return text
    mention = f"@{name}"
    if text.lower().startswith(mention.lower()):
        return text
    return f"{mention} {text}"


@dataclass(frozen=True, slots=True)
class ReplyLength:
    """A reply's length as its network counts it, the network's limit (None: no limit) and
    where the text first goes over it."""

    length: int
    limit: int | None
    overflow_start: int | None  # index in the text of the first character over the limit

    @property
    def over(self) -> int:
        return 0 if self.limit is None else max(self.length - self.limit, 0)


def reply_length(text: str, network: Network | str, *, handle: str | None = None) -> ReplyLength:
    """Count a reply the way `network` does.

    Without `handle`, `text` is counted as it stands. With the customer's `handle`, what is
    counted is the reply as the network receives it (`addressed_reply`: trimmed, the handle in
    front where the network wants it); `overflow_start` is still an index in `text` (0 when
    the handle alone is over).
    """
    rules = rules_for(network)
    if handle is None:
        return _count(text, rules.length_counting, rules.length_limit)
    sent = addressed_reply(rules.network, text, handle)
    counted = _count(sent, rules.length_counting, rules.length_limit)
    if counted.overflow_start is None:
        return counted
    prefix = len(sent) - len(text.strip())
    leading = len(text) - len(text.lstrip())
    overflow = counted.overflow_start
    start = 0 if overflow < prefix else overflow - prefix + leading
    return ReplyLength(counted.length, counted.limit, start)


def measure_length(text: str, counting: LengthCounting) -> int:
    """The length of `text` counted as `counting` says."""
    return _count(text, counting, None).length


def _count(text: str, counting: LengthCounting, limit: int | None) -> ReplyLength:
    # twitter-text takes ~0.2 s to import: the table alone stays cheap for the console's start.
    from app.models import counting as how

    counted = how.count(text, counting, sys.maxsize if limit is None else limit)
    return counted if limit is not None else ReplyLength(counted.length, None, None)
