"""One bad item never stops an account's ingest: a real server process ingesting from a real
Mastodon-API server (mastodon-mock, whose fault injection serves a page with a poisoned item
among good ones) and from an RSS feed (served over HTTP by a replay server). The good items
arrive (odd fields fitted), the cursor moves past the page, and the poisoned one waits in the
quarantine with its reason, for admins (`GET /api/v1/quarantine`, `list-quarantine`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.connectors.helpers import BRAND_TOKEN, MastodonMock, ReplayServer
from tests.server.helpers import (
    account_cli,
    accounts,
    add_mastodon_account,
    events_from_now,
    is_mention,
    poll,
)
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow

TRAVERSAL = "1/../../accounts/verify_credentials"


def quarantine(server: LiveServer, token: str | None = None, **params: Any) -> httpx.Response:
    return httpx.get(
        f"{server.base_url}/api/v1/quarantine",
        params=params,
        headers=server.headers(token),
        timeout=10,
    )


def quarantined(server: LiveServer) -> list[dict[str, Any]]:
    response = quarantine(server)
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_a_poisoned_mastodon_item_is_quarantined_and_ingest_goes_on(
    server: LiveServer, mastodon: MastodonMock
) -> None:
    for who in ("alice", "bob", "carmen"):
        mastodon.post(who, f"@acme a question from {who}")
    first, second, third = copy.deepcopy(mastodon.notifications()[-3:])
    first["status"]["account"]["url"] = "http://127.0.0.1/@alice/" + "x" * 600
    second["status"]["id"] = TRAVERSAL
    third["status"]["created_at"] = "2026-11-30T10:00:00"  # no zone
    mastodon.serve_page_once([first, second, third])

    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        arrived = events.wait(is_mention(str(first["status"]["id"])))
        events.wait(is_mention(str(third["status"]["id"])))
    assert arrived.data["payload"]["mention"]["author"]["url"] is None  # fitted: dropped

    [account] = poll(lambda: [a for a in accounts(server) if a["cursor"] == third["id"]])
    assert account["state"] == "ok"
    [item] = poll(lambda: quarantined(server), what="the poisoned item in quarantine")
    assert item["account"] == "acme"
    assert item["account_id"] == account["id"]
    assert item["network"] == "mastodon"
    assert item["external_id"] == TRAVERSAL
    assert item["reason"].startswith("The item does not fit the mention schema: ")
    assert "A Mastodon post id is up to 64 letters, digits" in item["reason"]
    assert item["raw"]["id"] == TRAVERSAL
    assert item["raw"]["account"]["acct"] == "bob"

    listed = account_cli(["list-quarantine"], server)
    assert listed.returncode == 0, listed.stderr
    assert TRAVERSAL in listed.stdout
    assert "A Mastodon post id is" in listed.stdout

    # Ingest goes on: a later mention arrives as usual.
    with events_from_now(server) as events:
        later = mastodon.post("alice", "@acme still there?")
        events.wait(is_mention(later["id"]))

    # Only admins see it; an admin dismisses it and it leaves the list.
    _rep_id, rep_token = server.create_user("quarantine-rep", role="manager")
    refused = quarantine(server, rep_token)
    assert refused.status_code == 403
    assert "admin" in refused.json()["detail"]
    dismissed = httpx.post(
        f"{server.base_url}/api/v1/quarantine/{item['id']}/dismiss",
        headers=server.headers(),
        timeout=10,
    )
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["dismissed_at"] is not None
    assert quarantined(server) == []
    assert quarantine(server, include_dismissed="true").json()["count"] == 1
    assert account_cli(["list-quarantine"], server).stdout.strip() == "Nothing in quarantine."
    everything = account_cli(["list-quarantine", "--all"], server)
    assert "dismissed" in everything.stdout
    missing = account_cli(["dismiss-quarantined", "999999"], server)
    assert missing.returncode == 1
    assert "No quarantined item with id 999999." in missing.stderr


LONG = "x" * 1100


def _feed(entries: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Acme community</title>
<link>https://community.example/{"c" * 600}</link>
<description>Posts about Acme</description>
{entries}
</channel></rss>"""


def _entry(guid: str, title: str, day: int, link: str) -> str:
    return f"""<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>
<link>{link}</link><pubDate>Mon, {day:02d} Nov 2026 10:00:00 +0000</pubDate>
<description>{title}, in detail.</description></item>"""


@pytest.fixture
def feed_server() -> Iterator[ReplayServer]:
    replay = ReplayServer().start()
    entries = "\n".join(
        [
            _entry("post-1", "Acme broke my sink", 23, f"https://community.example/{LONG}"),
            # A guid with a control character (a sloppy feed writer; feedparser keeps it).
            _entry("post-&#x1;-2", "A strange one", 24, "https://community.example/2"),
            _entry("post-3", "Acme fixed it, thanks", 25, "https://community.example/3"),
        ]
    )
    replay.on("GET", "/feed.xml", (200, {"content-type": "application/rss+xml"}, _feed(entries)))
    yield replay
    replay.stop()


def test_a_feed_page_with_odd_items_arrives_and_moves_its_cursor(
    server: LiveServer, feed_server: ReplayServer
) -> None:
    with events_from_now(server) as events:
        added = account_cli(
            [
                "add-account",
                "feed",
                "--name",
                "community",
                "--base-url",
                f"{feed_server.base_url}/feed.xml",
                "--option",
                "poll_interval=0.5",
            ],
            server,
        )
        assert added.returncode == 0, added.stderr
        first = events.wait(is_mention("post-1")).data["payload"]["mention"]
        events.wait(is_mention("post-3"))
    # Over their limits (1,000 and 500): dropped, not cut into links that point elsewhere.
    assert first["url"] is None
    assert first["author"]["url"] is None
    assert first["text"].startswith("Acme broke my sink")

    poll(
        lambda: [a for a in accounts(server) if (a["cursor"] or "").startswith("2026-11-25")],
        what="the feed's cursor to move past the page",
    )
    [item] = poll(lambda: quarantined(server), what="the odd entry in quarantine")
    assert item["account"] == "community"
    assert item["network"] == "feed"
    assert item["external_id"] == "post-\x01-2"
    assert "A Feed post id is text without control characters" in item["reason"]
    assert item["raw"]["title"] == "A strange one"
