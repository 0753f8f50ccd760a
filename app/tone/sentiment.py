"""The customer's and the rep's tone: one shared VADER analyzer, a lexicon made for social media.

VADER 3.3.2 reads a text in time that grows with the square of its length: for every lexicon word
it lower-cases the whole text again (negation and idiom checks), and its "but" rule looks each
score up from the start of the list. A mention of 1,000 emoji (each becomes words such as "pouting
face") took 0.9 s, 10,000 took 106 s. `LinearAnalyzer` overrides those three steps with ones that
look only at the words they need, so the scores are VADER's own, digit for digit
(tests/tone/test_linear_scoring.py compares them), in time proportional to the text.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from functools import lru_cache

from vaderSentiment.vaderSentiment import N_SCALAR, SentimentIntensityAnalyzer, negated

Score = float | int  # VADER mixes ints (neutral words) and floats in its score list


class LinearAnalyzer(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """VADER with its quadratic steps made linear; same results."""

    @staticmethod
    def _negation_check(valence: float, words: Sequence[str], start_i: int, i: int) -> float:
        # VADER's own check, reading the (at most three) preceding words instead of
        # lower-casing the whole text for each lexicon word. Callers guarantee i > start_i.
        def low(k: int) -> str:
            return str(words[k]).lower()

        if start_i == 0 and negated([low(i - 1)]):
            valence = valence * N_SCALAR
        if start_i == 1:
            if low(i - 2) == "never" and low(i - 1) in ("so", "this"):
                valence = valence * 1.25
            elif low(i - 2) == "without" and low(i - 1) == "doubt":
                pass
            elif negated([low(i - 2)]):
                valence = valence * N_SCALAR
        if start_i == 2:
            if (low(i - 3) == "never" and low(i - 2) in ("so", "this")) or low(i - 1) in (
                "so",
                "this",
            ):
                valence = valence * 1.25
            elif low(i - 3) == "without" and (low(i - 2) == "doubt" or low(i - 1) == "doubt"):
                pass
            elif negated([low(i - 3)]):
                valence = valence * N_SCALAR
        return valence

    @staticmethod
    def _special_idioms_check(valence: float, words: Sequence[str], i: int) -> float:
        # VADER's idiom check sees the words from i-3 to i+2 only: hand it just those (it is
        # called with i >= 3, so the window keeps every index it reads, shifted by i-3).
        start = i - 3
        window = list(words[start : i + 3])
        check = SentimentIntensityAnalyzer._special_idioms_check
        return float(check(valence, window, i - start))

    @staticmethod
    def _but_check(words: Sequence[str], sentiments: list[Score]) -> list[Score]:
        """VADER's "but" rule with its quirk kept: for each score in turn it changes the *first*
        score of equal value (`list.index`), halving before the first "but" and raising by half
        after it. The first position holding each value comes from a heap per value instead of a
        scan from the start."""
        bi = next((k for k, w in enumerate(words) if str(w).lower() == "but"), None)
        if bi is None:
            return sentiments
        holders: dict[Score, list[int]] = {}
        for index, value in enumerate(sentiments):
            holders.setdefault(value, []).append(index)  # ascending: already a heap

        def first_holding(value: Score) -> int:
            heap = holders[value]
            while sentiments[heap[0]] != value:  # stale: that position changed value since
                heapq.heappop(heap)
            return heap[0]

        for position in range(len(sentiments)):
            # Changes only ever land at or before the position being read, so this is the
            # original score, as in VADER's loop over the list it mutates.
            value = sentiments[position]
            si = first_holding(value)
            if si == bi:
                continue
            new = value * 0.5 if si < bi else value * 1.5
            sentiments[si] = new
            heapq.heappush(holders.setdefault(new, []), si)
        return sentiments


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """Loading the lexicon takes ~50 ms, so every caller shares one analyzer."""
    return LinearAnalyzer()


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
