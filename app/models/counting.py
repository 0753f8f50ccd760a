"""The counting rules behind `app.models.networks.reply_length`: graphemes, Mastodon's
(URLs 23, a mention without its @domain) and X's (twitter-text weighting). Kept apart from the
table because twitter-text is slow to import; use them through `app.models.networks`.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from functools import lru_cache
from typing import Any

import grapheme

with warnings.catch_warnings():
    # twitter-text imports pkg_resources, whose deprecation warning every start would print
    # on a rep's terminal; it says nothing they can act on.
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    from twitter_text import parse_tweet
    from twitter_text.config import config as twitter_config

from app.models.networks import LengthCounting, ReplyLength


def count(text: str, counting: LengthCounting, limit: int) -> ReplyLength:
    """`text`'s length as `counting` says and where it first goes over `limit`."""
    if counting is LengthCounting.MASTODON:
        return _mastodon(text, limit)
    if counting is LengthCounting.WEIGHTED:
        return _x(text, limit)
    if counting is LengthCounting.CHARACTERS:
        return ReplyLength(len(text), limit, limit if len(text) > limit else None)
    length = _graphemes(text)
    return ReplyLength(length, limit, _grapheme_index(text, limit) if length > limit else None)


# --- graphemes and Mastodon ------------------------------------------------------------------

MASTODON_URL_CHARS = 23

_MASTODON_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,:;!?)\]'’”]", re.IGNORECASE)
# "@name@example.social" counts as "@name": the domain part is free.
_MASTODON_MENTION_DOMAIN = re.compile(r"(?<![\w@])@\w+(@[\w.-]+\w)", re.ASCII)

# Characters that can join a grapheme cluster with their neighbour: combining marks, joiners,
# variation selectors, skin tones, flags, Hangul jamo, Indic and South-East Asian scripts, tags.
# Text without any of them has one cluster per code point (but for CR LF), so the slow
# segmentation is only needed when one appears.
_CLUSTERING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0600-\u0605\u0610-\u061a\u064b-\u065f"
    "\u0670\u06d6-\u06ed\u070f\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u0816-\u082d"
    "\u0859-\u085b\u08d3-\u0903\u0900-\u0dff\u0e31-\u0e3a\u0e47-\u0e4e\u0eb1-\u0ebc"
    "\u0ec8-\u0ecd\u0f00-\u0fff\u1000-\u109f\u1100-\u11ff\u135d-\u135f\u1712-\u1734"
    "\u1752-\u1773\u1780-\u17ff\u180b-\u180f\u1885\u1886\u18a9\u1920-\u193b\u1a17-\u1a1b"
    "\u1a55-\u1a7f\u1ab0-\u1aff\u1b00-\u1bff\u1c24-\u1c37\u1cd0-\u1cf9\u1dc0-\u1dff"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u20d0-\u20ff\u2cef-\u2cf1\u2d7f\u2de0-\u2dff"
    "\u302a-\u302f\u3099\u309a\ua66f-\ua67d\ua69e\ua69f\ua6f0\ua6f1\ua802-\ua82c"
    "\ua880-\ua8ff\ua900-\ua9ff\uaa00-\uaaff\uabe3-\uabed\uac00-\ud7ff\ufb1e\ufe00-\ufe0f"
    "\ufe20-\ufe2f\ufeff\uff9e\uff9f\ufff0-\ufffb\U00010000-\U0001efff"
    "\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e0000-\U000e0fff]"
)


def _graphemes(text: str) -> int:
    if not _CLUSTERING.search(text):
        return len(text) - text.count("\r\n")
    return int(grapheme.length(text))


def _grapheme_index(text: str, count: int) -> int:
    """String index where the grapheme numbered `count` (0-based) begins."""
    if count <= 0:
        return 0
    if not _CLUSTERING.search(text) and "\r\n" not in text:
        return min(count, len(text))
    return _walk(text, count)


def _walk(text: str, count: int) -> int:
    index = 0
    for n, cluster in enumerate(grapheme.graphemes(text)):
        if n == count:
            return index
        index += len(cluster)
    return index


def _mastodon(text: str, limit: int) -> ReplyLength:
    # Pieces of the text with their weight: URLs 23, mention domains 0, the rest per grapheme.
    weighted: list[tuple[int, int, int]] = []  # (start, end, weight) of special pieces
    for match in _MASTODON_URL.finditer(text):
        weighted.append((match.start(), match.end(), MASTODON_URL_CHARS))
    for match in _MASTODON_MENTION_DOMAIN.finditer(text):
        weighted.append((match.start(1), match.end(1), 0))
    if not weighted:
        length = _graphemes(text)
        start = _grapheme_index(text, limit) if length > limit else None
        return ReplyLength(length, limit, start)
    weighted.sort()
    total = 0
    overflow: int | None = None
    cursor = 0
    for start, end, weight in weighted:
        if start < cursor:
            continue  # a mention domain inside a URL
        plain = text[cursor:start]
        plain_len = _graphemes(plain)
        if overflow is None and total + plain_len > limit:
            overflow = cursor + _grapheme_index(plain, limit - total)
        total += plain_len
        if overflow is None and total + weight > limit:
            overflow = start
        total += weight
        cursor = end
    tail = text[cursor:]
    tail_len = _graphemes(tail)
    if overflow is None and total + tail_len > limit:
        overflow = cursor + _grapheme_index(tail, limit - total)
    return ReplyLength(total + tail_len, limit, overflow)


# --- X ---------------------------------------------------------------------------------------


def _utf16_to_index(text: str, utf16_offset: int) -> int:
    units = 0
    for index, char in enumerate(text):
        if units >= utf16_offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


_X_OPTIONS: dict[str, Any] = dict(twitter_config["defaults"])
_X_SCALE: int = _X_OPTIONS["scale"]
_X_DEFAULT_WEIGHT: int = _X_OPTIONS["default_weight"]
_X_RANGES: tuple[tuple[int, int, int], ...] = tuple(
    (r["start"], r["end"], r["weight"]) for r in _X_OPTIONS["ranges"]
)
_WHITESPACE_RUN = re.compile(r"\s+")
# A word can hold a URL only with a dot, and an emoji only with a character from U+2000 on or
# the two Latin-1 emoji; words without either are weighed character by character.
_X_SPECIAL = re.compile("[.\u00a9\u00ae\u2000-\U0010ffff]")


def _x_char_weight(char: str) -> int:
    code = ord(char)
    for start, end, weight in _X_RANGES:
        if start <= code <= end:
            return weight
    return _X_DEFAULT_WEIGHT


@lru_cache(maxsize=4096)
def _x_word(word: str) -> int:
    """twitter-text's weighted length of one whitespace-free piece (a word, URL or emoji run)."""
    if word.isascii() and "." not in word:
        return len(word)  # every ASCII character weighs 1
    if not _X_SPECIAL.search(word) and unicodedata.is_normalized("NFC", word):
        return sum(_x_char_weight(c) for c in word) // _X_SCALE
    return int(parse_tweet(word).weightedLength)


def _x_overflow_in(word: str, budget: int) -> int:
    """Index in `word` of the first character that no longer fits in `budget`."""
    if budget <= 0:
        return 0
    options = {**_X_OPTIONS, "max_weighted_tweet_length": budget}
    parsed = parse_tweet(word, options)
    return _utf16_to_index(word, int(parsed.validRangeEnd) + 1)


def _x(text: str, limit: int) -> ReplyLength:
    """Weighted length as twitter-text counts it (URLs 23, CJK and emoji 2).

    parse_tweet scans the whole text with a regex of every emoji, ~2 ms for 500 characters; URLs
    and emoji never contain white space, so the text is counted word by word (each word's count
    cached, as a draft being typed keeps most of its words) plus one per white-space character.
    """
    length = 0
    overflow: int | None = None
    cursor = 0
    pieces = [(m.start(), m.end()) for m in _WHITESPACE_RUN.finditer(text)]
    pieces.append((len(text), len(text)))
    for space_start, space_end in pieces:
        word = text[cursor:space_start]
        if word:
            weight = _x_word(word)
            if overflow is None and length + weight > limit:
                overflow = cursor + _x_overflow_in(word, limit - length)
            length += weight
        spaces = space_end - space_start - text.count("\r\n", space_start, space_end)
        if overflow is None and length + spaces > limit:
            overflow = space_start + (limit - length)
        length += spaces
        cursor = space_end
    return ReplyLength(length, limit, overflow)
