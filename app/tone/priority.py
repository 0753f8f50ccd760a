"""Priority of a mention: how urgently the team should look at it (0 to 100)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from app.tone.findings import MentionKind
from app.tone.mention import classify_mention
from app.tone.risk import RISK_WORDS, risk_categories
from app.tone.sentiment import sentiment

__all__ = [
    "RISK_WORDS",
    "PriorityScore",
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
# Risks that make a complaint urgent on their own, whatever the author's reach or the tone's
# strength: someone may be hurt.
URGENT_RISKS = frozenset({"safety"})


@dataclass(frozen=True, slots=True)
class PriorityScore:
    priority: float
    sentiment: float  # VADER compound, -1 (hostile) to +1 (delighted)
    risk_words: tuple[str, ...]  # categories found: "safety", "legal", ...

    @property
    def urgent(self) -> bool:
        return self.priority >= URGENT_THRESHOLD


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


def score_mention(
    text: str, *, followers: int | None = None, waiting: timedelta = timedelta(0)
) -> PriorityScore:
    """Score a mention from its tone, risk words, the author's reach and how long it has waited."""
    compound = sentiment(text)
    risks = risk_categories(text)
    negativity = negativity_points(compound)
    complaint = classify_mention(text) is MentionKind.COMPLAINT
    if complaint:
        negativity = max(negativity, COMPLAINT_FLOOR)
    score = negativity + risk_points(risks)
    score += reach_points(followers) + waiting_points(waiting)
    if (complaint or compound < 0) and URGENT_RISKS.intersection(risks):
        score = max(score, URGENT_THRESHOLD)
    return PriorityScore(round(min(score, 100.0), 1), compound, risks)
