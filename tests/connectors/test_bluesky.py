"""Bluesky connector against recorded AT Protocol responses (shapes from the app.bsky /
com.atproto lexicons), replayed by a local HTTP server."""

from __future__ import annotations

import uuid
from typing import Any

import grapheme
import pytest

from app.connectors import connector_for
from app.connectors.base import AuthError, NotFound, PermanentError, ReplyRequest
from app.connectors.bluesky import BlueskyConnector
from app.connectors.bluesky_records import mention_facets, record_key_for
from app.models.enums import Network
from tests.connectors.helpers import FakeTime, Recorded, ReplayServer, fast_session, load_fixture

X = "/xrpc/"
SESSION = X + "com.atproto.server.createSession"
REFRESH = X + "com.atproto.server.refreshSession"
NOTIFICATIONS = X + "app.bsky.notification.listNotifications"
GET_POSTS = X + "app.bsky.feed.getPosts"
GET_RECORD = X + "com.atproto.repo.getRecord"
CREATE_RECORD = X + "com.atproto.repo.createRecord"
THREAD = X + "app.bsky.feed.getPostThread"

EXPIRED = (400, {"error": "ExpiredToken", "message": "Token has expired"})
ROOT_URI = "at://did:plc:jules9z/app.bsky.feed.post/3lbtroot00000"
YUKI_URI = "at://did:plc:yuki5a/app.bsky.feed.post/3lbtyuki00002"
RECORD_NOT_FOUND = (400, {"error": "RecordNotFound", "message": "Could not locate record"})


def fixture(name: str) -> Any:
    return load_fixture("bluesky", name)


def bluesky(replay: ReplayServer, fake: FakeTime | None = None) -> BlueskyConnector:
    return BlueskyConnector(
        replay.base_url, "nimbus.example", "abcd-efgh-ijkl-mnop", http=fast_session(fake)
    )


def login(replay: ReplayServer) -> None:
    replay.on("POST", SESSION, (200, fixture("create_session.json")))


def bearer(request: Recorded) -> str:
    return request.headers.get("authorization", "")


async def test_login_and_mentions_oldest_first(replay: ReplayServer) -> None:
    login(replay)
    replay.on("GET", NOTIFICATIONS, (200, fixture("list_notifications_page1.json")))
    c = bluesky(replay)

    result = await c.fetch_mentions(None)

    [session] = replay.calls(SESSION)
    assert session.json() == {"identifier": "nimbus.example", "password": "abcd-efgh-ijkl-mnop"}
    [listing] = replay.calls(NOTIFICATIONS)
    assert bearer(listing) == "Bearer access-1"
    assert set(listing.query["reasons"]) == {"mention", "reply", "quote"}
    # The like is not a mention; the rest come oldest first.
    jules, yuki = result.mentions
    assert jules.mention.network is Network.BLUESKY
    assert jules.external_id == "at://did:plc:jules9z/app.bsky.feed.post/3lbtjules0001"
    assert jules.mention.author.handle == "@jules.bsky.social"
    assert jules.mention.text.endswith("keep paying this ☕")
    assert str(jules.mention.url) == "https://bsky.app/profile/jules.bsky.social/post/3lbtjules0001"
    assert jules.mention.thread_key == jules.external_id
    assert yuki.mention.language == "ja"
    assert yuki.mention.in_reply_to_external_id == (
        "at://did:plc:nimbusbrand7x2k/app.bsky.feed.post/3lbtbrand0001"
    )
    assert yuki.mention.thread_key == "at://did:plc:jules9z/app.bsky.feed.post/3lbtroot00000"
    assert yuki.reply_ref["root_cid"] == "bafyreiroot0"
    assert result.next_cursor == (
        "2026-11-23T09:14:04.001Z at://did:plc:yuki5a/app.bsky.feed.post/3lbtyuki00002"
    )

    again = await c.fetch_mentions(result.next_cursor)
    assert again.mentions == []
    assert again.next_cursor == result.next_cursor
    await c.aclose()


async def test_pages_back_until_the_cursor_is_reached(replay: ReplayServer) -> None:
    login(replay)
    page1, page2 = (
        fixture("list_notifications_page1.json"),
        fixture("list_notifications_page2.json"),
    )

    def listing(request: Recorded) -> tuple[int, dict[str, str], Any]:
        return (200, {}, page2 if request.query.get("cursor") else page1)

    replay.on("GET", NOTIFICATIONS, listing)
    c = bluesky(replay)
    cursor = "2026-11-23T08:00:00.000Z at://did:plc:older/app.bsky.feed.post/x"
    result = await c.fetch_mentions(cursor)
    assert [m.mention.author.handle for m in result.mentions] == [
        "@mo.bsky.social",
        "@jules.bsky.social",
        "@yuki.bsky.social",
    ]
    assert [r.query.get("cursor") for r in replay.calls(NOTIFICATIONS)] == [
        None,
        ["2026-11-23T09:02:12.345Z"],
    ]
    await c.aclose()


async def test_expired_access_token_is_refreshed(replay: ReplayServer) -> None:
    login(replay)
    replay.on(
        "POST",
        REFRESH,
        (
            200,
            {**fixture("create_session.json"), "accessJwt": "access-2", "refreshJwt": "refresh-2"},
        ),
    )

    def listing(request: Recorded) -> tuple[int, dict[str, str], Any]:
        if bearer(request) == "Bearer access-2":
            return (200, {}, fixture("list_notifications_page1.json"))
        return (400, {}, EXPIRED[1])

    replay.on("GET", NOTIFICATIONS, listing)
    c = bluesky(replay)
    result = await c.fetch_mentions(None)
    assert len(result.mentions) == 2
    [refresh] = replay.calls(REFRESH)
    assert bearer(refresh) == "Bearer refresh-1"
    assert len(replay.calls(SESSION)) == 1
    await c.aclose()


async def test_expired_refresh_token_logs_in_again(replay: ReplayServer) -> None:
    sessions = iter(["access-1", "access-3"])
    replay.on(
        "POST",
        SESSION,
        lambda _r: (200, {}, {**fixture("create_session.json"), "accessJwt": next(sessions)}),
    )
    replay.on("POST", REFRESH, EXPIRED)

    def listing(request: Recorded) -> tuple[int, dict[str, str], Any]:
        if bearer(request) == "Bearer access-3":
            return (200, {}, fixture("list_notifications_page1.json"))
        return (400, {}, EXPIRED[1])

    replay.on("GET", NOTIFICATIONS, listing)
    c = bluesky(replay)
    result = await c.fetch_mentions(None)
    assert len(result.mentions) == 2
    assert len(replay.calls(SESSION)) == 2
    await c.aclose()


async def test_wrong_app_password_is_an_auth_error(replay: ReplayServer) -> None:
    replay.on(
        "POST",
        SESSION,
        (401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}),
    )
    c = bluesky(replay)
    with pytest.raises(AuthError, match="Invalid identifier or password"):
        await c.fetch_mentions(None)
    await c.aclose()


async def test_rate_limit_waits_for_the_reset(replay: ReplayServer) -> None:
    fake = FakeTime()
    login(replay)
    replay.on(
        "GET",
        NOTIFICATIONS,
        (
            429,
            {
                "ratelimit-limit": "3000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(int(fake.now) + 12),
            },
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        ),
        (200, fixture("list_notifications_page1.json")),
    )
    c = bluesky(replay, fake)
    result = await c.fetch_mentions(None)
    assert len(result.mentions) == 2
    assert fake.sleeps == [pytest.approx(12)]
    await c.aclose()


def _reply_handlers(replay: ReplayServer) -> list[dict[str, Any]]:
    """getRecord answers RecordNotFound until createRecord stored the record."""
    stored: list[dict[str, Any]] = []

    def create(request: Recorded) -> tuple[int, dict[str, str], Any]:
        body = request.json()
        uri = f"at://{body['repo']}/{body['collection']}/{body['rkey']}"
        stored.append({"uri": uri, "cid": "bafyreinewreply", "value": body["record"]})
        return (200, {}, {**fixture("create_record.json"), "uri": uri})

    def get_record(request: Recorded) -> tuple[int, dict[str, str], Any]:
        for record in stored:
            if record["uri"].endswith("/" + request.query["rkey"][0]):
                return (200, {}, record)
        return (400, {}, RECORD_NOT_FOUND[1])

    replay.on("POST", CREATE_RECORD, create)
    replay.on("GET", GET_RECORD, get_record)
    return stored


async def test_reply_has_strong_refs_and_a_mention_facet(replay: ReplayServer) -> None:
    login(replay)
    replay.on("GET", GET_POSTS, (200, fixture("get_posts_reply_target.json")))
    stored = _reply_handlers(replay)
    c = bluesky(replay)
    client_id = str(uuid.uuid4())

    posted = await c.post_reply(
        ReplyRequest(
            client_id=client_id,
            body="ごめんなさい 🙏 we're fixing it — status: https://status.nimbus.example/app",
            in_reply_to_external_id="at://did:plc:yuki5a/app.bsky.feed.post/3lbtyuki00002",
        )
    )

    rkey = record_key_for(client_id)
    assert posted.external_id == f"at://did:plc:nimbusbrand7x2k/app.bsky.feed.post/{rkey}"
    assert posted.url == f"https://bsky.app/profile/nimbus.example/post/{rkey}"
    [create] = replay.calls(CREATE_RECORD)
    body = create.json()
    assert body["repo"] == "did:plc:nimbusbrand7x2k"
    assert body["collection"] == "app.bsky.feed.post"
    record = body["record"]
    assert record["reply"] == {
        "root": {
            "uri": "at://did:plc:jules9z/app.bsky.feed.post/3lbtroot00000",
            "cid": "bafyreiroot0",
        },
        "parent": {
            "uri": "at://did:plc:yuki5a/app.bsky.feed.post/3lbtyuki00002",
            "cid": "bafyreiyuki2",
        },
    }
    text: str = record["text"]
    assert text.startswith("@yuki.bsky.social ごめんなさい 🙏")
    encoded = text.encode("utf-8")
    mention, link = record["facets"]
    assert mention["features"] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:yuki5a"}
    ]
    m = mention["index"]
    assert encoded[m["byteStart"] : m["byteEnd"]] == b"@yuki.bsky.social"
    i = link["index"]
    assert encoded[i["byteStart"] : i["byteEnd"]] == b"https://status.nimbus.example/app"
    assert len(stored) == 1
    await c.aclose()


async def test_same_client_id_twice_creates_one_record(replay: ReplayServer) -> None:
    login(replay)
    replay.on("GET", GET_POSTS, (200, fixture("get_posts_reply_target.json")))
    stored = _reply_handlers(replay)
    c = bluesky(replay)
    request = ReplyRequest(
        str(uuid.uuid4()),
        "Sorry about that!",
        "at://did:plc:yuki5a/app.bsky.feed.post/3lbtyuki00002",
    )
    first = await c.post_reply(request)
    second = await c.post_reply(request)
    assert first.external_id == second.external_id
    assert len(replay.calls(CREATE_RECORD)) == 1
    assert len(stored) == 1
    await c.aclose()


async def test_reply_to_a_deleted_post_is_not_found(replay: ReplayServer) -> None:
    login(replay)
    replay.on("GET", GET_POSTS, (200, {"posts": []}))
    c = bluesky(replay)
    with pytest.raises(NotFound):
        await c.post_reply(
            ReplyRequest(
                str(uuid.uuid4()), "Hi", "at://did:plc:gone/app.bsky.feed.post/3lbtgone00001"
            )
        )
    assert replay.calls(CREATE_RECORD) == []
    await c.aclose()


async def test_300_graphemes_not_300_code_points(replay: ReplayServer) -> None:
    login(replay)
    replay.on("GET", GET_POSTS, (200, fixture("get_posts_reply_target.json")))
    _reply_handlers(replay)
    c = bluesky(replay)
    target = "at://did:plc:yuki5a/app.bsky.feed.post/3lbtyuki00002"
    prefix = len("@yuki.bsky.social ")
    fits = "👍🏽" * (300 - prefix)  # two code points each, one grapheme
    assert len(fits) > 300
    assert grapheme.length("@yuki.bsky.social " + fits) == 300
    await c.post_reply(ReplyRequest(str(uuid.uuid4()), fits, target))
    with pytest.raises(PermanentError, match="300"):
        await c.post_reply(ReplyRequest(str(uuid.uuid4()), fits + "!", target))
    assert len(replay.calls(CREATE_RECORD)) == 1
    await c.aclose()


async def test_thread_context_in_order(replay: ReplayServer) -> None:
    login(replay)
    replay.on("GET", THREAD, (200, fixture("get_post_thread.json")))
    c = bluesky(replay)
    thread = await c.fetch_thread("at://did:plc:yuki5a/app.bsky.feed.post/3lbtyuki00002")
    assert [m.mention.author.handle for m in thread] == [
        "@jules.bsky.social",
        "@nimbus.example",
        "@yuki.bsky.social",
        "@ben.bsky.social",
    ]
    replay.on("GET", THREAD, (400, {"error": "NotFound", "message": "Post not found"}))
    with pytest.raises(NotFound):
        await c.fetch_thread("at://did:plc:gone/app.bsky.feed.post/x")
    await c.aclose()


def test_facet_offsets_are_utf8_bytes() -> None:
    text = "Ünïcödé 🎉 first, then @ana.bsky.social"
    [facet] = mention_facets(text, "ana.bsky.social", "did:plc:ana")
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert start != text.index("@")  # code points and bytes differ here
    assert text.encode()[start:end].decode() == "@ana.bsky.social"


def test_record_key_is_a_stable_tid() -> None:
    key = record_key_for("3f1c2a4e-0000-4000-8000-000000000001")
    assert key == record_key_for("3f1c2a4e-0000-4000-8000-000000000001")
    assert key != record_key_for("3f1c2a4e-0000-4000-8000-000000000002")
    assert len(key) == 13
    assert key[0] in "234567abcdefghij"
    assert set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")


async def test_factory_reads_handle_and_app_password(replay: ReplayServer) -> None:
    login(replay)
    replay.on("GET", NOTIFICATIONS, (200, {"notifications": []}))
    c = connector_for("bluesky", replay.base_url, "nimbus.example:abcd-efgh-ijkl-mnop")
    identity = await c.verify()
    assert identity.handle == "@nimbus.example"
    assert replay.calls(SESSION)[0].json()["password"] == "abcd-efgh-ijkl-mnop"
    await c.aclose()
    with pytest.raises(PermanentError, match="app password"):
        connector_for("bluesky", replay.base_url, "just-a-password")


async def test_a_post_whose_uri_is_no_at_uri_is_quarantined(replay: ReplayServer) -> None:
    login(replay)
    listing = fixture("list_notifications_page1.json")
    odd = dict(listing["notifications"][2])  # Jules's mention, re-sent as a web link
    odd["uri"] = "https://bsky.app/profile/jules.bsky.social/post/3lbtjules0009"
    odd["indexedAt"] = "2026-11-23T09:20:00.000Z"  # the newest of the page
    listing["notifications"].insert(0, odd)
    replay.on("GET", NOTIFICATIONS, (200, listing))
    c = bluesky(replay)
    result = await c.fetch_mentions(None)
    await c.aclose()
    assert [m.external_id for m in result.mentions] == [
        "at://did:plc:jules9z/app.bsky.feed.post/3lbtjules0001",
        YUKI_URI,
    ]
    [bad] = result.quarantined
    assert bad.external_id == odd["uri"]
    assert "A Bluesky post id is an AT URI" in bad.reason
    assert bad.raw["uri"] == odd["uri"]
    assert result.next_cursor == f"2026-11-23T09:20:00.000Z {odd['uri']}"  # passes it
