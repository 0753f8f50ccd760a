"""Priority of a mention: how urgently the team should look at it (0 to 100)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Words that put a brand at risk whatever the tone: safety, legal, churn, money, press.
RISK_WORDS: dict[str, tuple[str, ...]] = {
    "safety": ("safety", "unsafe", "injury", "injured", "hurt", "fire", "burn", "burned", "smoke",
               "explode", "exploded", "poison", "poisoned", "allergic", "hospital", "recall"),
    "legal": ("legal", "lawyer", "lawsuit", "sue", "suing", "court", "attorney", "police",
              "fraud", "scam", "illegal", "gdpr"),
    "cancel": ("cancel", "cancelling", "canceling", "cancellation", "unsubscribe", "switching"),
    "refund": ("refund", "chargeback", "money back", "compensation"),
    "press": ("press", "journalist", "reporter", "news", "article", "viral"),
}

_RISK_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(w) for words in RISK_WORDS.values() for w in words) + r")\b",
    re.IGNORECASE,
)
_WORD_TO_CATEGORY = {w: cat for cat, words in RISK_WORDS.items() for w in words}

NEGATIVITY_WEIGHT = 40.0
RISK_WEIGHT_EACH = 15.0
RISK_WEIGHT_MAX = 30.0
REACH_WEIGHT_MAX = 20.0
WAITING_WEIGHT_PER_HOUR = 2.0
WAITING_WEIGHT_MAX = 10.0
URGENT_THRESHOLD = 60.0


@dataclass(frozen=True, slots=True)
class PriorityScore:
    priority: float
    sentiment: float  # VADER compound, -1 (hostile) to +1 (delighted)
    risk_words: tuple[str, ...]  # categories found: "safety", "legal", ...

    @property
    def urgent(self) -> bool:
        return self.priority >= URGENT_THRESHOLD


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER compound score: a lexicon made for social-media text (caps, '!!', emoji)."""
    return float(_analyzer().polarity_scores(text)["compound"])


def risk_categories(text: str) -> tuple[str, ...]:
    found = {_WORD_TO_CATEGORY[m.group(1).lower()] for m in _RISK_PATTERN.finditer(text)}
    return tuple(sorted(found))


def waiting_points(waiting: timedelta) -> float:
    hours = max(waiting.total_seconds(), 0.0) / 3600.0
    return min(hours * WAITING_WEIGHT_PER_HOUR, WAITING_WEIGHT_MAX)


def score_mention(
    text: str, *, followers: int | None = None, waiting: timedelta = timedelta(0)
) -> PriorityScore:
    """Score a mention from its tone, risk words, the author's reach and how long it has waited."""
    compound = sentiment(text)
    risks = risk_categories(text)
    score = max(0.0, -compound) * NEGATIVITY_WEIGHT
    score += min(len(risks) * RISK_WEIGHT_EACH, RISK_WEIGHT_MAX)
    if followers:
        score += min(math.log10(followers + 1) / 6.0, 1.0) * REACH_WEIGHT_MAX
    score += waiting_points(waiting)
    return PriorityScore(round(min(score, 100.0), 1), compound, risks)
