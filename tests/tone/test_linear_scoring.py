"""Reading a long text takes time in proportion to its length, and gives what it gave before.

Growth is measured by counting the Python lines run (`sys.settrace`), not by a clock: doubling
the text may at most double the work. Sameness is checked against VADER's own analyzer and
against reading the whole of a mention.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from types import FrameType
from typing import Any

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from app.tone import check_reply
from app.tone.heat import Signal
from app.tone.mention import MENTION_SCORED_CHARS, classify_mention, scored_part
from app.tone.priority import (
    MentionReading,
    priority_of,
    read_mention,
    reading_from_ingest,
    score_mention,
)
from app.tone.sentiment import LinearAnalyzer, analyzer, sentiment
from app.tone.spans import Coverage, first_come
from tests.tone.test_check_table import BLAME_CASES, HEAT_CASES, THREE_AS_CASES

# Words that steer VADER's rules: negations, "but", boosters, idioms, caps, emoticons, emoji.
_STEERING_WORDS = (
    "but BUT not never so this without doubt kind of sort of very least at no nor or isn't "
    "ain't hell yeah cut me some slack bad ass kiss of death yeah right the ! ? !! :) :( "
    "😡 😍 💔 🙏 😂 GREAT HORRIBLE"
)
STEERING = _STEERING_WORDS.split(" ")


def lines_run(call: Callable[[], object]) -> int:
    """How many Python lines `call()` runs."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def assert_linear(make_text: Callable[[int], str], read: Callable[[str], object]) -> None:
    read(make_text(10))  # warm caches (compiled patterns, the lexicon)
    small, large = (lines_run(partial(read, make_text(n))) for n in (200, 400))
    assert large <= 2.2 * small, f"{small} lines for n, {large} for 2n: more than linear"


def test_linear_analyzer_scores_exactly_as_vader() -> None:
    stock, linear = SentimentIntensityAnalyzer(), analyzer()
    assert isinstance(linear, LinearAnalyzer)
    rng = random.Random(20261130)
    lexicon = sorted(stock.lexicon)
    texts = [case[0] for case in (*HEAT_CASES, *BLAME_CASES, *THREE_AS_CASES)]
    for _ in range(3000):
        words = (
            rng.choice(STEERING) if rng.random() < 0.6 else rng.choice(lexicon)
            for _ in range(rng.randint(0, 30))
        )
        texts.append(" ".join(words))
    for text in texts:
        assert linear.polarity_scores(text) == stock.polarity_scores(text), text


@pytest.mark.parametrize(
    "make_text",
    [
        pytest.param(lambda n: "😍💔😡🙏😂" * n, id="emoji"),
        pytest.param(lambda n: "good but " + " ".join(["not bad", "😍", "so good"] * n), id="but"),
        pytest.param(lambda n: "never so this kind of great " * n, id="negations"),
    ],
)
def test_sentiment_grows_linearly(make_text: Callable[[int], str]) -> None:
    assert_linear(make_text, sentiment)


@pytest.mark.parametrize(
    "make_text",
    [
        pytest.param(lambda n: "You idiot!! " * n, id="heat"),
        pytest.param(lambda n: "I'm not sorry, sorry " * n, id="apologies"),
        pytest.param(lambda n: "order A1234-XY or call 415 555 2671 " * n, id="private-data"),
        pytest.param(lambda n: "😡" * (10 * n), id="emoji"),
        pytest.param(lambda n: "https://example.com/" + "y" * 20 + " " * n, id="urls"),
        pytest.param(lambda n: "!?" * (10 * n), id="punctuation"),
        pytest.param(lambda n: "Ünïcödé日本語テスト" * n, id="mixed-scripts"),
    ],
)
def test_the_composer_check_grows_linearly(make_text: Callable[[int], str]) -> None:
    mention = "@acme order A1234-XY never arrived"
    assert_linear(make_text, lambda text: check_reply(text, mention=mention))


def test_a_mention_is_read_up_to_the_cap() -> None:
    for count in (1_000, 2_000, 10_000, 100_000):
        flood = "😡💔" * count
        assert read_mention(flood) == read_mention(flood[:MENTION_SCORED_CHARS])
        assert classify_mention(flood) is classify_mention(flood[:MENTION_SCORED_CHARS])
    short = "@acme my parcel never arrived"
    assert scored_part(short) == short
    # A cut backs off to a space rather than leave half a word ("lawsuit" read as "law").
    near = "x" * (MENTION_SCORED_CHARS - 4) + " lawsuit coming"
    assert scored_part(near) == "x" * (MENTION_SCORED_CHARS - 4)
    assert "legal" not in score_mention(near).risk_words
    long_words = "y" * (3 * MENTION_SCORED_CHARS)
    assert scored_part(long_words) == long_words[:MENTION_SCORED_CHARS]
    opening = "@acme I'm calling my lawyer about the fire. " + "blah " * 5_000
    assert score_mention(opening).risk_words == ("legal", "safety")


TEXTS = [
    "@acme my parcel never arrived",
    "@acme Love the new update, thank you so much!",
    "@acme the charger caught fire",
    "@acme this phone is fire, love it",
    "@acme I'm calling my lawyer, this is a scam!!",
    "@acme when do you open on Sunday?",
    "@acme Your heater caught fire and burned my kitchen. My lawyer will call you. DISGUSTING!",
    "@acme Mein Paket ist nie angekommen",
    "@acme meh",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_stored_mention_ages_as_if_read_again(text: str) -> None:
    """What the re-score job computes from the stored columns is the full score."""
    for followers in (None, 500, 2_000_000):
        for waited in (timedelta(0), timedelta(minutes=50), timedelta(hours=7)):
            at_ingest = score_mention(text, followers=followers, waiting=waited)
            reading = reading_from_ingest(
                at_ingest.sentiment,
                at_ingest.risk_words,
                followers=followers,
                waited_at_ingest=waited,
                priority_at_ingest=at_ingest.priority,
            )
            assert reading is not None
            for later in (timedelta(0), timedelta(hours=2), timedelta(hours=30)):
                fresh = score_mention(text, followers=followers, waiting=waited + later)
                aged = priority_of(reading, followers=followers, waiting=waited + later)
                assert aged == fresh.priority, (text, followers, waited, later)


def test_a_priority_from_an_older_rule_is_not_guessed() -> None:
    reading = reading_from_ingest(
        0.0, (), followers=None, waited_at_ingest=timedelta(0), priority_at_ingest=33.3
    )
    assert reading is None
    assert priority_of(MentionReading(0.0, (), complaint=True)) == 12.0


def test_first_come_keeps_what_the_pairwise_rule_keeps() -> None:
    rng = random.Random(7)
    for _ in range(500):
        spans = []
        for _ in range(rng.randint(0, 40)):
            start = rng.randint(0, 100)
            spans.append(Signal(None, start, start + rng.randint(1, 12), ""))
        pairwise: list[Signal] = []
        for span in spans:
            if all(span.end <= k.start or span.start >= k.end for k in pairwise):
                pairwise.append(span)
        assert first_come(spans) == sorted(pairwise, key=lambda s: s.start)
        covered = Coverage((s.start, s.end) for s in spans)
        for position in range(0, 115):
            assert covered.covers(position) == any(s.start <= position < s.end for s in spans)
