"""The stream's view state round-trips through plain strings, and a saved state from another
version (unknown keys, values that no longer exist) is ignored piece by piece."""

from __future__ import annotations

import asyncio

from app.ui.stream.filter import FilterMode
from app.ui.stream.stream import MentionStream
from tests.ui.rows import make_rows


async def _no_detail(_mention_id: int) -> None:
    return None


def test_view_state_round_trips_and_ignores_what_it_does_not_know(
    qloop: asyncio.AbstractEventLoop,
) -> None:
    stream = MentionStream(_no_detail)
    stream.load_rows(make_rows(1, 30))
    stream.set_filter_mode(FilterMode.ALL)
    stream.set_priority_first(True)
    saved = stream.view_state()
    assert all(isinstance(v, str) for v in saved.values())

    other = MentionStream(_no_detail)
    other.load_rows(make_rows(1, 30))
    other.restore_view_state(saved)
    assert other.view_state() == saved
    assert other.filter_bar.mode() is FilterMode.ALL

    before = other.view_state()
    other.restore_view_state({"mode": "archived", "order": "sideways", "colour": "blue"})
    assert other.view_state() == before
