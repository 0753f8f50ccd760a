"""Reply length as each network counts it: URLs, mentions, emoji, CJK, combining marks."""

from __future__ import annotations

import random

import grapheme
import pytest
from twitter_text import parse_tweet

from app.models.enums import Network
from app.tone import FindingCode, check_reply, reply_length

LONG_URL = "https://example.com/" + "x" * 100  # 120 characters typed, 23 counted by Mastodon and X
FAMILY = "👨‍👩‍👧"  # one grapheme of five code points
THUMB = "👍🏽"  # emoji with a skin-tone modifier: one grapheme


@pytest.mark.parametrize(
    ("text", "network", "length"),
    [
        ("a" * 500, Network.MASTODON, 500),
        ("a" * 470 + " " + LONG_URL, Network.MASTODON, 494),
        ("see " + LONG_URL + " and " + LONG_URL, Network.MASTODON, 4 + 23 + 5 + 23),
        ("@bob@mastodon.social " + "a" * 490, Network.MASTODON, 4 + 1 + 490),
        (FAMILY * 10, Network.MASTODON, 10),
        ("日本語のテキスト", Network.MASTODON, 8),
        ("e\u0301" * 10, Network.MASTODON, 10),
        ("line\r\nbreak", Network.MASTODON, 10),
        ("a" * 300, Network.BLUESKY, 300),
        (THUMB * 300, Network.BLUESKY, 300),
        (FAMILY * 3, Network.BLUESKY, 3),
        ("a " + LONG_URL, Network.BLUESKY, 122),
        ("日本語", Network.BLUESKY, 3),
        ("a" * 280, Network.X, 280),
        ("a" * 250 + " " + LONG_URL, Network.X, 274),
        ("日" * 140, Network.X, 280),
        ("😀" * 140, Network.X, 280),
        ("Grüße, señor, ça va", Network.X, 19),
        ("hello", Network.FEED, 5),
    ],
)
def test_length_as_the_network_counts(text: str, network: Network, length: int) -> None:
    assert reply_length(text, network).length == length


@pytest.mark.parametrize(
    ("text", "network", "too_long"),
    [
        ("a" * 500, Network.MASTODON, False),
        ("a" * 501, Network.MASTODON, True),
        ("a" * 470 + " " + LONG_URL, Network.MASTODON, False),
        (FAMILY * 500, Network.MASTODON, False),
        (FAMILY * 501, Network.MASTODON, True),
        ("a" * 300, Network.BLUESKY, False),
        ("a" * 301, Network.BLUESKY, True),
        (THUMB * 301, Network.BLUESKY, True),
        ("a" * 250 + " " + LONG_URL, Network.BLUESKY, True),  # Bluesky counts the URL in full
        ("a" * 280, Network.X, False),
        ("a" * 281, Network.X, True),
        ("日" * 141, Network.X, True),
        ("日" * 141, Network.MASTODON, False),
        ("😀" * 141, Network.X, True),
        ("a" * 250 + " " + LONG_URL, Network.X, False),
        ("a" * 5000, Network.FEED, False),
    ],
)
def test_too_long(text: str, network: Network, too_long: bool) -> None:
    report = check_reply(text, network=network)
    assert (FindingCode.TOO_LONG in report.codes) is too_long


@pytest.mark.parametrize(
    ("text", "network", "overflow_start"),
    [
        ("a" * 510, Network.MASTODON, 500),
        ("a" * 490 + " " + LONG_URL, Network.MASTODON, 491),  # the URL is what tips it over
        (FAMILY * 301, Network.BLUESKY, 300 * len(FAMILY)),
        ("日" * 150, Network.X, 140),
        ("😀" * 150, Network.X, 140),
        ("a" * 290, Network.X, 280),
    ],
)
def test_too_long_points_at_the_overflow(text: str, network: Network, overflow_start: int) -> None:
    (finding,) = check_reply(text, network=network).by_code(FindingCode.TOO_LONG)
    assert finding.start == overflow_start
    assert finding.end == len(text)


def test_report_carries_length_and_limit() -> None:
    report = check_reply("Thanks! " + LONG_URL, network=Network.X)
    assert (report.length, report.limit, report.network) == (8 + 23, 280, Network.X)
    message = check_reply("a" * 290, network=Network.X).by_code(FindingCode.TOO_LONG)[0].message
    assert "290 of 280" in message
    assert "10 too many" in message


def test_x_word_by_word_count_equals_parse_tweet_on_the_whole_text() -> None:
    pieces = [
        "Sorry",
        "about",
        "that!",
        "日本語のテキスト",
        "😀",
        "👨‍👩‍👧",
        "👍🏽",
        "🇩🇪",
        "#️⃣",
        "https://example.com/a?b=c",
        "(see https://acme.example/help).",
        "example.com",
        "e\u0301",
        "Grüße",
        "@acme",
        "#hashtag",
        "—",
        "…",
        "ñ",
        "1️⃣",
        "©",
        "ᄀᄁ",
        "Привет",
        "Ελλάδα",
        "n\u0303o",
        "a.b",
        "x.com",
        "ʕ•ᴥ•ʔ",
        "\u00ae",
    ]
    separators = [" ", "  ", "\n", "\r\n", "\t", " \n "]
    rng = random.Random(7)
    for _ in range(300):
        words = [rng.choice(pieces) for _ in range(rng.randint(1, 60))]
        text = "".join(w + rng.choice(separators) for w in words).strip()
        assert reply_length(text, Network.X).length == parse_tweet(text).weightedLength, text


def test_grapheme_fast_path_agrees_with_full_segmentation() -> None:
    pieces = [
        "plain",
        "Grüße",
        "e\u0301",
        "日本語",
        "한국어",
        "\u1100\u1161\u11a8",
        "नमस्ते",
        "ไทย",
        "👨‍👩‍👧",
        "👍🏽",
        "🇩🇪",
        "1️⃣",
        "\r\n",
        "a\u200db",
        "ｶﾞ",
        "🏳️‍🌈",
        "©",
        "‼️",
    ]
    rng = random.Random(11)
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        assert reply_length(text, Network.BLUESKY).length == grapheme.length(text), text
