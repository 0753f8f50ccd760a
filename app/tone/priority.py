"""Priority of a mention: how urgently the team should look at it (0 to 100).

Two parts. `read_mention` reads the text once (tone, risk words, whether it complains): the slow
part, done at ingest before any database write. `priority_of` adds the author's reach and the
waiting time to that reading: arithmetic, so the re-score job ages a waiting mention from what
was stored, without reading its text again.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from datetime import timedelta

from app.models.enums import PriorityLevel
from app.tone.findings import MentionKind
from app.tone.mention import MENTION_SCORED_CHARS, classify_mention, scored_part
from app.tone.risk import RISK_WORDS, risk_categories
from app.tone.sentiment import sentiment

__all__ = [
    "MENTION_SCORED_CHARS",
    "PRIORITY_LEVEL_FLOORS",
    "READ_AUDIT_EVENT",
    "RISK_WORDS",
    "MentionReading",
    "PriorityScore",
    "priority_level",
    "priority_of",
    "read_mention",
    "reading_from_ingest",
    "risk_categories",
    "score_mention",
    "sentiment",
    "waiting_points",
]

NEGATIVITY_WEIGHT = 40.0
# A complaint VADER scores as neutral ("my parcel never arrived", or not English) still outranks
# praise: its negativity counts at least this much.
COMPLAINT_FLOOR = 12.0
RISK_WEIGHT_EACH = 15.0
RISK_WEIGHT_MAX = 30.0
REACH_WEIGHT_MAX = 20.0
REACH_FULL_FOLLOWERS = 1_000_000  # reach points saturate at a million followers
WAITING_WEIGHT_PER_HOUR = 2.0
WAITING_WEIGHT_MAX = 10.0
URGENT_THRESHOLD = 60.0
# Where each level of priority begins (inclusive), highest first: response-time targets are
# set per level. "Normal" and "high" split the stream's medium band (30 up to urgent).
PRIORITY_LEVEL_FLOORS: tuple[tuple[PriorityLevel, float], ...] = (
    (PriorityLevel.URGENT, URGENT_THRESHOLD),
    (PriorityLevel.HIGH, 45.0),
    (PriorityLevel.NORMAL, 30.0),
    (PriorityLevel.LOW, float("-inf")),
)
# Risks that make a complaint urgent on their own, whatever the author's reach or the tone's
# strength: someone may be hurt.
URGENT_RISKS = frozenset({"safety"})
# Raised (`sys.audit`) each time a mention's text is read: how a test or an operator sees that
# the re-score job reads no text (`sys.addaudithook`).
READ_AUDIT_EVENT = "responder.tone.read_mention"


@dataclass(frozen=True, slots=True)
class PriorityScore:
    priority: float
    sentiment: float  # VADER compound, -1 (hostile) to +1 (delighted)
    risk_words: tuple[str, ...]  # categories found: "safety", "legal", ...

    @property
    def urgent(self) -> bool:
        return self.priority >= URGENT_THRESHOLD


@dataclass(frozen=True, slots=True)
class MentionReading:
    """What a mention's text says, for its priority: fixed once read."""

    sentiment: float  # VADER compound, as stored with the mention
    risk_words: tuple[str, ...]  # as stored with the mention
    complaint: bool


def priority_level(priority: float) -> PriorityLevel:
    """The level a priority score falls in."""
    for level, floor in PRIORITY_LEVEL_FLOORS:
        if priority >= floor:
            return level
    return PriorityLevel.LOW


def negativity_points(compound: float) -> float:
    """Only anger and disappointment raise priority; praise does not lower it below zero."""
    return max(0.0, -compound) * NEGATIVITY_WEIGHT


def risk_points(risks: tuple[str, ...]) -> float:
    return min(len(risks) * RISK_WEIGHT_EACH, RISK_WEIGHT_MAX)


def reach_points(followers: int | None) -> float:
    """Logarithmic: 100 followers ~7 points, 10k ~13, a million or more the full 20."""
    if not followers or followers <= 0:
        return 0.0
    share = math.log10(followers + 1) / math.log10(REACH_FULL_FOLLOWERS)
    return min(share, 1.0) * REACH_WEIGHT_MAX


def waiting_points(waiting: timedelta) -> float:
    hours = max(waiting.total_seconds(), 0.0) / 3600.0
    return min(hours * WAITING_WEIGHT_PER_HOUR, WAITING_WEIGHT_MAX)


def read_mention(text: str) -> MentionReading:
    """Read the first `MENTION_SCORED_CHARS` of a mention: its tone, risk words and whether it
    complains. Time grows with the length read, which the cap bounds."""
    part = scored_part(text)
    sys.audit(READ_AUDIT_EVENT, len(part))
    return MentionReading(
        sentiment(part), risk_categories(part), classify_mention(part) is MentionKind.COMPLAINT
    )


def priority_of(
    reading: MentionReading, *, followers: int | None = None, waiting: timedelta = timedelta(0)
) -> float:
    """The priority of a mention read as `reading`, by an author with `followers`, that has
    waited `waiting`: no text is read."""
    negativity = negativity_points(reading.sentiment)
    if reading.complaint:
        negativity = max(negativity, COMPLAINT_FLOOR)
    score = negativity + risk_points(reading.risk_words)
    score += reach_points(followers) + waiting_points(waiting)
    if (reading.complaint or reading.sentiment < 0) and URGENT_RISKS.intersection(
        reading.risk_words
    ):
        score = max(score, URGENT_THRESHOLD)
    return round(min(score, 100.0), 1)


def score_mention(
    text: str, *, followers: int | None = None, waiting: timedelta = timedelta(0)
) -> PriorityScore:
    """Score a mention from its tone, risk words, the author's reach and how long it has waited."""
    reading = read_mention(text)
    priority = priority_of(reading, followers=followers, waiting=waiting)
    return PriorityScore(priority, reading.sentiment, reading.risk_words)


def reading_from_ingest(
    sentiment: float,
    risk_words: tuple[str, ...],
    *,
    followers: int | None,
    waited_at_ingest: timedelta,
    priority_at_ingest: float,
) -> MentionReading | None:
    """The reading of a stored mention, from what ingest stored: its sentiment and risk words,
    and whether it complained, which shows in the priority it got at ingest (a complaint's
    negativity counts at least `COMPLAINT_FLOOR`). None when neither reading gives that
    priority (scored by an older rule): the caller keeps the priority it has.

    Where both give it (the same negativity, or both capped), the difference cannot show later
    either, except for a safety risk held at the urgent line: that mention reads as a complaint,
    as a safety risk with a negative tone always does (see `classify_mention`)."""
    readings = [MentionReading(sentiment, risk_words, c) for c in (True, False)]
    for reading in readings:
        at_ingest = priority_of(reading, followers=followers, waiting=waited_at_ingest)
        if at_ingest == round(priority_at_ingest, 1):
            return reading
    return None
