"""The network table: one row per network, the reply as the network receives it, and its
length counted as the network counts it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.models.enums import Network
from app.models.networks import (
    NETWORK_RULES,
    LengthCounting,
    addressed_reply,
    measure_length,
    reply_length,
    rules_for,
)

LONG_URL = "https://example.com/" + "x" * 100


def test_every_network_has_one_row() -> None:
    assert set(NETWORK_RULES) == set(Network)
    for network, rules in NETWORK_RULES.items():
        assert rules.network is network
        assert rules_for(network) is rules
        assert rules_for(network.value) is rules
    with pytest.raises(ValueError, match="myspace"):
        rules_for("myspace")


@pytest.mark.parametrize(
    ("network", "name", "limit", "counting"),
    [
        (Network.MASTODON, "Mastodon", 500, LengthCounting.MASTODON),
        (Network.BLUESKY, "Bluesky", 300, LengthCounting.GRAPHEMES),
        (Network.X, "X", 280, LengthCounting.WEIGHTED),
        (Network.FEED, "Feed", None, LengthCounting.GRAPHEMES),
        (Network.WEBHOOK, "Webhook", None, LengthCounting.GRAPHEMES),
        (Network.DEMO, "Demo", None, LengthCounting.GRAPHEMES),
    ],
)
def test_names_limits_and_counting(
    network: Network, name: str, limit: int | None, counting: LengthCounting
) -> None:
    rules = rules_for(network)
    assert (rules.display_name, rules.length_limit, rules.length_counting) == (
        name,
        limit,
        counting,
    )
    assert rules.length_unit


def test_what_replying_can_do() -> None:
    answerable = {n for n, rules in NETWORK_RULES.items() if rules.reply_in_place}
    assert answerable == {Network.MASTODON, Network.BLUESKY, Network.X, Network.DEMO}
    addressed = {n for n, rules in NETWORK_RULES.items() if rules.mentions_author}
    assert addressed == {Network.MASTODON, Network.BLUESKY}
    assert rules_for(Network.MASTODON).stream
    assert not rules_for(Network.BLUESKY).stream


@pytest.mark.parametrize(
    ("network", "body", "handle", "sent"),
    [
        (Network.MASTODON, "Sorry!", "@dana@remote.example", "@dana@remote.example Sorry!"),
        (Network.MASTODON, "Sorry!", "dana", "@dana Sorry!"),
        (Network.MASTODON, "  Sorry!\n", "@dana", "@dana Sorry!"),
        (Network.MASTODON, "@Dana sorry!", "@dana", "@Dana sorry!"),
        (Network.MASTODON, "Sorry!", None, "Sorry!"),
        (Network.MASTODON, "Sorry!", "", "Sorry!"),
        (Network.BLUESKY, "Sorry!", "yuki.bsky.social", "@yuki.bsky.social Sorry!"),
        (Network.X, " Sorry! ", "@kev_on_call", "Sorry!"),
        (Network.DEMO, "Sorry!", "@dana", "Sorry!"),
    ],
)
def test_the_reply_as_the_network_receives_it(
    network: Network, body: str, handle: str | None, sent: str
) -> None:
    assert addressed_reply(network, body, handle) == sent


def test_with_the_handle_the_sent_reply_is_counted_and_the_overflow_is_in_the_draft() -> None:
    handle = "@dana@remote.example"  # counts as "@dana ", 6
    draft = "a" * 494
    assert reply_length(draft, Network.MASTODON, handle=handle).overflow_start is None
    counted = reply_length("  " + draft + "bc", Network.MASTODON, handle=handle)
    assert (counted.length, counted.limit, counted.over) == (502, 500, 2)
    assert counted.overflow_start == 2 + 494  # past the leading spaces, at "b"
    assert reply_length("hi", Network.MASTODON, handle="@" + "d" * 600).overflow_start == 0
    # The draft alone is counted as it stands.
    assert reply_length("  " + draft + "bc", Network.MASTODON).length == 498


def test_lengths_by_counting() -> None:
    text = "Sorry! 👍🏽 " + LONG_URL + " @bob@mastodon.social"
    assert measure_length(text, LengthCounting.CHARACTERS) == len(text)
    assert measure_length(text, LengthCounting.GRAPHEMES) == len(text) - 1
    assert measure_length(text, LengthCounting.MASTODON) == 7 + 1 + 1 + 23 + 1 + 4
    assert measure_length(text, LengthCounting.WEIGHTED) == 7 + 2 + 1 + 23 + 1 + 20
    assert measure_length("x" * 10_000, LengthCounting.MASTODON) == 10_000


def test_networks_without_a_limit_count_but_never_overflow() -> None:
    counted = reply_length("a" * 5000, Network.FEED)
    assert (counted.length, counted.limit, counted.overflow_start, counted.over) == (
        5000,
        None,
        None,
        0,
    )


def test_the_table_imports_without_the_counting_libraries() -> None:
    """The console reads names from the table at start; twitter-text takes ~0.2 s to import."""
    code = (
        "import sys, app.models.networks as n; n.rules_for('x').display_name; "
        "assert 'twitter_text' not in sys.modules and 'grapheme' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
