"""The stream's narrowing and ordering rules without Qt: network, priority band and status
choices, column sorts with ties oldest first, header clicks, and the sentence that sums up an
action on several mentions."""

from __future__ import annotations

from app.client.stream.actions import (
    MOST_AT_ONCE,
    ActionOutcome,
    ActionResult,
    MentionAction,
    refuse_many,
    sum_up,
)
from app.client.stream.narrowing import (
    NETWORK_TITLES,
    NEWEST_FIRST,
    PRIORITY_FIRST,
    STATUS_TITLES,
    Narrowing,
    PriorityBand,
    SortColumn,
    StreamSort,
    next_sort,
    sort_positions,
)
from app.models.enums import MentionStatus, Network
from app.models.networks import rules_for
from tests.ui.rows import make_row, make_rows


def test_choices_narrow_by_network_band_and_status() -> None:
    rows = make_rows(1, 300)
    urgent_bluesky = Narrowing(network=Network.BLUESKY, band=PriorityBand.URGENT)
    picked = [r for r in rows if urgent_bluesky.accepts(r)]
    assert picked
    assert all(r.network is Network.BLUESKY and r.priority >= 60 for r in picked)
    assert len(picked) == sum(1 for r in rows if r.network is Network.BLUESKY and r.priority >= 60)
    # The bands cover every priority exactly once.
    for row in rows:
        bands = [b for b in PriorityBand if Narrowing(band=b).accepts(row)]
        assert len(bands) == 1, row.priority
    resolved = Narrowing(status=MentionStatus.RESOLVED)
    assert {r.status for r in rows if resolved.accepts(r)} == {MentionStatus.RESOLVED}
    assert not Narrowing().active
    assert resolved.active
    # The labels are the networks' own names.
    assert NETWORK_TITLES[Network.X] == rules_for(Network.X).display_name


def test_column_sorts_keep_ties_oldest_first_both_ways() -> None:
    rows = [make_row(i, priority=float(p)) for i, p in enumerate([5, 9, 5, 1, 9], start=1)]
    positions = list(range(len(rows)))
    ids = lambda order: [rows[p].id for p in order]  # noqa: E731
    assert ids(sort_positions(rows, positions, PRIORITY_FIRST)) == [2, 5, 1, 3, 4]
    ascending = StreamSort(SortColumn.PRIORITY, descending=False)
    assert ids(sort_positions(rows, positions, ascending)) == [4, 1, 3, 2, 5]
    assert ids(sort_positions(rows, positions, NEWEST_FIRST)) == [5, 4, 3, 2, 1]
    # Age ascending is youngest first.
    age = sort_positions(rows, positions, StreamSort(SortColumn.AGE, descending=False))
    created = [rows[p].created_at for p in age]
    assert created == sorted(created, reverse=True)


def test_status_sorts_in_the_order_a_mention_goes_through() -> None:
    flow = [
        MentionStatus.NEW,
        MentionStatus.ASSIGNED,
        MentionStatus.HANDOFF,
        MentionStatus.SNOOZED,
        MentionStatus.REPLIED,
        MentionStatus.RESOLVED,
    ]
    rows = [make_row(i, status=s) for i, s in enumerate(reversed(flow), start=1)]
    order = sort_positions(rows, list(range(len(rows))), StreamSort(SortColumn.STATUS, False))
    assert [rows[p].status for p in order] == flow
    assert list(STATUS_TITLES) == flow  # the filter bar offers them in that order too


def test_a_header_click_starts_at_the_useful_end_and_a_second_reverses() -> None:
    assert next_sort(NEWEST_FIRST, SortColumn.PRIORITY) == PRIORITY_FIRST
    assert next_sort(PRIORITY_FIRST, SortColumn.PRIORITY) == StreamSort(
        SortColumn.PRIORITY, descending=False
    )
    assert next_sort(PRIORITY_FIRST, SortColumn.AUTHOR) == StreamSort(
        SortColumn.AUTHOR, descending=False
    )


def test_one_sentence_sums_up_an_action_on_several_mentions() -> None:
    done = ActionOutcome(ActionResult.DONE, "Done")
    taken = ActionOutcome(ActionResult.CONFLICT, "x", owner="Mara")
    assert sum_up(MentionAction.CLAIM, [done] * 5 + [taken]) == (
        "Claimed 5 mentions; 1 was already Mara's."
    )
    queued = ActionOutcome(ActionResult.QUEUED, "q")
    refused = ActionOutcome(ActionResult.FAILED, "f")
    changed = ActionOutcome(ActionResult.CONFLICT, "c")
    assert sum_up(MentionAction.RESOLVE, [done, queued, queued, changed, refused]) == (
        "Resolved 1 mention; 2 were queued until the server answers; 1 was changed meanwhile; "
        "1 was refused."
    )
    assert sum_up(MentionAction.SNOOZE, [taken, taken]) == (
        "Snoozed no mentions; 2 were already Mara's."
    )


def test_an_action_on_too_many_mentions_is_refused_with_a_reason() -> None:
    assert refuse_many(1) is None
    assert refuse_many(MOST_AT_ONCE) is None
    refusal = refuse_many(100_000)
    assert refusal is not None
    assert "100,000 mentions are selected" in refusal
