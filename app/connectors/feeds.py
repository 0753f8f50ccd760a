"""Feed connector: listens on review sites, blogs and forums through RSS or Atom.

The feed is fetched with httpx (shared rate control and retries) and the bytes are handed to
feedparser. Each entry becomes a mention that can be claimed and resolved but not answered in
place (`reply_in_place=False`; the console opens the link). The de-duplication key is the
entry's id, else its link. A response that is not a feed (an HTML error page, JSON, garbage)
is a PermanentError that says what came back; the cursor does not move, so nothing is lost.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from app.connectors.base import (
    AccountIdentity,
    FetchResult,
    Incoming,
    IncomingMention,
    NotFound,
    PermanentError,
    PostedReply,
    Quarantined,
    ReplyNotSupported,
    ReplyRequest,
    StatusListener,
    poll_mentions,
)
from app.connectors.fitting import fit_mention, incoming_or_quarantined
from app.connectors.http import HttpSession
from app.connectors.text import html_to_text, plain_text
from app.models.enums import Network
from app.models.networks import rules_for
from app.models.schemas import MentionCreate


def entry_key(entry: Mapping[str, Any]) -> str | None:
    """The entry's de-duplication key: its id, else its link (hashed when too long)."""
    key = str(entry.get("id") or entry.get("link") or "").strip()
    if not key:
        return None
    if len(key) > 200:
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(field)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


class FeedConnector:
    """One RSS or Atom feed."""

    network = Network.FEED
    capabilities = rules_for(Network.FEED)

    def __init__(
        self,
        feed_url: str,
        *,
        http: HttpSession | None = None,
        poll_interval: float = 300.0,
    ) -> None:
        self.feed_url = feed_url
        self.http = http or HttpSession()
        self.poll_interval = poll_interval
        self.title: str | None = None
        self.on_status: StatusListener | None = None

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _parsed(self) -> Any:
        response = await self.http.request(
            "GET",
            self.feed_url,
            what="Reading the feed",
            headers={
                "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, "
                "text/xml;q=0.8, */*;q=0.1"
            },
        )
        parsed = feedparser.parse(
            response.content,
            response_headers={
                "content-type": response.headers.get("content-type", ""),
                "content-location": str(response.url),
            },
        )
        if not parsed.get("version") and not parsed.entries:
            content_type = response.headers.get("content-type", "unknown type")
            start = plain_text(response.text[:60])
            problem = parsed.get("bozo_exception")
            raise PermanentError(
                f"{self.feed_url} is not an RSS or Atom feed: it sent {content_type} "
                f"starting with {start!r}" + (f" ({problem})." if problem else ".")
            )
        self.title = str(parsed.feed.get("title") or "") or None
        return parsed

    async def verify(self) -> AccountIdentity:
        parsed = await self._parsed()
        title = str(parsed.feed.get("title") or self.feed_url)
        return AccountIdentity(self.feed_url, urlsplit(self.feed_url).netloc, title)

    def incoming_from_entry(
        self, entry: Mapping[str, Any], feed: Mapping[str, Any]
    ) -> IncomingMention | Quarantined | None:
        """The entry as a mention fitted to the schema, the item for the quarantine, or None
        for an entry with neither id nor link."""
        key = entry_key(entry)
        if key is None:
            return None
        when = _entry_time(entry)
        title = plain_text(html_to_text(str(entry.get("title") or "")))
        body_html = ""
        content = entry.get("content")
        if isinstance(content, list) and content and isinstance(content[0], dict):
            body_html = str(content[0].get("value") or "")
        body_html = body_html or str(entry.get("summary") or "")
        body = html_to_text(body_html)
        text = f"{title}\n\n{body}".strip() if body and body != title else title
        feed_title = str(feed.get("title") or "")
        host = urlsplit(self.feed_url).netloc
        author_name = str(entry.get("author") or "").strip()

        def build() -> MentionCreate:
            return fit_mention(
                network=Network.FEED,
                external_id=key,
                handle=author_name or feed_title or host or "feed",
                display_name=(
                    f"{author_name} on {feed_title}"
                    if author_name and feed_title
                    else (author_name or feed_title)
                ),
                author_url=feed.get("link"),
                text=text or "(empty entry)",
                url=entry.get("link"),
                created_at=when,
                language=entry.get("language") or feed.get("language"),
                visibility="public",
            )

        link = entry.get("link")
        raw = {
            "id": str(entry.get("id") or ""),
            "link": str(link or ""),
            "title": str(entry.get("title") or ""),
            "author": author_name,
            "published": when.isoformat() if when else None,
        }
        return incoming_or_quarantined(
            Network.FEED,
            raw,
            build,
            external_id=key,
            reply_ref={"link": str(link) if isinstance(link, str) else ""},
            cursor=when.isoformat() if when else None,
        )

    async def fetch_mentions(self, cursor: str | None) -> FetchResult:
        """Entries newer than `cursor` (an ISO time) plus undated ones, oldest first. Feeds
        are small; the server drops the duplicates an undated entry brings on each poll."""
        parsed = await self._parsed()
        mentions: list[IncomingMention] = []
        quarantined: list[Quarantined] = []
        for entry in parsed.entries:
            incoming = self.incoming_from_entry(entry, parsed.feed)
            if incoming is None:
                continue
            if cursor is not None and incoming.cursor is not None and incoming.cursor < cursor:
                continue
            if isinstance(incoming, Quarantined):
                quarantined.append(incoming)
            else:
                mentions.append(incoming)
        mentions.sort(key=lambda m: m.cursor or "")
        # A quarantined entry moves the cursor too: it is kept, not read again on every poll.
        cursors = [m.cursor for m in mentions] + [q.cursor for q in quarantined]
        dated = [c for c in cursors if c is not None]
        next_cursor = max([*dated, *([cursor] if cursor else [])], default=None)
        # Undated entries do not move the cursor; each one carries the page's cursor so far.
        fixed = [IncomingMention(m.mention, m.reply_ref, m.cursor or cursor) for m in mentions]
        return FetchResult(fixed, next_cursor, quarantined=quarantined)

    def stream_mentions(self, cursor: str | None) -> AsyncIterator[Incoming]:
        return poll_mentions(
            self.fetch_mentions,
            cursor,
            interval=self.poll_interval,
            sleep=self.http.rate_control.sleep,
            on_status=self.on_status,
        )

    async def fetch_thread(self, external_id: str) -> list[IncomingMention]:
        parsed = await self._parsed()
        for entry in parsed.entries:
            if entry_key(entry) == external_id:
                incoming = self.incoming_from_entry(entry, parsed.feed)
                return [incoming] if isinstance(incoming, IncomingMention) else []
        raise NotFound(f"The feed no longer lists {external_id}.")

    async def post_reply(self, request: ReplyRequest) -> PostedReply:
        raise ReplyNotSupported(
            "Feed items cannot be answered in place: open the link and reply on the site."
        )
