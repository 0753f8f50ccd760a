"""Priority at ingest: tone, risk words, reach and waiting time, each raising it within caps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.tone import score_mention
from app.tone.priority import (
    REACH_WEIGHT_MAX,
    URGENT_THRESHOLD,
    WAITING_WEIGHT_MAX,
    risk_categories,
)

HOSTILE = (
    "@acme Your heater caught fire and burned my kitchen. My lawyer will call you. DISGUSTING!"
)
PRAISE = "@acme Love the new update, thank you so much!"


def test_hostile_with_risk_words_outranks_praise() -> None:
    hostile = score_mention(HOSTILE)
    praise = score_mention(PRAISE)
    assert hostile.priority > praise.priority + 40
    assert hostile.sentiment < 0 < praise.sentiment
    assert hostile.risk_words == ("legal", "safety")
    assert praise.risk_words == ()
    assert hostile.urgent
    assert not praise.urgent
    assert praise.priority == 0.0


def test_complaint_outranks_praise_even_when_the_lexicon_reads_it_neutral() -> None:
    neutral_words = score_mention("@acme my parcel never arrived")
    german = score_mention("@acme Mein Paket ist nie angekommen")
    assert neutral_words.sentiment == 0.0
    assert neutral_words.priority > score_mention(PRAISE).priority
    assert german.priority > score_mention("@acme Danke, super Service!").priority


def test_reach_raises_priority_and_caps() -> None:
    text = "@acme still waiting for my refund"
    scores = [score_mention(text, followers=n).priority for n in (None, 10, 10_000, 1_000_000)]
    assert scores == sorted(scores)
    assert len(set(scores)) == 4
    assert score_mention(text, followers=10**9).priority == scores[-1]
    assert scores[-1] - scores[0] == pytest.approx(REACH_WEIGHT_MAX, abs=0.1)
    assert score_mention(text, followers=-5).priority == scores[0]


def test_waiting_raises_priority_and_caps() -> None:
    text = "@acme when do you open on Sunday?"
    hours = [0, 1, 3, 5, 48]
    scores = [score_mention(text, waiting=timedelta(hours=h)).priority for h in hours]
    assert scores[0] < scores[1] < scores[2] < scores[3]
    assert scores[3] == scores[4]
    assert scores[4] - scores[0] == pytest.approx(WAITING_WEIGHT_MAX)
    assert score_mention(text, waiting=timedelta(hours=-3)).priority == scores[0]


def test_score_stays_within_bounds() -> None:
    worst = score_mention(
        HOSTILE + " Cancel my account, I want a refund, the press will hear about this scam!",
        followers=10**8,
        waiting=timedelta(days=3),
    )
    assert URGENT_THRESHOLD < worst.priority <= 100.0
    assert score_mention("").priority == 0.0


@pytest.mark.parametrize(
    ("text", "risks"),
    [
        ("I'm calling my lawyer", ("legal",)),
        ("Mein Anwalt meldet sich", ("legal",)),
        ("Voy a llamar a mi abogado", ("legal",)),
        ("J'appelle mon avocat", ("legal",)),
        ("弁護士に相談します", ("legal",)),
        ("the charger exploded, is it safe? a recall?", ("safety",)),
        ("I want to cancel and get a refund", ("cancel", "refund")),
        ("A journalist asked me about this", ("press",)),
        ("I love your brand", ()),
        ("any news on my order?", ()),
    ],
)
def test_risk_words_in_several_languages(text: str, risks: tuple[str, ...]) -> None:
    assert risk_categories(text) == risks


@pytest.mark.parametrize(
    "text",
    [
        "My charger caught fire last night. Nobody answers.",
        "The kettle's handle burned my daughter's hand, this is unsafe",
    ],
)
def test_a_safety_complaint_is_urgent_whatever_the_reach(text: str) -> None:
    assert score_mention(text, followers=None).urgent


def test_praise_that_says_fire_is_not_urgent() -> None:
    assert not score_mention("This new phone is fire, love it! Best upgrade ever").urgent


def test_a_happy_refund_story_is_praise_not_a_complaint() -> None:
    from app.tone.findings import MentionKind
    from app.tone.mention import classify_mention

    assert classify_mention("Got my refund in a day, thanks so much!") is MentionKind.PRAISE
