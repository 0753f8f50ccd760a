"""The stream's rows as the local cache keeps them: their columns, the query and the mapping to
`MentionRow`, shared by the store (SQLAlchemy, store.py) and by the console's first look at its
cache (`read_newest`: the standard library's sqlite3, read-only), which fills the window's stream
while the store's own code is still loading behind it."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.client.stream.rows import MentionRow
from app.models.enums import MentionStatus, Network

# The newest rows shown first: one screen's worth, read in milliseconds.
FIRST_SCREEN_ROWS = 2000

# The cached_mention columns a stream row is made of, in MentionRow's order.
ROW_COLUMNS = (
    "id",
    "network",
    "author_handle",
    "author_name",
    "text",
    "created_at",
    "status",
    "assignee_id",
    "assignee_name",
    "version",
    "priority",
    "is_demo",
    "url",
    "sla_due_at",
    "sla_breached",
    "routed_reason",
    "customer_id",
    "tags",
)
# A row's tags as one text column: tags never hold a line break (they are folded on one line).
TAG_SEPARATOR = "\n"
ALL_ROWS = f"SELECT {', '.join(ROW_COLUMNS)} FROM cached_mention ORDER BY id"
NEWEST_ROWS = f"SELECT {', '.join(ROW_COLUMNS)} FROM cached_mention ORDER BY id DESC LIMIT ?"


def to_rows(records: Iterable[Sequence[Any]]) -> list[MentionRow]:
    """Stream rows from records of ROW_COLUMNS, in the records' order."""
    networks = {n.value: n for n in Network}
    statuses = {s.value: s for s in MentionStatus}
    fromtimestamp = datetime.fromtimestamp
    return [
        MentionRow(
            r[0],
            networks.get(r[1], Network.WEBHOOK),
            r[2],
            r[3],
            r[4],
            fromtimestamp(r[5], UTC),
            statuses.get(r[6], MentionStatus.NEW),
            r[7],
            r[8],
            r[9],
            r[10],
            bool(r[11]),
            r[12],
            fromtimestamp(r[13], UTC) if r[13] is not None else None,
            bool(r[14]),
            r[15],
            r[16],
            tuple(r[17].split(TAG_SEPARATOR)) if r[17] else (),
        )
        for r in records
    ]


def read_newest(path: Path, newest: int = FIRST_SCREEN_ROWS) -> list[MentionRow]:
    """The newest `newest` cached rows, oldest first, read without writing anything; empty
    when there is no cache yet or it cannot be read now (the store opens it properly after,
    and says what is wrong)."""
    if not path.is_file():
        return []
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=1.0)) as db:
            records = db.execute(NEWEST_ROWS, (newest,)).fetchall()
    except sqlite3.Error:
        return []
    return to_rows(reversed(records))
