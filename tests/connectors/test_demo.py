"""The demo source: what it plays, how it paces, and that it is marked demo everywhere."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator

from app.connectors import connector_for
from app.connectors.base import ReplyRequest
from app.connectors.demo import DEMO_HOST, DEMO_MARKER, DemoConnector
from app.models.enums import Network
from tests.connectors.helpers import FakeTime


def demo(fake: FakeTime, interval: float = 5.0) -> DemoConnector:
    return DemoConnector(interval=interval, clock=fake.clock, sleep=fake.sleep)


async def test_the_sample_is_varied_and_marked_as_demo() -> None:
    fake = FakeTime()
    c = demo(fake)
    every = [c.incoming(i) for i in range(len(c.items))]
    assert 35 <= len(every) <= 50
    networks = {m.mention.network for m in every}
    assert {Network.MASTODON, Network.BLUESKY, Network.X, Network.FEED} <= networks
    languages = {m.mention.language for m in every}
    assert {"en", "de", "es", "fr", "ja", "ar"} <= languages
    for m in every:
        assert m.mention.is_demo is True
        assert m.mention.author.display_name.startswith(DEMO_MARKER)
        assert str(m.mention.url).startswith(f"https://{DEMO_HOST}/")
    texts = " ".join(m.mention.text.lower() for m in every)
    assert "outage" in texts or "down" in texts  # the storm
    assert "smoking" in texts  # the safety scare
    assert "reporter" in texts  # the journalist
    storm = [m for m in every if "#nimbusdown" in m.mention.text.lower()]
    assert len(storm) >= 2
    assert len({m.external_id for m in every}) == len(every)


async def test_first_batch_at_once_then_one_every_interval() -> None:
    fake = FakeTime()
    c = demo(fake, interval=5.0)
    stream = c.stream_mentions(None)
    assert isinstance(stream, AsyncGenerator)
    first = [await anext(stream) for _ in range(c.first_batch)]
    assert fake.sleeps == []
    assert first[0].mention.created_at is not None
    assert first[0].mention.created_at.timestamp() < fake.now - 60  # dated in the recent past
    nxt = await anext(stream)
    assert fake.sleeps == [5.0]
    assert nxt.mention.created_at is not None
    assert nxt.mention.created_at.timestamp() == fake.now
    await anext(stream)
    assert fake.sleeps == [5.0, 5.0]
    assert nxt.cursor == str(c.first_batch + 1)
    await stream.aclose()


async def test_resumes_from_its_cursor_and_ends() -> None:
    fake = FakeTime()
    c = demo(fake, interval=1.0)
    rest = [m async for m in c.stream_mentions(str(len(c.items) - 2))]
    assert [m.external_id for m in rest] == [c.items[-2].id, c.items[-1].id]
    polled = await c.fetch_mentions(None)
    assert len(polled.mentions) == c.first_batch
    assert polled.next_cursor == str(c.first_batch)


async def test_replies_post_locally_once_with_a_demo_link() -> None:
    c = connector_for("demo", "", "")
    request = ReplyRequest(str(uuid.uuid4()), "Thanks so much, Maria!", "demo-001")
    one = await c.post_reply(request)
    two = await c.post_reply(request)
    assert one == two
    assert one.url is not None
    assert DEMO_HOST in one.url
    thread = await c.fetch_thread("demo-017")
    assert [m.external_id for m in thread] == ["demo-013", "demo-017"]
    await c.aclose()
