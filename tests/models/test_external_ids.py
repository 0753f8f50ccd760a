"""Post ids per network (app/models/external_ids.py) as the wire schema checks them, and the
mention field limits the schema, the table and the connectors share (one source)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import String

from app.models.enums import Network
from app.models.external_ids import external_id_problem
from app.models.limits import MENTION_LIMITS
from app.models.schemas import MentionCreate
from app.models.tables import Mention

TRAVERSAL = "1/../../accounts/verify_credentials"


def _mention(network: str, external_id: str, **more: Any) -> MentionCreate:
    return MentionCreate.model_validate(
        {
            "network": network,
            "external_id": external_id,
            "author": {"handle": "@someone"},
            "text": "hello",
            **more,
        }
    )


@pytest.mark.parametrize(
    ("network", "external_id"),
    [
        ("mastodon", "113624857238953642"),  # Mastodon's snowflakes
        ("mastodon", "AqbqFZc9EHUGEAEp3w"),  # Pleroma / Akkoma flake ids
        ("mastodon", "01F8MH75CBF9JFX4ZAD54N0W0R"),  # GoToSocial ULIDs
        ("bluesky", "at://did:plc:yk4dd2qkboz2yv6tpubpc6co/app.bsky.feed.post/3lbtyuki00002"),
        ("bluesky", "at://did:web:example.com/app.bsky.feed.post/3k2a"),
        ("x", "1860000000000000051"),
        ("feed", "tag:blog.example,2026:post 42"),
        ("feed", "https://blog.example/2026/11/posts?id=7#top"),
        ("webhook", "zendesk ticket #4711"),
    ],
)
def test_real_ids_of_each_network_are_accepted(network: str, external_id: str) -> None:
    assert _mention(network, external_id).external_id == external_id


@pytest.mark.parametrize(
    ("network", "external_id"),
    [
        ("mastodon", TRAVERSAL),
        ("mastodon", "12.5"),
        ("mastodon", "1?admin=1"),
        ("bluesky", "at://did:plc:abc/app.bsky.feed.post/.."),
        ("bluesky", "at://did:plc:abc/app.bsky.feed.post/a/../../b"),
        ("bluesky", "3lbtyuki00002"),
        ("x", "186000000000000005a"),
        ("x", "12345678901234567890"),  # past a signed 64-bit integer
        ("webhook", "line\nbreak"),
        ("feed", "bell\x07"),
    ],
)
def test_ids_that_are_no_post_id_of_the_network_are_refused(network: str, external_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _mention(network, external_id)
    message = str(caught.value)
    assert "post id is" in message
    assert "is not one" in message


def test_a_reply_to_id_follows_the_same_rule() -> None:
    with pytest.raises(ValidationError, match="post id is"):
        _mention("mastodon", "1", in_reply_to_external_id=TRAVERSAL)


def test_demo_mentions_carry_demo_ids_on_any_network() -> None:
    assert _mention("x", "demo-002", is_demo=True).external_id == "demo-002"
    assert external_id_problem(Network.X, "demo-002") is not None
    with pytest.raises(ValidationError, match="demo post id"):
        _mention("mastodon", TRAVERSAL, is_demo=True)


def test_the_mentions_table_takes_exactly_what_the_schema_allows() -> None:
    def length(column: str) -> int | None:
        kind = Mention.__table__.c[column].type
        assert isinstance(kind, String)
        return kind.length

    assert length("author_handle") == MENTION_LIMITS.handle
    assert length("author_display_name") == MENTION_LIMITS.display_name
    assert length("author_url") == MENTION_LIMITS.author_url
    assert length("external_id") == MENTION_LIMITS.external_id
    assert length("in_reply_to_external_id") == MENTION_LIMITS.external_id
    assert length("url") == MENTION_LIMITS.url
    assert length("language") == MENTION_LIMITS.language
    assert length("thread_key") == MENTION_LIMITS.thread_key
    long_url = "https://example.com/" + "a" * MENTION_LIMITS.url
    with pytest.raises(ValidationError, match="at most 1000"):
        _mention("webhook", "w-1", url=long_url)
