"""The one `Connector` protocol every network module implements, the value types it trades in
(incoming mentions, reply requests, posted replies, capabilities) and the typed errors the
server acts on (back off, mark the account's error state, fail the reply with a reason).

How the server drives a connector (invariant 6, "no mention lost"):

    result = await connector.fetch_mentions(account.cursor)
    for incoming in result.mentions:          # oldest first
        store(incoming.mention, raw=incoming.reply_ref)
    account.cursor = result.next_cursor       # same transaction as the stored mentions

or, live:

    async for incoming in connector.stream_mentions(account.cursor):
        store(incoming.mention, raw=incoming.reply_ref)
        account.cursor = incoming.cursor      # same transaction

A cursor is checkpointed only after what came before it is stored; replaying from an older
cursor only produces duplicates, which the server drops on `(network, external_id)`.

An item that cannot be a mention even after fitting (`app.connectors.fitting`) comes as a
`Quarantined` instead: the server keeps it for an admin and moves the cursor on, so one bad
item never stops an account's ingest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol, TypeAlias, runtime_checkable
from urllib.parse import quote

from app.models.enums import Network
from app.models.networks import NetworkRules, reply_length, rules_for
from app.models.schemas import MentionCreate

Visibility = Literal["public", "unlisted", "private", "direct"]

# Narrowest last: a reply may never be wider than the post it answers.
VISIBILITY_ORDER: tuple[Visibility, ...] = ("public", "unlisted", "private", "direct")


def parse_visibility(value: object) -> Visibility | None:
    """`value` as a visibility, or None when it is not one."""
    for known in VISIBILITY_ORDER:
        if value == known:
            return known
    return None


def narrowest_visibility(*choices: Visibility | None) -> Visibility:
    """The narrowest of the given visibilities (`public` when none is given)."""
    known = [c for c in choices if c is not None]
    if not known:
        return "public"
    return max(known, key=VISIBILITY_ORDER.index)


Capabilities: TypeAlias = NetworkRules
"""What a connector's network lets the brand do: its row of the network table
(`app.models.networks`); the console and the reply sender read these."""


@dataclass(frozen=True)
class IncomingMention:
    """One mention as a connector produced it.

    `mention` is exactly what the server stores (the webhook's `MentionCreate`). `reply_ref`
    holds the network's raw references needed to answer it later (author account id, Bluesky
    strong refs, the original visibility); the server keeps it in `mentions.raw` and passes it
    back in `ReplyRequest.reply_ref`. `cursor` is the checkpoint to save once this mention
    (and everything before it) is stored; `None` means "do not move the cursor".
    """

    mention: MentionCreate
    reply_ref: Mapping[str, str] = field(default_factory=dict)
    cursor: str | None = None

    @property
    def external_id(self) -> str:
        return self.mention.external_id


@dataclass(frozen=True)
class Quarantined:
    """An item the network sent that cannot be a mention even after fitting it to the schema
    (`app.connectors.fitting`): the server keeps it in quarantine with `reason` (a sentence)
    and `raw` (the item as the network sent it) for an admin, and ingest moves on past it.
    `cursor` as in `IncomingMention`."""

    network: Network
    external_id: str
    reason: str
    raw: Mapping[str, Any] = field(default_factory=dict)
    cursor: str | None = None


Incoming: TypeAlias = IncomingMention | Quarantined
"""What a connector's stream yields: a mention to store, or an item for the quarantine."""


@dataclass(frozen=True)
class FetchResult:
    """A page of new mentions, oldest first, and the cursor to save after storing them all.
    `quarantined`: the page's items that cannot be mentions (see `page_in_order`)."""

    mentions: list[IncomingMention]
    next_cursor: str | None
    # True when the network has more right away (call again without waiting).
    more: bool = False
    quarantined: list[Quarantined] = field(default_factory=list)


def page_in_order(result: FetchResult) -> list[Incoming]:
    """A page as the server stores it, each item with the cursor safe to save once it is
    stored: the quarantined items first (they move no cursor, unless the page has nothing else:
    then the last one carries the page's cursor), then the mentions, the last one carrying the
    page's cursor (everything before it is stored by then)."""
    items: list[Incoming] = []
    for index, item in enumerate(result.quarantined):
        last = index == len(result.quarantined) - 1 and not result.mentions
        items.append(replace(item, cursor=result.next_cursor if last else None))
    for index, incoming in enumerate(result.mentions):
        last = index == len(result.mentions) - 1
        cursor = result.next_cursor if last else incoming.cursor
        items.append(IncomingMention(incoming.mention, incoming.reply_ref, cursor))
    return items


@dataclass(frozen=True)
class ReplyRequest:
    """A reply to post as the brand.

    `client_id` is the console's idempotency key: passed to the network where it has one
    (Mastodon `Idempotency-Key`, a deterministic Bluesky record key); the same `client_id`
    twice posts once. `in_reply_to_external_id` is the mention's `external_id`.
    `author_handle` is the customer's handle (kept at the front of the reply where the
    network threads by mention). `visibility` is the customer's post visibility as stored;
    connectors re-read it from the network where they can and never post wider.

    `is_retry`: set it when an earlier attempt for this `client_id` may have reached the
    network (the sender crashed while "sending", or the failure was `ambiguous`). The
    connector then looks for that earlier reply (the brand's reply to the same post with the
    same text) and returns it instead of posting again — needed where the network has no
    idempotency key (X) or forgets it (Mastodon keeps `Idempotency-Key` for about an hour).
    """

    client_id: str
    body: str
    in_reply_to_external_id: str
    author_handle: str | None = None
    visibility: Visibility | None = None
    reply_ref: Mapping[str, str] = field(default_factory=dict)
    is_retry: bool = False


@dataclass(frozen=True)
class PostedReply:
    """What the network answered: the reply's id and a link a person can open."""

    external_id: str
    url: str | None
    visibility: Visibility | None = None


@dataclass(frozen=True)
class AccountIdentity:
    """Who the brand account is on the network (checked when an account is added)."""

    account_id: str
    handle: str
    display_name: str = ""


# --- errors ----------------------------------------------------------------------------------


class ConnectorError(Exception):
    """Base of every connector failure. `message` is a sentence a person can read."""

    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(ConnectorError):
    """The network asked us to slow down; retry after `retry_after` seconds."""

    retryable = True

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = max(0.0, retry_after)


class TransientError(ConnectorError):
    """5xx, timeouts, dropped connections, truncated or malformed JSON: try again later.

    `ambiguous` is True when a non-idempotent write may have reached the network before the
    failure (the reply may exist); the sender must not blindly repost then.
    """

    retryable = True

    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


class AuthError(ConnectorError):
    """The brand account's credentials were refused (expired, revoked, wrong password).
    The account goes into an error state until an admin fixes its secret."""


class NotFound(ConnectorError):
    """The post is gone (deleted by its author, or never existed)."""


class PermanentError(ConnectorError):
    """The network refused the request for good (text rejected, too long, duplicate, bad
    configuration, a feed that is not RSS/Atom). Retrying the same thing will not help."""


class ReplyNotSupported(PermanentError):
    """The source cannot be replied to in place (feeds); open the mention's link instead."""


# --- the protocol ----------------------------------------------------------------------------


StatusListener = Callable[["ConnectorError | None"], None]
"""Told about trouble a live stream rides out by itself (rate limits, 5xx, a dropped stream:
the error) and about recovery (`None`), so the server can show the account's state."""


@runtime_checkable
class Connector(Protocol):
    """One brand account on one network.

    `on_status` may be set by the server (see `StatusListener`); errors that end an operation
    are raised, never only reported there.
    """

    on_status: StatusListener | None

    @property
    def network(self) -> Network: ...

    @property
    def capabilities(self) -> Capabilities: ...

    async def verify(self) -> AccountIdentity:
        """Check the credentials and say who the brand account is (raises AuthError)."""
        ...

    async def fetch_mentions(self, cursor: str | None) -> FetchResult:
        """New mentions after `cursor` (the first call, with `None`, backfills a little)."""
        ...

    def stream_mentions(self, cursor: str | None) -> AsyncIterator[Incoming]:
        """Mentions (and items for the quarantine) after `cursor`, live, forever: catches up
        first, then streams, reconnects and catches up again after a drop, falls back to
        polling where the network cannot stream. Raises AuthError / PermanentError when it
        cannot go on."""
        ...

    async def fetch_thread(self, external_id: str) -> list[IncomingMention]:
        """The conversation around a post, oldest first, the post itself included."""
        ...

    async def post_reply(self, request: ReplyRequest) -> PostedReply:
        """Post a reply as the brand (idempotent on `request.client_id` where possible)."""
        ...

    async def aclose(self) -> None:
        """Release the HTTP connections."""
        ...


def in_path(external_id: str) -> str:
    """A post id as one segment of a URL path: every character that could end the segment or
    climb out of it (`/`, `.`, `?`, `#`, `%`) is percent-encoded, whatever the id holds."""
    return quote(external_id, safe="").replace(".", "%2E")


def check_reply_length(text: str, network: Network) -> None:
    """Raise PermanentError when `text`, exactly as the network receives it (see
    `app.models.networks.addressed_reply`), is over the network's limit."""
    counted = reply_length(text, network)
    if counted.limit is None or counted.length <= counted.limit:
        return
    rules = rules_for(network)
    raise PermanentError(
        f"The reply is {counted.length} {rules.length_unit} long as {rules.display_name} "
        f"counts them; {rules.display_name} allows {counted.limit}."
    )


async def poll_mentions(
    fetch: Callable[[str | None], Awaitable[FetchResult]],
    cursor: str | None,
    *,
    interval: float,
    sleep: Callable[[float], Awaitable[None]],
    max_backoff: float = 300.0,
    on_status: StatusListener | None = None,
) -> AsyncIterator[Incoming]:
    """`stream_mentions` for networks that cannot stream: poll `fetch` every `interval`
    seconds. Rate limits wait their asked delay, transient failures back off; auth and
    permanent errors end the iteration (the account needs a person)."""
    backoff = interval
    troubled = False
    while True:
        try:
            result = await fetch(cursor)
        except RateLimited as exc:
            troubled = True
            report(on_status, exc)
            await sleep(max(exc.retry_after, interval))
            continue
        except TransientError as exc:
            troubled = True
            report(on_status, exc)
            backoff = min(backoff * 2, max_backoff)
            await sleep(backoff)
            continue
        if troubled:
            troubled = False
            report(on_status, None)
        backoff = interval
        for item in page_in_order(result):
            yield item
        cursor = result.next_cursor
        if not result.more:
            await sleep(interval)


def report(listener: StatusListener | None, error: ConnectorError | None) -> None:
    """Tell the listener (if any); a listener's own failure never breaks ingest."""
    if listener is None:
        return
    try:
        listener(error)
    except Exception:  # the listener is the caller's code: log it, keep ingesting
        import logging

        logging.getLogger(__name__).exception("connector status listener failed")
