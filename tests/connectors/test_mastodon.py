"""Mastodon connector against a real Mastodon-API server (mastodon-mock) on loopback:
ingest, cursor paging, live streaming, threading, visibility, idempotency and every fault."""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from app.connectors.base import (
    AuthError,
    Incoming,
    IncomingMention,
    NotFound,
    PermanentError,
    RateLimited,
    ReplyRequest,
    TransientError,
)
from app.connectors.mastodon import MastodonConnector
from app.models.enums import Network
from tests.connectors.helpers import BRAND_TOKEN, FakeTime, MastodonMock, fast_session

NOTIFICATIONS = "/api/v1/notifications"


def connector(
    server: MastodonMock, fake: FakeTime | None = None, **options: object
) -> MastodonConnector:
    timeout = float(options.pop("timeout", 5.0))  # type: ignore[arg-type]
    return MastodonConnector(
        server.base_url,
        BRAND_TOKEN,
        http=fast_session(fake, timeout=timeout),
        reconnect_initial=0.05,
        reconnect_max=0.5,
        **options,  # type: ignore[arg-type]
    )


class Collector:
    """Runs stream_mentions in a task and hands each mention over through a queue."""

    def __init__(self, stream: AsyncIterator[Incoming]) -> None:
        self.queue: asyncio.Queue[Incoming | BaseException] = asyncio.Queue()
        self._stream = stream
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            async for incoming in self._stream:
                await self.queue.put(incoming)
        except Exception as exc:
            await self.queue.put(exc)

    async def next_item(self, within: float = 10.0) -> Incoming:
        item = await asyncio.wait_for(self.queue.get(), within)
        if isinstance(item, BaseException):
            raise item
        return item

    async def next(self, within: float = 10.0) -> IncomingMention:
        item = await self.next_item(within)
        assert isinstance(item, IncomingMention), item
        return item

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def test_verify_names_the_brand_account(mastodon: MastodonMock) -> None:
    c = connector(mastodon)
    identity = await c.verify()
    assert identity.handle == "@acme"
    assert identity.display_name == "Acme Support"
    await c.aclose()


async def test_ingest_turns_mentions_into_plain_text_oldest_first(mastodon: MastodonMock) -> None:
    first = mastodon.post("alice", "@acme my order is late!\nSecond line &amp; <b>not bold</b>")
    second = mastodon.post("carmen", "@acme مرحبا، الطلب لم يصل 📦", visibility="direct")
    mastodon.post("bob", "just a post, no mention")
    c = connector(mastodon)

    result = await c.fetch_mentions(None)

    assert [m.external_id for m in result.mentions] == [first["id"], second["id"]]
    one, two = (m.mention for m in result.mentions)
    assert one.network is Network.MASTODON
    assert one.author.handle == "@alice"
    assert one.author.display_name == "Alice"
    # Entities decoded once, the author's literal markup stays visible text, lines kept.
    assert one.text == "@acme my order is late!\nSecond line &amp; <b>not bold</b>"
    assert str(one.url).endswith(first["id"])
    assert one.visibility == "public"
    assert two.text == "@acme مرحبا، الطلب لم يصل 📦"
    assert two.visibility == "direct"
    assert result.mentions[1].reply_ref["author_acct"] == "carmen"
    assert result.next_cursor == result.mentions[-1].cursor

    again = await c.fetch_mentions(result.next_cursor)
    assert again.mentions == []
    assert again.next_cursor == result.next_cursor

    third = mastodon.post("bob", "@acme where is my refund?")
    later = await c.fetch_mentions(result.next_cursor)
    assert [m.external_id for m in later.mentions] == [third["id"]]
    await c.aclose()


async def test_cursor_pages_forward_without_gaps(mastodon: MastodonMock) -> None:
    c = connector(mastodon, page_size=2, max_pages=2)
    start = await c.fetch_mentions(None)
    assert start.mentions == []
    assert start.next_cursor == "0"  # nothing yet: the next call reads from the beginning
    cursor = mastodon.post("alice", "@acme zero")["id"]
    cursor = (await c.fetch_mentions(None)).next_cursor
    posted = [mastodon.post("alice", f"@acme number {i}")["id"] for i in range(5)]

    first = await c.fetch_mentions(cursor)
    assert first.more is True
    assert [m.external_id for m in first.mentions] == posted[:4]
    rest = await c.fetch_mentions(first.next_cursor)
    assert rest.more is False
    assert [m.external_id for m in rest.mentions] == posted[4:]
    await c.aclose()


async def test_stream_delivers_live_mentions_and_catches_up(mastodon: MastodonMock) -> None:
    before = mastodon.post("alice", "@acme posted before we listened")
    c = connector(mastodon, poll_interval=3600)
    collector = Collector(c.stream_mentions("0"))
    try:
        caught_up = await collector.next()
        assert caught_up.external_id == before["id"]
        # The catch-up poll ran after subscribing; from here on only the stream can deliver.
        live = mastodon.post("bob", "@acme live one")
        got = await collector.next()
        assert got.external_id == live["id"]
        assert got.cursor is not None
        assert got.cursor > (caught_up.cursor or "")
    finally:
        await collector.close()
        await c.aclose()


async def test_stream_survives_a_server_restart(own_mastodon: MastodonMock) -> None:
    server = own_mastodon
    c = connector(server, poll_interval=3600)
    statuses: list[str | None] = []
    c.on_status = lambda error: statuses.append(error.message if error else None)
    first = server.post("alice", "@acme before the restart")
    collector = Collector(c.stream_mentions("0"))
    try:
        got = await collector.next()
        assert got.external_id == first["id"]
        server.stop()
        server.start()
        after = server.post("bob", "@acme after the restart")
        got = await collector.next(within=20)
        assert got.external_id == after["id"]
        # Nothing twice: the next item is the next new post.
        third = server.post("alice", "@acme third")
        got = await collector.next()
        assert got.external_id == third["id"]
        # The account's state went to "trouble" while the server was away, then back to fine.
        assert statuses[0] is not None
        assert statuses[-1] is None
    finally:
        await collector.close()
        await c.aclose()


async def test_reply_threads_under_the_mention_with_the_handle_first(
    mastodon: MastodonMock,
) -> None:
    post = mastodon.post("alice", "@acme my parcel never arrived")
    c = connector(mastodon)
    reply = await c.post_reply(
        ReplyRequest(
            client_id=str(uuid.uuid4()),
            body="Sorry to hear that! Could you DM us your order number?",
            in_reply_to_external_id=post["id"],
            author_handle="@alice",
        )
    )
    assert reply.url
    assert reply.external_id in reply.url
    context = mastodon.context(post["id"])
    [status] = context["descendants"]
    assert status["id"] == reply.external_id
    assert status["in_reply_to_id"] == post["id"]
    assert status["content"].startswith("<p>@alice Sorry to hear that!")

    thread = await c.fetch_thread(post["id"])
    assert [m.external_id for m in thread] == [post["id"], reply.external_id]
    assert thread[1].mention.in_reply_to_external_id == post["id"]
    await c.aclose()


async def test_handle_not_repeated_when_the_rep_wrote_it(mastodon: MastodonMock) -> None:
    post = mastodon.post("bob", "@acme hello")
    c = connector(mastodon)
    reply = await c.post_reply(
        ReplyRequest(str(uuid.uuid4()), "@bob Hi Bob!", post["id"], author_handle="@bob")
    )
    [status] = mastodon.context(post["id"])["descendants"]
    assert status["id"] == reply.external_id
    assert status["content"].count("@bob") == 1
    await c.aclose()


@pytest.mark.parametrize(
    ("customer", "asked", "expected"),
    [
        ("direct", None, "direct"),
        ("direct", "public", "direct"),
        ("private", "public", "private"),
        ("unlisted", None, "unlisted"),
        ("public", "unlisted", "unlisted"),
        ("public", None, "public"),
    ],
)
async def test_reply_is_never_wider_than_the_customer_post(
    mastodon: MastodonMock, customer: str, asked: str | None, expected: str
) -> None:
    post = mastodon.post("alice", "@acme a question", visibility=customer)
    c = connector(mastodon)
    reply = await c.post_reply(
        ReplyRequest(str(uuid.uuid4()), "Happy to help.", post["id"], visibility=asked)  # type: ignore[arg-type]
    )
    assert reply.visibility == expected
    [status] = mastodon.context(post["id"])["descendants"]
    assert status["visibility"] == expected
    await c.aclose()


async def test_same_client_id_twice_posts_once(mastodon: MastodonMock) -> None:
    post = mastodon.post("alice", "@acme double?")
    c = connector(mastodon)
    request = ReplyRequest(str(uuid.uuid4()), "Only once, please.", post["id"])
    one = await c.post_reply(request)
    two = await c.post_reply(request)
    assert one.external_id == two.external_id
    assert len(mastodon.context(post["id"])["descendants"]) == 1
    await c.aclose()


async def test_reply_retried_after_a_5xx_still_posts_once(mastodon: MastodonMock) -> None:
    post = mastodon.post("alice", "@acme flaky")
    fake = FakeTime()
    c = connector(mastodon, fake)
    mastodon.fault(
        match={"methods": ["POST"], "path": "/api/v1/statuses"},
        effect={"type": "status", "status": 502},
        count=1,
    )
    reply = await c.post_reply(ReplyRequest(str(uuid.uuid4()), "Got it.", post["id"]))
    assert len(fake.sleeps) == 1
    [status] = mastodon.context(post["id"])["descendants"]
    assert status["id"] == reply.external_id
    await c.aclose()


async def test_a_retry_after_the_key_expired_finds_the_earlier_reply(
    mastodon: MastodonMock,
) -> None:
    post = mastodon.post("alice", "@acme crash test")
    c = connector(mastodon)
    first = await c.post_reply(ReplyRequest(str(uuid.uuid4()), "We are on it.", post["id"]))
    # Mastodon forgets Idempotency-Keys after about an hour: a new key stands for that here.
    again = await c.post_reply(
        ReplyRequest(str(uuid.uuid4()), "We are on it.", post["id"], is_retry=True)
    )
    assert again.external_id == first.external_id
    assert len(mastodon.context(post["id"])["descendants"]) == 1
    await c.aclose()


async def test_reply_that_is_too_long_is_refused_before_posting(mastodon: MastodonMock) -> None:
    post = mastodon.post("alice", "@acme hi")
    c = connector(mastodon)
    with pytest.raises(PermanentError, match="500"):
        await c.post_reply(ReplyRequest(str(uuid.uuid4()), "x" * 600, post["id"]))
    assert mastodon.context(post["id"])["descendants"] == []
    await c.aclose()


# --- faults -------------------------------------------------------------------------------


async def test_429_waits_the_retry_after_then_succeeds(mastodon: MastodonMock) -> None:
    post = mastodon.post("alice", "@acme slow down")
    fake = FakeTime()
    c = connector(mastodon, fake)
    mastodon.fault(
        match={"path": NOTIFICATIONS},
        effect={"type": "ratelimit", "headers": {"Retry-After": "7"}},
        count=1,
    )
    result = await c.fetch_mentions(None)
    assert [m.external_id for m in result.mentions] == [post["id"]]
    assert fake.sleeps == [pytest.approx(7)]
    await c.aclose()


async def test_a_long_rate_limit_goes_to_the_caller(mastodon: MastodonMock) -> None:
    fake = FakeTime()
    c = connector(mastodon, fake)
    reset = int(fake.now) + 900
    mastodon.fault(
        match={"path": NOTIFICATIONS},
        effect={
            "type": "ratelimit",
            "headers": {"Retry-After": "900", "X-RateLimit-Reset": str(reset)},
        },
        count=1,
    )
    with pytest.raises(RateLimited) as caught:
        await c.fetch_mentions(None)
    assert caught.value.retry_after == pytest.approx(900)
    # The host stays on hold: the next call does not even ask before the time is up.
    with pytest.raises(RateLimited):
        await c.fetch_mentions(None)
    assert fake.sleeps == []
    await c.aclose()


async def test_5xx_backs_off_exponentially_then_succeeds(mastodon: MastodonMock) -> None:
    post = mastodon.post("alice", "@acme 5xx")
    fake = FakeTime()
    c = connector(mastodon, fake)
    mastodon.fault(match={"path": NOTIFICATIONS}, effect={"type": "status", "status": 503}, count=2)
    result = await c.fetch_mentions(None)
    assert [m.external_id for m in result.mentions] == [post["id"]]
    assert len(fake.sleeps) == 2
    assert fake.sleeps[1] > fake.sleeps[0] * 1.2
    await c.aclose()


async def test_5xx_that_never_ends_is_a_transient_error(mastodon: MastodonMock) -> None:
    fake = FakeTime()
    c = connector(mastodon, fake)
    mastodon.fault(match={"path": NOTIFICATIONS}, effect={"type": "status", "status": 500})
    with pytest.raises(TransientError, match="500"):
        await c.fetch_mentions(None)
    assert len(fake.sleeps) == 3  # four attempts
    await c.aclose()


async def test_timeout_is_retried(mastodon: MastodonMock) -> None:
    post = mastodon.post("alice", "@acme are you there?")
    fake = FakeTime()
    c = connector(mastodon, fake, timeout=2.0)
    # The mock holds this request for 30 s; we give up after 2 s and try again.
    mastodon.fault(match={"path": NOTIFICATIONS}, effect={"type": "timeout"}, count=1)
    result = await c.fetch_mentions(None)
    assert [m.external_id for m in result.mentions] == [post["id"]]
    assert len(fake.sleeps) >= 1
    await c.aclose()


@pytest.mark.parametrize("truncate", [True, False])
async def test_truncated_or_malformed_json_is_retried(
    mastodon: MastodonMock, truncate: bool
) -> None:
    post = mastodon.post("alice", "@acme garbled")
    fake = FakeTime()
    c = connector(mastodon, fake)
    mastodon.fault(
        match={"path": NOTIFICATIONS}, effect={"type": "malformed", "truncate": truncate}, count=1
    )
    result = await c.fetch_mentions(None)
    assert [m.external_id for m in result.mentions] == [post["id"]]
    mastodon.fault(
        match={"path": NOTIFICATIONS}, effect={"type": "malformed", "truncate": truncate}
    )
    with pytest.raises(TransientError, match="malformed JSON"):
        await c.fetch_mentions(result.next_cursor)
    await c.aclose()


async def test_revoked_token_is_an_auth_error(mastodon: MastodonMock) -> None:
    c = connector(mastodon)
    mastodon.revoke(BRAND_TOKEN)
    with pytest.raises(AuthError, match="credentials"):
        await c.fetch_mentions(None)
    with pytest.raises(AuthError):
        async for _ in c.stream_mentions(None):
            pass
    await c.aclose()


async def test_deleted_status_is_not_found_and_skipped_in_ingest(mastodon: MastodonMock) -> None:
    c = connector(mastodon)
    kept = mastodon.post("alice", "@acme keep me")
    gone = mastodon.post("bob", "@acme delete me")
    mastodon.delete("bob", gone["id"])
    result = await c.fetch_mentions(None)
    assert [m.external_id for m in result.mentions] == [kept["id"]]

    with pytest.raises(NotFound):
        await c.post_reply(ReplyRequest(str(uuid.uuid4()), "Hello?", gone["id"]))
    with pytest.raises(NotFound):
        await c.fetch_thread(gone["id"])
    await c.aclose()


async def test_stream_falls_back_to_polling_when_streaming_fails(mastodon: MastodonMock) -> None:
    fake = FakeTime()
    c = connector(mastodon, fake, poll_interval=30)
    mastodon.fault(
        match={"path_regex": "^/api/v1/streaming"}, effect={"type": "status", "status": 404}
    )
    first = mastodon.post("alice", "@acme polled")
    collector = Collector(c.stream_mentions("0"))
    try:
        got = await collector.next()
        assert got.external_id == first["id"]
        second = mastodon.post("bob", "@acme polled again")
        got = await collector.next()
        assert got.external_id == second["id"]
        assert 30 in fake.sleeps
    finally:
        await collector.close()
        await c.aclose()


async def test_stream_backs_off_through_faults_on_the_streaming_endpoint(
    mastodon: MastodonMock,
) -> None:
    fake = FakeTime()
    c = connector(mastodon, fake, poll_interval=3600)
    statuses: list[str | None] = []
    c.on_status = lambda error: statuses.append(error.message if error else None)
    streaming = {"path_regex": "^/api/v1/streaming"}
    mastodon.fault(match=streaming, effect={"type": "status", "status": 502}, count=1)
    mastodon.fault(
        match=streaming, effect={"type": "ratelimit", "headers": {"Retry-After": "20"}}, count=1
    )
    collector = Collector(c.stream_mentions("0"))
    try:
        first = mastodon.post("alice", "@acme during the faults")
        assert (await collector.next()).external_id == first["id"]
        live = mastodon.post("bob", "@acme once the stream is up")
        assert (await collector.next()).external_id == live["id"]
        assert 20 in [round(s) for s in fake.sleeps]  # the stream's 429 waited its Retry-After
        assert "502" in (statuses[0] or "")
        assert statuses[-1] is None
    finally:
        await collector.close()
        await c.aclose()


# --- trust at the edges: odd items and ids --------------------------------------------------

TRAVERSAL = "1/../../accounts/verify_credentials"


def poisoned_page(mastodon: MastodonMock) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Three real mention notifications, changed as a hostile or sloppy server might send
    them: the first with a 600-character profile URL (fitted: dropped), the second with a
    status id that climbs out of its path (quarantined), the third with a time without zone."""
    for who in ("alice", "bob", "carmen"):
        mastodon.post(who, f"@acme a question from {who}")
    first, second, third = copy.deepcopy(mastodon.notifications()[-3:])
    first["status"]["account"]["url"] = "http://127.0.0.1/@alice/" + "x" * 600
    second["status"]["id"] = TRAVERSAL
    third["status"]["created_at"] = "2026-11-30T10:00:00"
    ids = {
        "long_url": str(first["status"]["id"]),
        "poisoned": str(second["id"]),
        "naive_time": str(third["status"]["id"]),
        "last": str(third["id"]),
    }
    return [first, second, third], ids


async def test_a_poisoned_item_is_quarantined_and_the_rest_of_the_page_arrives(
    mastodon: MastodonMock,
) -> None:
    page, ids = poisoned_page(mastodon)
    mastodon.serve_page_once(page)
    c = connector(mastodon)
    result = await c.fetch_mentions("0")
    await c.aclose()
    arrived = {m.external_id: m.mention for m in result.mentions}
    assert set(arrived) == {ids["long_url"], ids["naive_time"]}
    assert arrived[ids["long_url"]].author.url is None
    assert arrived[ids["naive_time"]].created_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    [bad] = result.quarantined
    assert bad.external_id == TRAVERSAL
    assert "A Mastodon post id is up to 64 letters, digits" in bad.reason
    assert bad.raw["id"] == TRAVERSAL  # the status as the server sent it
    assert result.next_cursor == ids["last"]  # the cursor moves past all three


async def test_a_post_id_never_reaches_another_endpoint(mastodon: MastodonMock) -> None:
    """An id pasted into a path is one segment: `…/statuses/1/../../accounts/verify_credentials`
    must not reach verify_credentials with the brand's token."""
    mastodon.fault(
        match={"path": "/api/v1/accounts/verify_credentials"},
        effect={"type": "status", "status": 418, "body": {"error": "verify_credentials reached"}},
        count=5,
    )
    c = connector(mastodon)
    c.account_id = "1"  # known already: a retry's check need not ask who the brand is
    with pytest.raises(NotFound):
        await c.fetch_thread(TRAVERSAL)
    request = ReplyRequest(
        client_id=str(uuid.uuid4()), body="Hello", in_reply_to_external_id=TRAVERSAL
    )
    with pytest.raises(NotFound):
        await c.post_reply(request)
    await c.aclose()
    [rule] = mastodon.fault_rules()
    assert rule["remaining"] == 5, "a request reached /api/v1/accounts/verify_credentials"
