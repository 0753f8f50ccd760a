"""X connector against recorded API v2 responses (shapes from the X API v2 documentation),
replayed by a local HTTP server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.connectors.base import (
    AuthError,
    NotFound,
    PermanentError,
    RateLimited,
    ReplyRequest,
    TransientError,
)
from app.connectors.x import XConnector
from app.models.enums import Network
from tests.connectors.helpers import FakeTime, Recorded, ReplayServer, fast_session, load_fixture

BRAND_ID = "1450000000000000001"
ME = "/2/users/me"
MENTIONS = f"/2/users/{BRAND_ID}/mentions"
TWEETS = "/2/tweets"


def fixture(name: str) -> Any:
    return load_fixture("x", name)


def x(replay: ReplayServer, fake: FakeTime | None = None) -> XConnector:
    return XConnector(replay.base_url, "user-context-token", http=fast_session(fake))


def reply(body: str = "Sorry for the wait, Kevin — engineers are on it.") -> ReplyRequest:
    return ReplyRequest(
        str(uuid.uuid4()), body, "1860000000000000305", author_handle="@kev_on_call"
    )


async def test_mentions_since_id_paged_oldest_first(replay: ReplayServer) -> None:
    replay.on("GET", ME, (200, fixture("users_me.json")))

    def mentions(request: Recorded) -> tuple[int, dict[str, str], Any]:
        page = (
            "mentions_page2.json" if "pagination_token" in request.query else "mentions_page1.json"
        )
        return (200, {}, fixture(page))

    replay.on("GET", MENTIONS, mentions)
    c = x(replay)
    result = await c.fetch_mentions("1860000000000000050")

    first, second = replay.calls(MENTIONS)
    assert first.headers["authorization"] == "Bearer user-context-token"
    assert first.query["since_id"] == ["1860000000000000050"]
    assert first.query["expansions"] == ["author_id"]
    assert "pagination_token" not in first.query
    assert second.query["pagination_token"] == ["7140dibdnow9c7btw423x78yx4qfmcfx"]
    assert second.query["since_id"] == ["1860000000000000050"]

    ids = [m.external_id for m in result.mentions]
    assert ids == ["1860000000000000101", "1860000000000000210", "1860000000000000305"]
    assert result.next_cursor == "1860000000000000305"
    angry = result.mentions[-1].mention
    assert angry.network is Network.X
    assert angry.author.handle == "@kev_on_call"
    assert angry.author.followers == 210
    # X escapes &, <, > in v2 text; the t.co link is shown expanded.
    assert (
        "Great. & your status page says all good >:( https://status.nimbus.example/" in angry.text
    )
    assert angry.in_reply_to_external_id == "1860000000000000101"
    assert angry.thread_key == "1860000000000000101"
    assert str(angry.url) == "https://x.com/kev_on_call/status/1860000000000000305"
    assert result.mentions[1].mention.language == "es"
    await c.aclose()


async def test_no_new_mentions_keeps_the_cursor(replay: ReplayServer) -> None:
    replay.on("GET", ME, (200, fixture("users_me.json")))
    replay.on("GET", MENTIONS, (200, fixture("mentions_empty.json")))
    c = x(replay)
    result = await c.fetch_mentions("1860000000000000305")
    assert result.mentions == []
    assert result.next_cursor == "1860000000000000305"
    await c.aclose()


async def test_429_waits_until_x_rate_limit_reset(replay: ReplayServer) -> None:
    fake = FakeTime()
    reset = str(int(fake.now) + 40)
    replay.on("GET", ME, (200, fixture("users_me.json")))
    replay.on(
        "GET",
        MENTIONS,
        (
            429,
            {
                "x-rate-limit-limit": "180",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": reset,
            },
            fixture("too_many_requests.json"),
        ),
        (200, fixture("mentions_empty.json")),
    )
    c = x(replay, fake)
    await c.fetch_mentions("1")
    assert fake.sleeps == [pytest.approx(40)]
    await c.aclose()


async def test_exhausted_window_holds_the_host_off(replay: ReplayServer) -> None:
    fake = FakeTime()
    replay.on("GET", ME, (200, fixture("users_me.json")))
    replay.on(
        "GET",
        MENTIONS,
        (
            200,
            {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(fake.now) + 25)},
            fixture("mentions_empty.json"),
        ),
        (
            200,
            {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(fake.now) + 900)},
            fixture("mentions_empty.json"),
        ),
    )
    c = x(replay, fake)
    await c.fetch_mentions("1")
    assert fake.sleeps == []
    await c.fetch_mentions("1")  # waits out the window before asking again
    assert fake.sleeps == [pytest.approx(25)]
    with pytest.raises(RateLimited) as caught:
        await c.fetch_mentions("1")  # a 15-minute window is the caller's to wait
    assert caught.value.retry_after == pytest.approx(900 - 25)
    assert len(replay.calls(MENTIONS)) == 2
    await c.aclose()


async def test_reply_threads_with_in_reply_to_tweet_id(replay: ReplayServer) -> None:
    replay.on("POST", TWEETS, (201, fixture("create_tweet.json")))
    c = x(replay)
    posted = await c.post_reply(reply())
    [call] = replay.calls(TWEETS)
    assert call.json() == {
        "text": "Sorry for the wait, Kevin — engineers are on it.",
        "reply": {"in_reply_to_tweet_id": "1860000000000000305"},
    }
    assert posted.external_id == "1860000000000000999"
    assert posted.url is not None
    assert posted.url.endswith("/status/1860000000000000999")
    await c.aclose()


async def test_length_is_counted_as_x_counts_it(replay: ReplayServer) -> None:
    replay.on("POST", TWEETS, (201, fixture("create_tweet.json")))
    c = x(replay)
    long_link = "https://status.nimbus-mobile.com/incidents/2026-11-23/north-of-england/" + "a" * 80
    fits = "b" * (280 - 24) + " " + long_link  # the link counts 23, whatever its length
    assert len(fits) > 280
    await c.post_reply(reply(fits))
    with pytest.raises(PermanentError, match="280"):
        await c.post_reply(reply("c" * 281))
    # CJK characters weigh two.
    with pytest.raises(PermanentError):
        await c.post_reply(reply("遅" * 141))
    assert len(replay.calls(TWEETS)) == 1
    await c.aclose()


async def test_duplicate_and_deleted_are_told_apart(replay: ReplayServer) -> None:
    replay.on("POST", TWEETS, (403, fixture("duplicate.json")))
    c = x(replay)
    with pytest.raises(PermanentError, match="duplicate content"):
        await c.post_reply(reply())
    replay.on("POST", TWEETS, (403, fixture("reply_to_deleted.json")))
    with pytest.raises(NotFound):
        await c.post_reply(reply())
    await c.aclose()


async def test_5xx_after_a_post_is_ambiguous_and_not_retried(replay: ReplayServer) -> None:
    fake = FakeTime()
    replay.on("POST", TWEETS, (500, {"title": "Internal Server Error"}))
    c = x(replay, fake)
    with pytest.raises(TransientError) as caught:
        await c.post_reply(reply())
    assert caught.value.ambiguous is True
    assert len(replay.calls(TWEETS)) == 1
    await c.aclose()


async def test_revoked_token_is_an_auth_error(replay: ReplayServer) -> None:
    replay.on("GET", ME, (401, fixture("unauthorized.json")))
    c = x(replay)
    with pytest.raises(AuthError):
        await c.fetch_mentions(None)
    await c.aclose()


async def test_thread_of_a_deleted_post_is_not_found(replay: ReplayServer) -> None:
    replay.on("GET", f"{TWEETS}/1860000000000000404", (200, fixture("tweet_not_found.json")))
    c = x(replay)
    with pytest.raises(NotFound, match="Could not find tweet"):
        await c.fetch_thread("1860000000000000404")
    await c.aclose()


async def test_a_retry_finds_the_reply_that_landed(replay: ReplayServer) -> None:
    replay.on("GET", ME, (200, fixture("users_me.json")))
    replay.on("GET", f"/2/users/{BRAND_ID}/tweets", (200, fixture("user_tweets.json")))
    replay.on("POST", TWEETS, (201, fixture("create_tweet.json")))
    c = x(replay)
    landed = ReplyRequest(
        str(uuid.uuid4()),
        "Sorry for the wait, Kevin — engineers are on it.",
        "1860000000000000305",
        is_retry=True,
    )
    posted = await c.post_reply(landed)
    assert posted.external_id == "1860000000000000999"
    assert replay.calls(TWEETS) == []
    # A retry whose first attempt never landed does post.
    other = ReplyRequest(
        str(uuid.uuid4()), "A different answer.", "1860000000000000305", is_retry=True
    )
    await c.post_reply(other)
    assert len(replay.calls(TWEETS)) == 1
    await c.aclose()


async def test_polling_stream_rides_out_failures_and_reports_them(replay: ReplayServer) -> None:
    fake = FakeTime()
    replay.on("GET", ME, (200, fixture("users_me.json")))
    replay.on(
        "GET",
        MENTIONS,
        (503, {"title": "Service Unavailable"}),
        (503, {"title": "Service Unavailable"}),
        (503, {"title": "Service Unavailable"}),
        (503, {"title": "Service Unavailable"}),
        (200, fixture("mentions_page2.json")),
    )
    c = XConnector(replay.base_url, "t", http=fast_session(fake, attempts=2), poll_interval=60)
    statuses: list[str | None] = []
    c.on_status = lambda error: statuses.append(error.message if error else None)
    stream = c.stream_mentions("1860000000000000050")
    got = await anext(stream)
    assert got.external_id == "1860000000000000101"
    assert got.cursor == "1860000000000000101"
    assert len(statuses) == 3  # two failed polls (two attempts each), then recovery
    assert statuses[0] is not None
    assert "503" in statuses[0]
    assert statuses[-1] is None
    await stream.aclose()  # type: ignore[attr-defined]
    await c.aclose()


async def test_a_tweet_with_an_odd_id_is_quarantined_and_the_rest_arrive(
    replay: ReplayServer,
) -> None:
    page = fixture("mentions_page1.json")
    page.pop("meta", None)  # one page only
    odd = dict(page["data"][1], id="1860000000000000210/retweets")
    page["data"].append(odd)
    page["includes"]["users"][0]["name"] = "K" * 400  # over the 200 of display names: cut
    replay.on("GET", ME, (200, fixture("users_me.json")))
    replay.on("GET", MENTIONS, (200, page))
    c = x(replay)
    result = await c.fetch_mentions("1860000000000000050")
    await c.aclose()
    assert [m.external_id for m in result.mentions] == [
        "1860000000000000210",
        "1860000000000000305",
    ]
    kevin = result.mentions[1].mention.author
    assert len(kevin.display_name) == 200
    assert kevin.display_name.endswith("…")
    [bad] = result.quarantined
    assert bad.external_id == "1860000000000000210/retweets"
    assert "An X post id is up to 19 digits" in bad.reason
    assert bad.raw["tweet"]["id"] == "1860000000000000210/retweets"
    assert result.next_cursor == "1860000000000000305"


async def test_a_post_id_is_one_path_segment(replay: ReplayServer) -> None:
    c = x(replay)
    with pytest.raises(NotFound):
        await c.fetch_thread("1/../../users/me")
    await c.aclose()
    [call] = replay.requests
    assert call.path == "/2/tweets/1/../../users/me"  # one segment, decoded by the server
    assert not replay.calls(ME)
