"""Feed connector against RSS, Atom and a not-a-feed page served over local HTTP."""

from __future__ import annotations

import uuid

import pytest

from app.connectors import connector_for
from app.connectors.base import PermanentError, ReplyNotSupported, ReplyRequest
from app.connectors.feeds import FeedConnector
from app.models.enums import Network
from tests.connectors.helpers import FIXTURES, ReplayServer, fast_session


def serve(replay: ReplayServer, path: str, name: str, content_type: str) -> str:
    body = (FIXTURES / "feeds" / name).read_bytes()
    replay.on("GET", path, (200, {"content-type": content_type}, body))
    return replay.base_url + path


async def test_rss_items_become_plain_text_mentions(replay: ReplayServer) -> None:
    url = serve(replay, "/nimbus.rss", "reviews.rss", "application/rss+xml")
    c = FeedConnector(url, http=fast_session())
    result = await c.fetch_mentions(None)

    bad, good = result.mentions
    assert bad.mention.network is Network.FEED
    assert bad.external_id == "review-1001"  # the guid
    assert good.external_id == "https://reviews.example.com/nimbus/r/1002"  # no guid: the link
    assert bad.mention.author.handle == "Sam R."
    assert bad.mention.author.display_name == "Sam R. on Nimbus Mobile reviews"
    text = bad.mention.text
    assert text.startswith("★☆☆☆☆ Coverage in the countryside is a joke\n\n")
    assert "Zero bars." in text
    assert "‘restart the phone’ & hung up." in text
    assert "evil.example" not in text
    assert "tracker.example" not in text
    assert str(bad.mention.url) == "https://reviews.example.com/nimbus/r/1001"
    assert good.mention.text.endswith("شكراً!")
    assert result.next_cursor == good.cursor

    again = await c.fetch_mentions(result.next_cursor)
    # Only the newest (same time as the cursor) comes again; the server drops that duplicate.
    assert [m.external_id for m in again.mentions] == [good.external_id]
    await c.aclose()


async def test_atom_entries(replay: ReplayServer) -> None:
    url = serve(replay, "/forum.atom", "forum.atom", "application/atom+xml")
    c = FeedConnector(url, http=fast_session())
    result = await c.fetch_mentions("2026-11-23T09:56:00+00:00")
    [roaming] = result.mentions
    assert roaming.external_id == "tag:forum.example.com,2026:topic-78"
    everything = await c.fetch_mentions(None)
    voicemail = everything.mentions[0].mention
    assert voicemail.text == (
        "Visual voicemail broken after update\n\n"
        "Seit dem Update zeigt die Mailbox „Verbindung nicht möglich“.\nGeht es noch jemandem so?"
    )
    assert voicemail.author.handle == "Lukas"
    await c.aclose()


async def test_a_page_that_is_not_a_feed_is_a_clear_error(replay: ReplayServer) -> None:
    url = serve(replay, "/broken.rss", "maintenance.html", "text/html; charset=utf-8")
    c = FeedConnector(url, http=fast_session())
    with pytest.raises(PermanentError, match="not an RSS or Atom feed: it sent text/html"):
        await c.fetch_mentions("2026-11-23T09:00:00+00:00")
    # Nothing lost: the cursor is the caller's; once the feed is back, everything after it comes.
    serve(replay, "/broken.rss", "reviews.rss", "application/rss+xml")
    result = await c.fetch_mentions("2026-11-23T09:00:00+00:00")
    assert [m.external_id for m in result.mentions] == ["https://reviews.example.com/nimbus/r/1002"]
    await c.aclose()


async def test_feeds_cannot_be_answered_in_place(replay: ReplayServer) -> None:
    url = serve(replay, "/nimbus.rss", "reviews.rss", "application/rss+xml")
    c = connector_for("feed", url, "")
    assert c.capabilities.reply_in_place is False
    with pytest.raises(ReplyNotSupported, match="open the link"):
        await c.post_reply(ReplyRequest(str(uuid.uuid4()), "Thanks!", "review-1001"))
    [entry] = await c.fetch_thread("review-1001")
    assert entry.external_id == "review-1001"
    await c.aclose()


ODD_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Acme community</title>
<link>https://community.example/{long_feed}</link>
<item><guid isPermaLink="false">post-1</guid><title>Broken sink</title>
<link>https://community.example/{long_post}</link>
<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate></item>
<item><guid isPermaLink="false">post-&#x1;-2</guid><title>A strange one</title>
<pubDate>Tue, 24 Nov 2026 10:00:00 +0000</pubDate></item>
</channel></rss>""".format(long_feed="f" * 600, long_post="p" * 1100)


async def test_odd_entries_are_fitted_or_quarantined_and_the_cursor_passes_them(
    replay: ReplayServer,
) -> None:
    replay.on("GET", "/odd.rss", (200, {"content-type": "application/rss+xml"}, ODD_FEED))
    c = FeedConnector(replay.base_url + "/odd.rss", http=fast_session())
    result = await c.fetch_mentions(None)
    await c.aclose()
    [sink] = result.mentions
    assert sink.mention.url is None  # 1,100 characters: dropped, not cut
    assert sink.mention.author.url is None  # 600 characters: over the 500 of author links
    [odd] = result.quarantined
    assert odd.external_id == "post-\x01-2"
    assert "A Feed post id is text without control characters" in odd.reason
    # The newest entry is the quarantined one: the cursor passes it (not read on every poll).
    assert result.next_cursor == "2026-11-24T10:00:00+00:00"
