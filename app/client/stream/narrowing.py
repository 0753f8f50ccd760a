"""How the rep narrows and orders the stream, beyond the tabs and the search: the network,
priority band and status choices with their labels (one table each), and the sort — a column
and a direction — with the key each column sorts by. Qt-free: the stream's proxy applies them,
the filter bar and the header show them, the settings keep them as plain strings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.client.stream.response_clock import due_sort_key
from app.client.stream.rows import URGENT_PRIORITY, MentionRow
from app.models.enums import MentionStatus, Network
from app.models.networks import rules_for


class PriorityBand(StrEnum):
    URGENT = "urgent"
    MEDIUM = "medium"
    LOW = "low"


# Lower bound (inclusive) of each band; a band ends where the one above begins.
_MEDIUM_PRIORITY = 30.0
_BAND_FLOORS = {
    PriorityBand.URGENT: URGENT_PRIORITY,
    PriorityBand.MEDIUM: _MEDIUM_PRIORITY,
    PriorityBand.LOW: float("-inf"),
}
_BAND_CEILINGS = {
    PriorityBand.URGENT: float("inf"),
    PriorityBand.MEDIUM: URGENT_PRIORITY,
    PriorityBand.LOW: _MEDIUM_PRIORITY,
}

# The labels the filter bar offers, one table per choice. Network names are the networks' own.
NETWORK_TITLES: dict[Network, str] = {n: rules_for(n).display_name for n in Network}
PRIORITY_TITLES: dict[PriorityBand, str] = {
    PriorityBand.URGENT: f"Urgent ({URGENT_PRIORITY:.0f}+)",
    PriorityBand.MEDIUM: f"Medium ({_MEDIUM_PRIORITY:.0f}–{URGENT_PRIORITY - 1:.0f})",
    PriorityBand.LOW: f"Low (under {_MEDIUM_PRIORITY:.0f})",
}
# In the order a mention goes through them: the Status column sorts in this order too.
STATUS_TITLES: dict[MentionStatus, str] = {
    MentionStatus.NEW: "New",
    MentionStatus.ASSIGNED: "Assigned",
    MentionStatus.HANDOFF: "Handed off",
    MentionStatus.SNOOZED: "Snoozed",
    MentionStatus.REPLIED: "Replied",
    MentionStatus.RESOLVED: "Resolved",
}
ANY_NETWORK = "Any network"
ANY_PRIORITY = "Any priority"
ANY_STATUS = "Any status"


@dataclass(frozen=True, slots=True)
class Narrowing:
    """Network, priority band, status and tag the rep narrowed to (None: any). The tag is
    folded as tags are (lower case)."""

    network: Network | None = None
    band: PriorityBand | None = None
    status: MentionStatus | None = None
    tag: str | None = None

    @property
    def active(self) -> bool:
        return (
            self.network is not None
            or self.band is not None
            or self.status is not None
            or self.tag is not None
        )

    def accepts(self, row: MentionRow) -> bool:
        if self.network is not None and row.network is not self.network:
            return False
        if self.tag is not None and self.tag not in row.tags:
            return False
        if self.status is not None and row.status is not self.status:
            return False
        band = self.band
        return band is None or _BAND_FLOORS[band] <= row.priority < _BAND_CEILINGS[band]


class SortColumn(StrEnum):
    NETWORK = "network"
    PRIORITY = "priority"
    AUTHOR = "author"
    AGE = "age"
    OWNER = "owner"
    STATUS = "status"
    DUE = "due"  # the first-response clock: soonest due first


@dataclass(frozen=True, slots=True)
class StreamSort:
    """The stream's one order. No column: arrival order, newest first (the fast path: no sort
    at all). Otherwise by the column, ties oldest first."""

    column: SortColumn | None = None
    descending: bool = True

    @property
    def is_arrival(self) -> bool:
        return self.column is None


NEWEST_FIRST = StreamSort()
# "Highest priority first": among equal priorities, the longest waiting first.
PRIORITY_FIRST = StreamSort(SortColumn.PRIORITY, descending=True)


def first_click(column: SortColumn) -> StreamSort:
    """The order a header's first click gives: the most useful end first (highest priority,
    youngest), A to Z for names."""
    return StreamSort(column, descending=column is SortColumn.PRIORITY)


def next_sort(current: StreamSort, column: SortColumn) -> StreamSort:
    """A header click: the same column reverses, another column starts at its first order."""
    if current.column is column:
        return StreamSort(column, not current.descending)
    return first_click(column)


_STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_TITLES)}


def _owner_key(row: MentionRow) -> str:
    # Nobody's mentions after everyone's, as the "—" they show would not sort.
    return (row.assignee_name or "\uffff").casefold()


def _age_key(row: MentionRow) -> float:
    # Ascending age is youngest first: the latest `created_at` first.
    return -row.created_at.timestamp()


_KEYS: dict[SortColumn, Callable[[MentionRow], Any]] = {
    SortColumn.NETWORK: lambda r: NETWORK_TITLES[r.network].casefold(),
    SortColumn.PRIORITY: lambda r: r.priority,
    SortColumn.AUTHOR: lambda r: (r.author_name or r.author_handle).casefold(),
    SortColumn.AGE: _age_key,
    SortColumn.OWNER: _owner_key,
    SortColumn.STATUS: lambda r: _STATUS_RANK[r.status],
    SortColumn.DUE: due_sort_key,
}


class SortKeys:
    """Every row's key for one column, by position, kept between sorts: reversing, a filter
    switch or a live change re-sorts without computing 100,000 keys again. Whoever holds it
    says when rows change (`replaced`) or move (`forget`); appended rows are picked up."""

    def __init__(self) -> None:
        self._column: SortColumn | None = None
        self._keys: list[Any] = []

    def forget(self) -> None:
        self._column, self._keys = None, []

    def replaced(self, rows: list[MentionRow], positions: list[int]) -> None:
        if self._column is None:
            return
        key = _KEYS[self._column]
        for position in positions:
            if position < len(self._keys):
                self._keys[position] = key(rows[position])

    def by_position(self, rows: list[MentionRow], column: SortColumn) -> list[Any]:
        key = _KEYS[column]
        if column is not self._column or len(self._keys) > len(rows):
            self._column, self._keys = column, list(map(key, rows))
        elif len(self._keys) < len(rows):
            self._keys.extend(map(key, rows[len(self._keys) :]))
        return self._keys


def sort_positions(
    rows: list[MentionRow],
    positions: list[int],
    sort: StreamSort,
    keys: SortKeys | None = None,
) -> list[int]:
    """`positions` (ascending, into `rows`) in `sort`'s display order; ties keep oldest first
    in both directions (a stable sort, reversed stably)."""
    if sort.column is None:
        return positions[::-1]
    by_position = (keys or SortKeys()).by_position(rows, sort.column)
    return sorted(positions, key=by_position.__getitem__, reverse=sort.descending)
