"""Stream rows: the urgency line matches the tone package's, handles get one "@"."""

from __future__ import annotations

from datetime import UTC, datetime

from app.client.stream.rows import URGENT_PRIORITY, MentionRow
from app.models.enums import MentionStatus, Network
from app.tone.priority import URGENT_THRESHOLD


def row(handle: str, priority: float) -> MentionRow:
    return MentionRow(
        1,
        Network.BLUESKY,
        handle,
        "Jules",
        "Bill too high again",
        datetime.now(UTC),
        MentionStatus.NEW,
        None,
        None,
        1,
        priority,
    )


def test_urgent_line_is_the_tone_packages() -> None:
    assert URGENT_PRIORITY == URGENT_THRESHOLD
    assert row("jules", URGENT_THRESHOLD).is_urgent
    assert not row("jules", URGENT_THRESHOLD - 0.5).is_urgent


def test_handle_has_one_at_sign_and_search_text_is_casefolded() -> None:
    assert row("@jules.bsky.social", 1).handle == "@jules.bsky.social"
    assert row("jules.bsky.social", 1).handle == "@jules.bsky.social"
    assert "bill too high" in row("Jules", 1).haystack
