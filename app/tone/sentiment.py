"""The customer's and the rep's tone: one shared VADER analyzer, a lexicon made for social media."""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """Loading the lexicon takes ~50 ms, so every caller shares one analyzer."""
    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER compound score from -1 (hostile) to +1 (delighted); caps, '!!' and emoji count."""
    return float(analyzer().polarity_scores(text)["compound"])


@lru_cache(maxsize=256)
def cached_sentiment(text: str) -> float:
    """For texts scored again and again, such as the mention under a draft being typed."""
    return sentiment(text)


def word_valence(word: str) -> float:
    """A single word's valence in the lexicon (-4 to +4), 0 when unknown."""
    value = analyzer().lexicon.get(word.lower())
    return float(value) if value is not None else 0.0
