"""Bluesky connector (AT Protocol over plain httpx, XRPC calls to the account's PDS).

Logs in with an app password (`com.atproto.server.createSession`) and refreshes the session
(`refreshSession`) when the access JWT expires. Mentions and replies come from
`app.bsky.notification.listNotifications` (reasons mention, reply, quote), newest first; the
cursor is the `indexedAt` and uri of the newest one stored. Replies are
`com.atproto.repo.createRecord` posts with `root`/`parent` strong refs and a mention facet
(UTF-8 byte offsets) for the customer's handle, under a record key derived from the reply's
client id so a retry after a crash finds the first post instead of posting twice.
Bluesky has no per-account push stream for notifications, so `stream_mentions` polls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from app.connectors.base import (
    AccountIdentity,
    AuthError,
    ConnectorError,
    FetchResult,
    Incoming,
    IncomingMention,
    NotFound,
    PermanentError,
    PostedReply,
    Quarantined,
    RateLimited,
    ReplyRequest,
    StatusListener,
    TransientError,
    check_reply_length,
    poll_mentions,
)
from app.connectors.bluesky_records import mention_facets, record_key_for
from app.connectors.fitting import fit_mention, incoming_or_quarantined
from app.connectors.http import HttpSession, error_message, retry_after_seconds
from app.connectors.text import plain_text
from app.models.enums import Network
from app.models.networks import addressed_reply, rules_for
from app.models.schemas import MentionCreate

POST_COLLECTION = "app.bsky.feed.post"
MENTION_REASONS = ("mention", "reply", "quote")
NAME = rules_for(Network.BLUESKY).display_name  # in messages


class _SessionExpired(AuthError):
    """The access JWT expired: refresh and try again (never leaves this module)."""


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def rkey_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def post_url(handle_or_did: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle_or_did}/post/{rkey_of(uri)}"


def _cursor_of(indexed_at: str, uri: str) -> str:
    return f"{indexed_at} {uri}"


def _split_cursor(cursor: str | None) -> tuple[str, str]:
    if not cursor:
        return "", ""
    indexed_at, _, uri = cursor.partition(" ")
    return indexed_at, uri


class BlueskyConnector:
    """One brand account on Bluesky (or any AT Protocol PDS with the app.bsky lexicons)."""

    network = Network.BLUESKY
    capabilities = rules_for(Network.BLUESKY)

    def __init__(
        self,
        base_url: str,
        identifier: str,
        app_password: str,
        *,
        http: HttpSession | None = None,
        poll_interval: float = 30.0,
        backfill: int = 50,
        page_size: int = 50,
        max_pages: int = 20,
    ) -> None:
        self.base_url = (base_url or "https://bsky.social").rstrip("/")
        self.identifier = identifier
        self._password = app_password
        self.http = http or HttpSession()
        self.poll_interval = poll_interval
        self.backfill = backfill
        self.page_size = page_size
        self.max_pages = max_pages
        self._access: str | None = None
        self.on_status: StatusListener | None = None
        self._refresh: str | None = None
        self.did: str | None = None
        self.handle: str | None = None

    # --- session -----------------------------------------------------------------------------

    def _url(self, nsid: str) -> str:
        return f"{self.base_url}/xrpc/{nsid}"

    def _map_error(self, response: httpx.Response, what: str) -> ConnectorError | None:
        try:
            body = response.json()
        except ValueError:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        reason = error_message(response)
        if error in ("ExpiredToken", "InvalidToken"):
            return _SessionExpired(f"{what}: the {NAME} session expired ({reason}).")
        if error in ("AuthenticationRequired", "AccountTakedown", "AuthFactorTokenRequired"):
            return AuthError(f"{what}: {NAME} refused the account's app password ({reason}).")
        if error in ("NotFound", "RecordNotFound"):
            return NotFound(f"{what}: the post is gone ({reason}).")
        if error == "RateLimitExceeded" or response.status_code == 429:
            delay = retry_after_seconds(response, self.http.clock())
            return RateLimited(f"{what}: {NAME} rate limit ({reason}).", delay)
        return None

    async def _create_session(self) -> None:
        data = await self.http.request_json(
            "POST",
            self._url("com.atproto.server.createSession"),
            what=f"Logging in to {NAME}",
            json={"identifier": self.identifier, "password": self._password},
            error_mapper=self._map_error,
        )
        self._store_session(data)

    def _store_session(self, data: Any) -> None:
        if not isinstance(data, dict) or "accessJwt" not in data:
            raise TransientError(f"{NAME} answered the login with something unexpected.")
        self._access = str(data["accessJwt"])
        self._refresh = str(data.get("refreshJwt") or "") or None
        self.did = str(data.get("did") or self.did or "")
        self.handle = str(data.get("handle") or self.handle or "")

    async def _refresh_session(self) -> None:
        if self._refresh is None:
            await self._create_session()
            return
        try:
            data = await self.http.request_json(
                "POST",
                self._url("com.atproto.server.refreshSession"),
                what=f"Refreshing the {NAME} session",
                headers={"Authorization": f"Bearer {self._refresh}"},
                error_mapper=self._map_error,
            )
        except AuthError:
            # The refresh token expired too (or was revoked): log in again.
            await self._create_session()
            return
        self._store_session(data)

    async def _call(
        self, method: str, nsid: str, what: str, *, params: Any = None, body: Any = None
    ) -> Any:
        if self._access is None:
            await self._create_session()
        for attempt in range(2):
            try:
                return await self.http.request_json(
                    method,
                    self._url(nsid),
                    what=what,
                    headers={"Authorization": f"Bearer {self._access}"},
                    params=params,
                    json=body,
                    error_mapper=self._map_error,
                )
            except _SessionExpired:
                if attempt:
                    raise AuthError(f"{what}: {NAME} keeps refusing the session.") from None
                await self._refresh_session()
        raise AssertionError("unreachable")  # pragma: no cover

    async def verify(self) -> AccountIdentity:
        await self._create_session()
        return AccountIdentity(account_id=self.did or "", handle=f"@{self.handle}")

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- mentions ----------------------------------------------------------------------------

    def incoming_from_post(
        self,
        *,
        uri: str,
        cid: str,
        author: Mapping[str, Any],
        record: Mapping[str, Any],
        indexed_at: str | None,
        cursor: str | None = None,
    ) -> IncomingMention | Quarantined:
        """The post as a mention fitted to the schema, or the item for the quarantine."""
        handle = str(author.get("handle") or author.get("did") or "unknown")
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
        parent = reply.get("parent") if reply else None
        root = reply.get("root") if reply else None
        langs = record.get("langs")
        created = _parse_time(record.get("createdAt")) or _parse_time(indexed_at)

        def build() -> MentionCreate:
            return fit_mention(
                network=Network.BLUESKY,
                external_id=uri,
                handle=f"@{handle}",
                display_name=str(author.get("displayName") or ""),
                author_url=f"https://bsky.app/profile/{handle}",
                text=plain_text(str(record.get("text") or "")),
                url=post_url(handle, uri),
                created_at=created,
                language=str(langs[0]) if isinstance(langs, list) and langs else None,
                in_reply_to_external_id=(str(parent["uri"]) if isinstance(parent, dict) else None),
                thread_key=str(root["uri"]) if isinstance(root, dict) else uri,
                visibility="public",
            )

        raw = {"uri": uri, "cid": cid, "author": dict(author), "record": dict(record)}
        return incoming_or_quarantined(
            Network.BLUESKY,
            raw,
            build,
            external_id=uri,
            reply_ref=self.reply_ref_of(uri=uri, cid=cid, author=author, record=record),
            cursor=cursor,
        )

    @staticmethod
    def reply_ref_of(
        *, uri: str, cid: str, author: Mapping[str, Any], record: Mapping[str, Any]
    ) -> dict[str, str]:
        """What answering the post needs later: its strong ref, its thread root's, its author."""
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
        root = reply.get("root") if reply else None
        return {
            "uri": uri,
            "cid": cid,
            "root_uri": str(root["uri"]) if isinstance(root, dict) else uri,
            "root_cid": str(root["cid"]) if isinstance(root, dict) else cid,
            "author_did": str(author.get("did") or ""),
            "author_handle": str(author.get("handle") or author.get("did") or "unknown"),
        }

    def _from_notification(self, item: Mapping[str, Any]) -> IncomingMention | Quarantined | None:
        record = item.get("record")
        if item.get("reason") not in MENTION_REASONS or not isinstance(record, dict):
            return None
        if record.get("$type", POST_COLLECTION) != POST_COLLECTION:
            return None
        return self.incoming_from_post(
            uri=str(item["uri"]),
            cid=str(item.get("cid") or ""),
            author=item.get("author") or {},
            record=record,
            indexed_at=str(item.get("indexedAt") or ""),
            cursor=_cursor_of(str(item.get("indexedAt") or ""), str(item["uri"])),
        )

    async def _page(self, limit: int, page_cursor: str | None) -> tuple[list[Any], str | None]:
        params: list[tuple[str, str | int]] = [("limit", limit)]
        params += [("reasons", reason) for reason in MENTION_REASONS]
        if page_cursor:
            params.append(("cursor", page_cursor))
        data = await self._call(
            "GET", "app.bsky.notification.listNotifications", "Fetching mentions", params=params
        )
        if not isinstance(data, dict) or not isinstance(data.get("notifications"), list):
            raise TransientError(f"Fetching mentions: {NAME} sent an unexpected answer.")
        items = [n for n in data["notifications"] if isinstance(n, dict) and "uri" in n]
        next_page = data.get("cursor")
        return items, str(next_page) if next_page else None

    async def fetch_mentions(self, cursor: str | None) -> FetchResult:
        """Notifications newer than `cursor`, oldest first. The API pages backwards in time,
        so we read pages until we reach what we already have."""
        seen_at, seen_uri = _split_cursor(cursor)
        collected: list[dict[str, Any]] = []
        page_cursor: str | None = None
        for _ in range(self.max_pages):
            items, page_cursor = await self._page(
                self.backfill if cursor is None else self.page_size, page_cursor
            )
            if cursor is None:
                collected.extend(items)
                break
            reached = False
            for item in items:
                key = (str(item.get("indexedAt") or ""), str(item["uri"]))
                if key[0] < seen_at or key == (seen_at, seen_uri):
                    reached = True
                    break
                collected.append(item)
            if reached or page_cursor is None:
                break
        collected.sort(key=lambda n: (str(n.get("indexedAt") or ""), str(n["uri"])))
        mentions: list[IncomingMention] = []
        quarantined: list[Quarantined] = []
        for notification in collected:
            incoming = self._from_notification(notification)
            if isinstance(incoming, IncomingMention):
                mentions.append(incoming)
            elif incoming is not None:
                quarantined.append(incoming)
        # No notifications at all yet: start from the beginning of time, so a burst before the
        # next call is read in full rather than backfilled.
        next_cursor = cursor or _cursor_of("1970-01-01T00:00:00.000Z", "")
        if collected:
            newest = collected[-1]
            next_cursor = _cursor_of(str(newest.get("indexedAt") or ""), str(newest["uri"]))
        return FetchResult(mentions, next_cursor, quarantined=quarantined)

    def stream_mentions(self, cursor: str | None) -> AsyncIterator[Incoming]:
        return poll_mentions(
            self.fetch_mentions,
            cursor,
            interval=self.poll_interval,
            sleep=self.http.rate_control.sleep,
            on_status=self.on_status,
        )

    # --- threads and replies -----------------------------------------------------------------

    async def _get_post(self, uri: str) -> dict[str, Any]:
        data = await self._call(
            "GET", "app.bsky.feed.getPosts", "Reading the post", params={"uris": uri}
        )
        posts = data.get("posts") if isinstance(data, dict) else None
        if not isinstance(posts, list):
            raise TransientError(f"Reading the post: {NAME} sent an unexpected answer.")
        if not posts:
            raise NotFound("Reading the post: the customer's post is gone (deleted).")
        post: dict[str, Any] = posts[0]
        return post

    async def fetch_thread(self, external_id: str) -> list[IncomingMention]:
        data = await self._call(
            "GET",
            "app.bsky.feed.getPostThread",
            "Reading the conversation",
            params={"uri": external_id, "depth": 20, "parentHeight": 40},
        )
        thread = data.get("thread") if isinstance(data, dict) else None
        if not isinstance(thread, dict) or thread.get("notFound") or "post" not in thread:
            raise NotFound("Reading the conversation: the post is gone.")
        posts: list[dict[str, Any]] = []
        parent = thread.get("parent")
        ancestors: list[dict[str, Any]] = []
        while isinstance(parent, dict) and "post" in parent:
            ancestors.append(parent["post"])
            parent = parent.get("parent")
        posts.extend(reversed(ancestors))
        posts.append(thread["post"])

        def walk(node: Mapping[str, Any]) -> None:
            for child in node.get("replies") or []:
                if isinstance(child, dict) and "post" in child:
                    posts.append(child["post"])
                    walk(child)

        walk(thread)
        items = [
            self.incoming_from_post(
                uri=str(p["uri"]),
                cid=str(p.get("cid") or ""),
                author=p.get("author") or {},
                record=p.get("record") or {},
                indexed_at=p.get("indexedAt"),
            )
            for p in posts
        ]
        return [item for item in items if isinstance(item, IncomingMention)]

    async def _existing_reply(self, rkey: str) -> dict[str, Any] | None:
        try:
            data = await self._call(
                "GET",
                "com.atproto.repo.getRecord",
                "Checking for an earlier attempt",
                params={"repo": self.did, "collection": POST_COLLECTION, "rkey": rkey},
            )
        except NotFound:
            return None
        except PermanentError:
            return None
        return data if isinstance(data, dict) and "uri" in data else None

    async def post_reply(self, request: ReplyRequest) -> PostedReply:
        if self._access is None:
            await self._create_session()
        ref = dict(request.reply_ref)
        if not ref.get("cid") or not ref.get("author_did"):
            post = await self._get_post(request.in_reply_to_external_id)
            ref = self.reply_ref_of(
                uri=str(post["uri"]),
                cid=str(post.get("cid") or ""),
                author=post.get("author") or {},
                record=post.get("record") or {},
            )
        handle = ref.get("author_handle") or (request.author_handle or "").lstrip("@")
        body = addressed_reply(self.network, request.body, handle)
        check_reply_length(body, self.network)

        rkey = record_key_for(request.client_id)
        earlier = await self._existing_reply(rkey)
        if earlier is not None:
            return PostedReply(str(earlier["uri"]), post_url(self.handle or "", earlier["uri"]))

        record = {
            "$type": POST_COLLECTION,
            "text": body,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "reply": {
                "root": {"uri": ref["root_uri"], "cid": ref["root_cid"]},
                "parent": {"uri": ref["uri"], "cid": ref["cid"]},
            },
            "facets": mention_facets(body, handle, ref.get("author_did", "")),
        }
        try:
            data = await self._call(
                "POST",
                "com.atproto.repo.createRecord",
                "Posting the reply",
                body={
                    "repo": self.did,
                    "collection": POST_COLLECTION,
                    "rkey": rkey,
                    "record": record,
                },
            )
        except PermanentError:
            # "Record already exists": an earlier attempt landed after all.
            earlier = await self._existing_reply(rkey)
            if earlier is None:
                raise
            data = earlier
        if not isinstance(data, dict) or "uri" not in data:
            raise TransientError(f"Posting the reply: {NAME} sent an unexpected answer.")
        return PostedReply(
            str(data["uri"]), post_url(self.handle or self.did or "", data["uri"]), "public"
        )
