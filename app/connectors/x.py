"""X connector (API v2, OAuth 2.0 user-context bearer token).

Mentions come from `GET /2/users/:id/mentions` with `since_id` (the cursor is the newest post id
stored), `expansions=author_id` for the authors, paged with `pagination_token`. Replies are
`POST /2/tweets` with `reply.in_reply_to_tweet_id`. The rate-limit headers
(`x-rate-limit-remaining` / `x-rate-limit-reset`) hold the host off until the window resets.
Length is counted as X counts it (twitter-text weighting, URLs 23) against 280.

X has no idempotency key: a timeout or 5xx after the POST left is reported as an *ambiguous*
TransientError and never retried blindly.
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

import httpx

from app.connectors.base import (
    AccountIdentity,
    ConnectorError,
    FetchResult,
    Incoming,
    IncomingMention,
    NotFound,
    PermanentError,
    PostedReply,
    Quarantined,
    ReplyRequest,
    StatusListener,
    TransientError,
    check_reply_length,
    in_path,
    poll_mentions,
)
from app.connectors.fitting import fit_mention, incoming_or_quarantined
from app.connectors.http import HttpSession, error_message
from app.connectors.text import plain_text
from app.models.enums import Network
from app.models.networks import addressed_reply, rules_for
from app.models.schemas import MentionCreate

TWEET_FIELDS = (
    "created_at,author_id,conversation_id,in_reply_to_user_id,lang,referenced_tweets,entities"
)
USER_FIELDS = "username,name,public_metrics,url"
EXPANSIONS = "author_id"
NAME = rules_for(Network.X).display_name  # in messages


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _id_key(value: str) -> tuple[int, str]:
    return (len(value), value)


def tweet_text(tweet: Mapping[str, Any]) -> str:
    """Plain text of a post: X escapes &, < and > in v2 text; t.co links are expanded."""
    text = html.unescape(str(tweet.get("text") or ""))
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    if isinstance(urls, list):
        for url in urls:
            if isinstance(url, dict) and url.get("url") and url.get("expanded_url"):
                text = text.replace(str(url["url"]), str(url["expanded_url"]))
    return plain_text(text)


def _problem_not_found(errors: object) -> str | None:
    if not isinstance(errors, list):
        return None
    for error in errors:
        if isinstance(error, dict) and "not-found" in str(error.get("type") or ""):
            return str(error.get("detail") or error.get("title") or "not found")
    return None


class XConnector:
    """One brand account on X."""

    network = Network.X
    capabilities = rules_for(Network.X)

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        user_id: str | None = None,
        http: HttpSession | None = None,
        poll_interval: float = 60.0,
        backfill: int = 20,
        max_pages: int = 10,
    ) -> None:
        self.base_url = (base_url or "https://api.x.com").rstrip("/")
        self._token = access_token
        self.user_id = user_id
        self.username: str | None = None
        self.http = http or HttpSession()
        self.poll_interval = poll_interval
        self.backfill = max(5, min(100, backfill))
        self.max_pages = max_pages
        self.on_status: StatusListener | None = None

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def _map_error(self, response: httpx.Response, what: str) -> ConnectorError | None:
        reason = error_message(response)
        if response.status_code == 403:
            lowered = reason.lower()
            if "deleted" in lowered or "not visible" in lowered:
                return NotFound(f"{what}: the customer's post is gone ({reason}).")
            return PermanentError(f"{what}: {NAME} refused it ({reason}).")
        return None

    async def _get(self, path: str, what: str, params: Mapping[str, Any]) -> dict[str, Any]:
        data = await self.http.request_json(
            "GET",
            f"{self.base_url}{path}",
            what=what,
            headers=self._auth,
            params=dict(params),
            error_mapper=self._map_error,
        )
        if not isinstance(data, dict):
            raise TransientError(f"{what}: {NAME} sent an unexpected answer.")
        return data

    async def verify(self) -> AccountIdentity:
        data = await self._get("/2/users/me", "Checking the account", {"user.fields": "username"})
        user = data.get("data")
        if not isinstance(user, dict) or "id" not in user:
            raise TransientError(f"Checking the account: {NAME} sent an unexpected answer.")
        self.user_id = str(user["id"])
        self.username = str(user.get("username") or "")
        return AccountIdentity(self.user_id, f"@{self.username}", str(user.get("name") or ""))

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- mentions ----------------------------------------------------------------------------

    def incoming_from_tweet(
        self, tweet: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]]
    ) -> IncomingMention | Quarantined:
        """The post as a mention fitted to the schema, or the item for the quarantine."""
        tweet_id = str(tweet["id"])
        author_id = str(tweet.get("author_id") or "")
        user = users.get(author_id, {})
        username = str(user.get("username") or author_id or "unknown")
        metrics = user.get("public_metrics")
        followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
        replied_to = None
        for ref in tweet.get("referenced_tweets") or []:
            if isinstance(ref, dict) and ref.get("type") == "replied_to":
                replied_to = str(ref.get("id"))
        lang = tweet.get("lang")

        def build() -> MentionCreate:
            return fit_mention(
                network=Network.X,
                external_id=tweet_id,
                handle=f"@{username}",
                display_name=str(user.get("name") or ""),
                author_url=f"https://x.com/{username}",
                followers=followers,
                text=tweet_text(tweet),
                url=f"https://x.com/{username}/status/{tweet_id}",
                created_at=_parse_time(tweet.get("created_at")),
                language=str(lang) if lang and lang != "und" else None,
                in_reply_to_external_id=replied_to,
                thread_key=str(tweet.get("conversation_id") or tweet_id),
                visibility="public",
            )

        return incoming_or_quarantined(
            Network.X,
            {"tweet": dict(tweet), "author": dict(user)},
            build,
            external_id=tweet_id,
            reply_ref={"author_id": author_id, "author_username": username},
            cursor=tweet_id,
        )

    @staticmethod
    def _users(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        includes = data.get("includes")
        users = includes.get("users") if isinstance(includes, dict) else None
        return {str(u["id"]): u for u in (users or []) if isinstance(u, dict) and "id" in u}

    async def fetch_mentions(self, cursor: str | None) -> FetchResult:
        if self.user_id is None:
            await self.verify()
        params: dict[str, Any] = {
            "expansions": EXPANSIONS,
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
            "max_results": self.backfill if cursor is None else 100,
        }
        if cursor is not None:
            params["since_id"] = cursor
        tweets: list[IncomingMention] = []
        quarantined: list[Quarantined] = []
        path = f"/2/users/{in_path(self.user_id or '')}/mentions"
        for _ in range(1 if cursor is None else self.max_pages):
            data = await self._get(path, "Fetching mentions", params)
            users = self._users(data)
            for tweet in data.get("data") or []:
                if isinstance(tweet, dict) and "id" in tweet:
                    incoming = self.incoming_from_tweet(tweet, users)
                    if isinstance(incoming, IncomingMention):
                        tweets.append(incoming)
                    else:
                        quarantined.append(incoming)
            meta = data.get("meta")
            next_token = meta.get("next_token") if isinstance(meta, dict) else None
            if not next_token:
                break
            params["pagination_token"] = next_token
        unique = {t.external_id: t for t in tweets}
        ordered = sorted(unique.values(), key=lambda t: _id_key(t.external_id))
        next_cursor = ordered[-1].external_id if ordered else cursor
        if (
            cursor is not None
            and next_cursor is not None
            and _id_key(next_cursor) < _id_key(cursor)
        ):
            next_cursor = cursor
        return FetchResult(ordered, next_cursor, quarantined=quarantined)

    def stream_mentions(self, cursor: str | None) -> AsyncIterator[Incoming]:
        return poll_mentions(
            self.fetch_mentions,
            cursor,
            interval=self.poll_interval,
            sleep=self.http.rate_control.sleep,
            on_status=self.on_status,
        )

    # --- threads and replies -----------------------------------------------------------------

    async def fetch_thread(self, external_id: str) -> list[IncomingMention]:
        params = {
            "expansions": "author_id,referenced_tweets.id",
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
        }
        data = await self._get(f"/2/tweets/{in_path(external_id)}", "Reading the post", params)
        tweet = data.get("data")
        if not isinstance(tweet, dict):
            detail = _problem_not_found(data.get("errors")) or "no such post"
            raise NotFound(f"Reading the post: the post is gone ({detail}).")
        users = self._users(data)
        found: dict[str, IncomingMention | Quarantined] = {}
        includes = data.get("includes")
        for other in (includes.get("tweets") if isinstance(includes, dict) else None) or []:
            if isinstance(other, dict) and "id" in other:
                found[str(other["id"])] = self.incoming_from_tweet(other, users)
        found[str(tweet["id"])] = self.incoming_from_tweet(tweet, users)
        conversation = tweet.get("conversation_id")
        if conversation:
            try:
                search = await self._get(
                    "/2/tweets/search/recent",
                    "Reading the conversation",
                    {**params, "query": f"conversation_id:{conversation}", "max_results": 100},
                )
            except PermanentError:
                search = {}  # recent search is not in every access tier: the post alone then
            more_users = {**users, **self._users(search)}
            for other in search.get("data") or []:
                if isinstance(other, dict) and "id" in other:
                    found[str(other["id"])] = self.incoming_from_tweet(other, more_users)
        thread = [t for t in found.values() if isinstance(t, IncomingMention)]
        return sorted(thread, key=lambda t: _id_key(t.external_id))

    async def _earlier_reply(self, parent_id: str, body: str) -> PostedReply | None:
        """The brand's recent reply to `parent_id` with this text, if an attempt landed."""
        if self.user_id is None:
            await self.verify()
        data = await self._get(
            f"/2/users/{in_path(self.user_id or '')}/tweets",
            "Checking for an earlier attempt",
            {"max_results": 100, "tweet.fields": "referenced_tweets,entities,created_at"},
        )
        wanted = " ".join(body.split()).casefold()
        for tweet in data.get("data") or []:
            if not isinstance(tweet, dict) or "id" not in tweet:
                continue
            refs = tweet.get("referenced_tweets") or []
            replies_to = any(
                isinstance(r, dict)
                and r.get("type") == "replied_to"
                and str(r.get("id")) == parent_id
                for r in refs
            )
            if replies_to and " ".join(tweet_text(tweet).split()).casefold() == wanted:
                reply_id = str(tweet["id"])
                who = self.username or "i/web"
                return PostedReply(reply_id, f"https://x.com/{who}/status/{reply_id}", "public")
        return None

    async def post_reply(self, request: ReplyRequest) -> PostedReply:
        body = addressed_reply(self.network, request.body, request.author_handle)
        check_reply_length(body, self.network)
        if request.is_retry:
            earlier = await self._earlier_reply(request.in_reply_to_external_id, body)
            if earlier is not None:
                return earlier
        data = await self.http.request_json(
            "POST",
            f"{self.base_url}/2/tweets",
            what="Posting the reply",
            headers=self._auth,
            json={"text": body, "reply": {"in_reply_to_tweet_id": request.in_reply_to_external_id}},
            idempotent=False,
            error_mapper=self._map_error,
        )
        posted = data.get("data") if isinstance(data, dict) else None
        if not isinstance(posted, dict) or "id" not in posted:
            raise TransientError(
                f"Posting the reply: {NAME} sent an unexpected answer; the reply may exist.",
                ambiguous=True,
            )
        reply_id = str(posted["id"])
        who = self.username or "i/web"
        return PostedReply(reply_id, f"https://x.com/{who}/status/{reply_id}", "public")
