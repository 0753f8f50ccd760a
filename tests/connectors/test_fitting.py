"""Fitting what a network sends to the mention schema (app/connectors/fitting.py): an odd field
is cut or dropped, never fails the item; what fitting cannot mend becomes a quarantined item
with its reason; a page hands the quarantined items over before the mentions (cursor order)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from app.connectors.base import (
    FetchResult,
    IncomingMention,
    Quarantined,
    in_path,
    page_in_order,
)
from app.connectors.fitting import fit_mention, fit_url, incoming_or_quarantined
from app.models.enums import Network
from app.models.limits import MENTION_LIMITS

LONG_PROFILE = "https://social.example/@someone/" + "x" * 600  # over the 500 of author URLs
LONG_POST = "https://blog.example/post?" + "q" * 1100  # over the 1,000 of post URLs


def test_every_field_is_fitted_to_the_schema() -> None:
    mention = fit_mention(
        network=Network.MASTODON,
        external_id="113624857238953642",
        handle="@" + "h" * 300,
        display_name="D" * 300,
        author_url=LONG_PROFILE,
        followers=2**40,  # past an integer column: unknown
        text="t" * (MENTION_LIMITS.text + 50),
        url=LONG_POST,
        created_at=datetime(2026, 11, 30, 10, 0),  # no zone
        language="x-" + "l" * 30,
        in_reply_to_external_id="1/../../accounts/verify_credentials",
        thread_key="k" * 300,
    )
    assert len(mention.author.handle) == MENTION_LIMITS.handle
    assert mention.author.handle.endswith("…")
    assert len(mention.author.display_name) == MENTION_LIMITS.display_name
    assert mention.author.url is None  # dropped, not cut into a URL of someone else
    assert mention.author.followers is None
    assert len(mention.text) == MENTION_LIMITS.text
    assert mention.url is None
    assert mention.created_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert mention.language is None
    assert mention.in_reply_to_external_id is None
    assert mention.thread_key is None


def test_fitting_keeps_what_already_fits() -> None:
    mention = fit_mention(
        network=Network.FEED,
        external_id="tag:blog.example,2026:post 42",
        handle="Blog",
        text="A post",
        author_url="https://blog.example/",
        url="https://blog.example/2026/11/post-42",
        language="en",
        thread_key="tag:blog.example,2026:post 42",
    )
    assert mention.author.url == "https://blog.example/"
    assert str(mention.url) == "https://blog.example/2026/11/post-42"
    assert mention.language == "en"


def test_only_http_urls_within_the_limit_pass() -> None:
    assert fit_url("https://a.example/x", 500) == "https://a.example/x"
    assert fit_url("javascript:alert(1)", 500) is None
    assert fit_url("https://a.example/with space", 500) is None
    assert fit_url("https://a.example/" + "x" * 500, 500) is None
    assert fit_url(42, 500) is None


def test_what_fitting_cannot_mend_is_quarantined_with_its_reason() -> None:
    raw = {"id": "1/../../accounts/verify_credentials", "content": "<p>hi</p>"}
    result = incoming_or_quarantined(
        Network.MASTODON,
        raw,
        lambda: fit_mention(
            network=Network.MASTODON, external_id=raw["id"], handle="@a", text="hi"
        ),
        external_id=raw["id"],
        cursor="77",
    )
    assert isinstance(result, Quarantined)
    assert result.reason.startswith("The item does not fit the mention schema: ")
    assert "A Mastodon post id is up to 64 letters, digits" in result.reason
    assert result.raw == raw
    assert (result.network, result.external_id, result.cursor) == (
        Network.MASTODON,
        raw["id"],
        "77",
    )


def test_a_page_hands_quarantined_items_over_first_and_the_cursor_last() -> None:
    def tweet(tweet_id: str) -> IncomingMention:
        mention = fit_mention(network=Network.X, external_id=tweet_id, handle="@a", text="t")
        return IncomingMention(mention, {}, cursor=tweet_id)

    mentions = [tweet("101"), tweet("103")]
    bad = Quarantined(Network.X, "10x", "bad id", {}, cursor="102")
    ordered = page_in_order(FetchResult(mentions, "104", quarantined=[bad]))
    assert [(type(i).__name__, i.external_id, i.cursor) for i in ordered] == [
        ("Quarantined", "10x", None),  # moves no cursor: the mentions after it do
        ("IncomingMention", "101", "101"),
        ("IncomingMention", "103", "104"),
    ]
    only_bad = page_in_order(FetchResult([], "104", quarantined=[bad, bad]))
    assert [i.cursor for i in only_bad] == [None, "104"]


def test_ids_in_paths_are_one_segment_whatever_they_hold() -> None:
    assert in_path("113624857238953642") == "113624857238953642"
    assert in_path("1/../../accounts/verify_credentials") == (
        "1%2F%2E%2E%2F%2E%2E%2Faccounts%2Fverify_credentials"
    )
    assert in_path("..") == "%2E%2E"
    assert in_path("1?x=1#y") == "1%3Fx%3D1%23y"


def test_a_time_with_no_utc_equivalent_is_forgotten_not_fatal() -> None:
    far_east = timezone(timedelta(hours=14))
    mention = fit_mention(
        network=Network.MASTODON,
        external_id="1",
        handle="@a",
        text="t",
        created_at=datetime(1, 1, 1, 0, 0, tzinfo=far_east),  # before year 1 in UTC
    )
    assert mention.created_at is None  # unknown: the server dates it when it arrives
    later = fit_mention(
        network=Network.MASTODON,
        external_id="2",
        handle="@a",
        text="t",
        created_at=datetime(2026, 11, 30, 23, 0, tzinfo=far_east),
    )
    assert later.created_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_half_an_emoji_becomes_a_replacement_character() -> None:
    mention = fit_mention(
        network=Network.X, external_id="1", handle="@a\ud83d", text="cut \ud83d here \U0001f600"
    )
    assert mention.text == "cut \ufffd here \U0001f600"
    assert mention.author.handle == "@a\ufffd"
