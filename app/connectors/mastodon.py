"""Mastodon connector (any server speaking the Mastodon API).

Mentions come from `GET /api/v1/notifications?types[]=mention`, paged forward with `min_id`
(the cursor is the newest notification id stored). Live mentions come from the streaming API
(`GET /api/v1/streaming/user/notification`, server-sent events read with httpx-sse); after every
(re)connect the connector polls once to close the gap, and where streaming is unavailable it
polls on an interval. Replies go to `POST /api/v1/statuses` with `in_reply_to_id`, the
customer's handle at the front, a visibility never wider than the customer's post, and the
reply's client id as `Idempotency-Key`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import SSEError, aconnect_sse

from app.connectors.base import (
    AccountIdentity,
    AuthError,
    ConnectorError,
    FetchResult,
    Incoming,
    IncomingMention,
    PostedReply,
    Quarantined,
    RateLimited,
    ReplyRequest,
    StatusListener,
    TransientError,
    check_reply_length,
    in_path,
    narrowest_visibility,
    page_in_order,
    parse_visibility,
    report,
)
from app.connectors.fitting import fit_mention, incoming_or_quarantined
from app.connectors.http import HttpSession, default_error
from app.connectors.text import html_to_text
from app.models.enums import Network
from app.models.networks import addressed_reply, rules_for
from app.models.schemas import MentionCreate


def id_key(value: str) -> tuple[int, str]:
    """Order Mastodon ids (numeric strings of varying length) without overflow surprises."""
    return (len(value), value) if value.isdigit() else (0, value)


def newer(a: str, b: str | None) -> bool:
    """Whether id `a` is after id `b`."""
    return b is None or id_key(a) > id_key(b)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def status_text(status: Mapping[str, Any]) -> str:
    """The post as plain text; a content warning stays visible in front of it."""
    text = html_to_text(str(status.get("content") or ""))
    spoiler = str(status.get("spoiler_text") or "").strip()
    if spoiler:
        text = f"CW: {spoiler}\n\n{text}"
    media = status.get("media_attachments") or []
    if isinstance(media, list):
        for item in media:
            if isinstance(item, dict):
                kind = str(item.get("type") or "media")
                description = str(item.get("description") or "").strip()
                text += f"\n[{kind}{': ' + description if description else ''}]"
    return text.strip()


class MastodonConnector:
    """One brand account on a Mastodon-API server."""

    network = Network.MASTODON
    capabilities = rules_for(Network.MASTODON)

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        http: HttpSession | None = None,
        streaming_base_url: str | None = None,
        poll_interval: float = 30.0,
        reconnect_initial: float = 1.0,
        reconnect_max: float = 60.0,
        stream_read_timeout: float = 90.0,
        stream_retry_polls: int = 10,
        backfill: int = 40,
        page_size: int = 40,
        max_pages: int = 10,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = access_token
        self.http = http or HttpSession()
        self.streaming_base_url = (streaming_base_url or self.base_url).rstrip("/")
        self.poll_interval = poll_interval
        self.reconnect_initial = reconnect_initial
        self.reconnect_max = reconnect_max
        self.stream_read_timeout = stream_read_timeout
        self.stream_retry_polls = stream_retry_polls
        self.backfill = backfill
        self.page_size = page_size
        self.max_pages = max_pages
        self.instance_host = urlsplit(self.base_url).netloc
        self.on_status: StatusListener | None = None
        self.account_id: str | None = None

    # --- plumbing ----------------------------------------------------------------------------

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _map_error(self, response: httpx.Response, what: str) -> ConnectorError | None:
        # Mastodon answers 403 for a suspended/disabled login: the account needs a person.
        if response.status_code == 403 and "login" in response.text.lower():
            return AuthError(f"{what}: the brand account's login is disabled on the server.")
        return None

    async def _get_json(self, path: str, what: str, **params: Any) -> Any:
        return await self.http.request_json(
            "GET",
            self._url(path),
            what=what,
            headers=self._auth,
            params=params or None,
            error_mapper=self._map_error,
        )

    # --- identity ----------------------------------------------------------------------------

    async def verify(self) -> AccountIdentity:
        data = await self._get_json("/api/v1/accounts/verify_credentials", "Checking the account")
        self.account_id = str(data["id"])
        return AccountIdentity(
            account_id=str(data["id"]),
            handle="@" + str(data.get("acct") or data.get("username")),
            display_name=str(data.get("display_name") or ""),
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- mentions ----------------------------------------------------------------------------

    def _handle(self, account: Mapping[str, Any]) -> str:
        acct = str(account.get("acct") or account.get("username") or "unknown")
        return "@" + acct

    def incoming_from_status(
        self, status: Mapping[str, Any], cursor: str | None = None
    ) -> IncomingMention | Quarantined:
        """The status as a mention fitted to the schema, or the item for the quarantine."""
        account = status.get("account") or {}
        if not isinstance(account, dict):
            account = {}
        visibility = parse_visibility(status.get("visibility"))
        external_id = str(status.get("id") or "")

        def build() -> MentionCreate:
            return fit_mention(
                network=Network.MASTODON,
                external_id=external_id,
                handle=self._handle(account),
                display_name=str(account.get("display_name") or ""),
                author_url=account.get("url"),
                followers=account.get("followers_count"),
                text=status_text(status),
                url=status.get("url") or status.get("uri"),
                created_at=_parse_time(status.get("created_at")),
                language=status.get("language"),
                in_reply_to_external_id=(
                    str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None
                ),
                visibility=visibility,
            )

        reply_ref = {
            "author_account_id": str(account.get("id") or ""),
            "author_acct": str(account.get("acct") or ""),
            "visibility": visibility or "",
        }
        return incoming_or_quarantined(
            Network.MASTODON,
            status,
            build,
            external_id=external_id,
            reply_ref=reply_ref,
            cursor=cursor,
        )

    def _from_notification(
        self, notification: Mapping[str, Any]
    ) -> IncomingMention | Quarantined | None:
        status = notification.get("status")
        if notification.get("type") != "mention" or not isinstance(status, dict):
            return None  # a mention whose status was deleted meanwhile: nothing to store
        return self.incoming_from_status(status, cursor=str(notification["id"]))

    async def _notifications(self, **params: Any) -> list[dict[str, Any]]:
        data = await self._get_json(
            "/api/v1/notifications",
            "Fetching mentions",
            **{"types[]": "mention", "limit": self.page_size, **params},
        )
        if not isinstance(data, list):
            raise TransientError("Fetching mentions: the server sent something that is not a list.")
        items = [n for n in data if isinstance(n, dict) and "id" in n]
        items.sort(key=lambda n: id_key(str(n["id"])))
        return items

    async def fetch_mentions(self, cursor: str | None) -> FetchResult:
        """New mentions after `cursor`, oldest first (first call: the newest `backfill`)."""
        mentions: list[IncomingMention] = []
        quarantined: list[Quarantined] = []

        def take(items: list[dict[str, Any]]) -> None:
            for item in items:
                incoming = self._from_notification(item)
                if isinstance(incoming, IncomingMention):
                    mentions.append(incoming)
                elif incoming is not None:
                    quarantined.append(incoming)

        if cursor is None:
            items = await self._notifications(limit=self.backfill)
            take(items)
            # An account with no mentions yet starts from the beginning ("0"), so a burst
            # before the next call is read in full instead of backfilled.
            next_cursor = str(items[-1]["id"]) if items else "0"
            return FetchResult(mentions, next_cursor, quarantined=quarantined)
        next_cursor = cursor
        for _ in range(self.max_pages):
            items = await self._notifications(min_id=next_cursor)
            items = [n for n in items if newer(str(n["id"]), next_cursor)]
            if not items:
                return FetchResult(mentions, next_cursor, quarantined=quarantined)
            take(items)
            next_cursor = str(items[-1]["id"])
        return FetchResult(mentions, next_cursor, more=True, quarantined=quarantined)

    async def stream_mentions(self, cursor: str | None) -> AsyncIterator[Incoming]:
        """Catch up, then stream; reconnect (catching up again) after any drop; poll where
        the server cannot stream. Auth and permanent errors end the iteration."""
        delay = self.reconnect_initial
        can_stream = True
        polls = 0
        troubled = False
        while True:
            try:
                if not can_stream:
                    async for incoming in self._catch_up(cursor):
                        cursor = incoming.cursor or cursor
                        yield incoming
                    if troubled:
                        troubled = False
                        report(self.on_status, None)
                    delay = self.reconnect_initial
                    polls += 1
                    if polls >= self.stream_retry_polls:
                        can_stream, polls = True, 0  # streaming may be back: try it again
                    await self.http.rate_control.sleep(self.poll_interval)
                    continue
                async with self._open_stream() as events:
                    # Subscribed: anything posted from now on arrives on the stream; poll once
                    # for what arrived before (or while we were away).
                    async for incoming in self._catch_up(cursor):
                        cursor = incoming.cursor or cursor
                        yield incoming
                    delay = self.reconnect_initial
                    if troubled:
                        troubled = False
                        report(self.on_status, None)
                    async for sse in events.aiter_sse():
                        live = self._from_event(sse.event, sse.data, cursor)
                        if live is not None:
                            cursor = live.cursor or cursor
                            yield live
                # The server closed the stream cleanly (restart, deploy): reconnect.
                await self.http.rate_control.sleep(delay)
                delay = min(delay * 2, self.reconnect_max)
            except _StreamUnavailable:
                can_stream, polls = False, 0
            except (TransientError, RateLimited) as exc:
                troubled = True
                report(self.on_status, exc)
                wait = exc.retry_after if isinstance(exc, RateLimited) else delay
                await self.http.rate_control.sleep(wait)
                delay = min(delay * 2, self.reconnect_max)
            except (httpx.TransportError, SSEError) as exc:
                troubled = True
                report(self.on_status, TransientError(f"The live stream dropped ({exc!r})."))
                await self.http.rate_control.sleep(delay)
                delay = min(delay * 2, self.reconnect_max)

    def _from_event(self, event: str, data: str, cursor: str | None) -> Incoming | None:
        """A mention from one server-sent event, or None (other events, old or garbled ones:
        the next catch-up poll recovers anything garbled)."""
        if event != "notification":
            return None
        try:
            notification = json.loads(data)
        except ValueError:
            return None
        if not isinstance(notification, dict) or "id" not in notification:
            return None
        if not newer(str(notification["id"]), cursor):
            return None
        return self._from_notification(notification)

    async def _catch_up(self, cursor: str | None) -> AsyncIterator[Incoming]:
        while True:
            result = await self.fetch_mentions(cursor)
            for incoming in page_in_order(result):
                yield incoming
            cursor = result.next_cursor
            if not result.more:
                return

    @contextlib.asynccontextmanager
    async def _open_stream(self) -> AsyncIterator[Any]:
        url = f"{self.streaming_base_url}/api/v1/streaming/user/notification"
        timeout = httpx.Timeout(self.http.timeout.connect or 10.0, read=self.stream_read_timeout)
        host = self.http.host_of(url)
        await self.http.rate_control.acquire(host, self.http.retry.max_inline_wait)
        try:
            async with aconnect_sse(
                self.http.client, "GET", url, headers=self._auth, timeout=timeout
            ) as events:
                response = events.response
                if response.status_code in (404, 405, 501):
                    raise _StreamUnavailable()
                if not response.is_success:
                    await response.aread()
                    error = self._map_error(response, "Streaming mentions")
                    if error is None:
                        error = default_error(
                            response, "Streaming mentions", self.http.rate_control.clock()
                        )
                    if isinstance(error, RateLimited):
                        self.http.rate_control.hold_off(host, error.retry_after, exact=True)
                    raise error
                content_type = response.headers.get("content-type", "")
                if "text/event-stream" not in content_type:
                    raise _StreamUnavailable()
                yield events
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise TransientError(f"Streaming mentions: could not connect ({exc!r}).") from exc

    # --- threads and replies -----------------------------------------------------------------

    async def fetch_status(self, status_id: str) -> dict[str, Any]:
        data = await self._get_json(f"/api/v1/statuses/{in_path(status_id)}", "Reading the post")
        if not isinstance(data, dict) or "id" not in data:
            raise TransientError("Reading the post: the server sent an unexpected answer.")
        return data

    async def fetch_thread(self, external_id: str) -> list[IncomingMention]:
        status = await self.fetch_status(external_id)
        context = await self._get_json(
            f"/api/v1/statuses/{in_path(external_id)}/context", "Reading the conversation"
        )
        if not isinstance(context, dict):
            raise TransientError("Reading the conversation: unexpected answer.")
        ancestors = [s for s in context.get("ancestors") or [] if isinstance(s, dict)]
        descendants = [s for s in context.get("descendants") or [] if isinstance(s, dict)]
        thread = [self.incoming_from_status(s) for s in [*ancestors, status, *descendants]]
        return [item for item in thread if isinstance(item, IncomingMention)]

    async def _earlier_reply(self, parent_id: str, body: str) -> PostedReply | None:
        """The brand's reply to `parent_id` with this text, if an earlier attempt landed."""
        if self.account_id is None:
            await self.verify()
        context = await self._get_json(
            f"/api/v1/statuses/{in_path(parent_id)}/context", "Checking for an earlier attempt"
        )
        for status in (context or {}).get("descendants") or []:
            if not isinstance(status, dict):
                continue
            account = status.get("account") or {}
            if (
                str(account.get("id")) == self.account_id
                and str(status.get("in_reply_to_id")) == parent_id
                and _same_text(status_text(status), body)
            ):
                return PostedReply(
                    external_id=str(status["id"]),
                    url=str(status.get("url") or status.get("uri") or "") or None,
                    visibility=parse_visibility(status.get("visibility")),
                )
        return None

    async def post_reply(self, request: ReplyRequest) -> PostedReply:
        # Read the customer's post now: it may be deleted (NotFound) and its visibility and
        # author are the truth, whatever was stored.
        parent = await self.fetch_status(request.in_reply_to_external_id)
        account = parent.get("account") or {}
        acct = str(account.get("acct") or "") or (request.author_handle or "").lstrip("@")
        visibility = narrowest_visibility(
            parse_visibility(parent.get("visibility")), request.visibility
        )
        body = addressed_reply(self.network, request.body, acct)
        check_reply_length(body, self.network)
        if request.is_retry:
            earlier = await self._earlier_reply(request.in_reply_to_external_id, body)
            if earlier is not None:
                return earlier
        # Safe to retry (even after a timeout): the Idempotency-Key makes it post once.
        data = await self.http.request_json(
            "POST",
            self._url("/api/v1/statuses"),
            what="Posting the reply",
            headers={**self._auth, "Idempotency-Key": request.client_id},
            data={
                "status": body,
                "in_reply_to_id": request.in_reply_to_external_id,
                "visibility": visibility,
            },
            error_mapper=self._map_error,
        )
        if not isinstance(data, dict) or "id" not in data:
            raise TransientError("Posting the reply: the server sent an unexpected answer.")
        return PostedReply(
            external_id=str(data["id"]),
            url=str(data.get("url") or data.get("uri") or "") or None,
            visibility=parse_visibility(data.get("visibility")) or visibility,
        )


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class _StreamUnavailable(Exception):
    """The server has no streaming API (or it is switched off): poll instead."""
