"""Spans of a text (start, end): which are free of overlap and which cover a position, in time
that grows with the number of spans times its logarithm, never its square.

A long draft can hold thousands of findings ("You idiot!! " ten thousand times); comparing each
with every one kept before took seconds.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar


class Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Span)


def first_come(spans: Iterable[S]) -> list[S]:
    """Each span that overlaps none kept before it (so the earlier, more specific one wins),
    sorted by start."""
    starts: list[int] = []  # the kept spans never overlap, so sorted by start they are by end
    ends: list[int] = []
    kept: list[tuple[int, int, S]] = []
    for order, span in enumerate(spans):
        at = bisect_right(starts, span.start)
        # Only the neighbours can overlap: the kept span starting at or before this one, and
        # the one starting after it.
        if at > 0 and span.start < ends[at - 1] and span.end > starts[at - 1]:
            continue
        if at < len(starts) and span.end > starts[at]:
            continue
        starts.insert(at, span.start)
        ends.insert(at, span.end)
        insort(kept, (span.start, order, span), key=lambda entry: (entry[0], entry[1]))
    return [span for _, _, span in kept]


class Coverage:
    """Whether a position lies inside any of some spans (which may overlap one another)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(s for s in spans if s[1] > s[0]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts: Sequence[int] = [s for s, _ in merged]
        self._ends: Sequence[int] = [e for _, e in merged]

    def covers(self, position: int) -> bool:
        at = bisect_right(self._starts, position) - 1
        return at >= 0 and position < self._ends[at]
