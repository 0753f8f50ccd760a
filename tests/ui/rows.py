"""Stream rows for UI tests and the benchmark: realistic, varied, deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.client.stream.rows import MentionRow
from app.models.enums import MentionStatus, Network

_NETWORKS = [Network.MASTODON, Network.BLUESKY, Network.X, Network.FEED, Network.WEBHOOK]
_TEXTS = [
    "My order still has not arrived and nobody answers the phone",
    "Thanks for the quick fix, the app works again!",
    "Is there an outage in Berlin? No signal since this morning",
    "I want a refund for the double charge on my bill",
    "Love the new plan, switching my whole family",
    "Your support told me to restart the phone. Again. Seriously?",
]
_PEOPLE = {7: "Dana", 8: "Lee", 9: "Sam"}
BASE_TIME = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def make_row(i: int, **changes: object) -> MentionRow:
    assignee = (i % 5) + 5 if i % 3 == 0 else None  # ids 5..9; some are people we know
    status = (
        MentionStatus.RESOLVED
        if i % 11 == 0
        else (MentionStatus.ASSIGNED if assignee is not None else MentionStatus.NEW)
    )
    values: dict[str, object] = {
        "id": i,
        "network": _NETWORKS[i % len(_NETWORKS)],
        "author_handle": f"customer{i}",
        "author_name": f"Customer {i}",
        "text": f"{_TEXTS[i % len(_TEXTS)]} (#{i})",
        "created_at": BASE_TIME - timedelta(minutes=(100_000 - i) % 5000),
        "status": status,
        "assignee_id": assignee,
        "assignee_name": _PEOPLE.get(assignee) if assignee else None,
        "version": 1,
        "priority": float((i * 37) % 100),
        "is_demo": i % 17 == 0,
    }
    values.update(changes)
    return MentionRow(**values)  # type: ignore[arg-type]


def make_rows(start: int, count: int) -> list[MentionRow]:
    return [make_row(i) for i in range(start, start + count)]
