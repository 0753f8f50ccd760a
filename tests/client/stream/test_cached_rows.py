"""The console's first look at its cache (before the store's code is loaded) reads the same rows
the store gives, without writing to the cache, and gives nothing rather than failing when
there is no cache yet or it cannot be read."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.client.stream.cached_rows import read_newest
from app.client.stream.store import LocalStore
from app.models.enums import MentionStatus, Network
from app.models.schemas import UserRef
from tests.client.stream.test_store import mention


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_newest_rows_are_the_stores_own(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = LocalStore(path)
    dana = UserRef(id=7, name="Dana")
    store.apply_mentions(
        [
            mention(1, 1, network=Network.BLUESKY, url="https://bsky.example/1"),
            mention(2, 3, status=MentionStatus.ASSIGNED, assignee_id=7, assignee=dana),
            mention(3, 1, priority=75.0, text="Urgent: my order never came"),
        ],
        cursor=4,
    )
    # While the store has the cache open (its WAL in use), and after it closed it.
    assert read_newest(path, 2) == store.load_rows(newest=2)
    assert [row.id for row in read_newest(path, 2)] == [2, 3]  # oldest first
    store.close()
    before = _digest(path)
    rows = read_newest(path)
    assert _digest(path) == before  # read-only: the cache file is as it was
    again = LocalStore(path)
    assert rows == again.load_rows()
    again.close()
    assert [(r.id, r.network, r.assignee_name, r.url) for r in rows[:2]] == [
        (1, Network.BLUESKY, None, "https://bsky.example/1"),
        (2, Network.MASTODON, "Dana", None),
    ]
    assert rows[2].is_urgent


def test_no_cache_yet_or_an_unreadable_one_gives_no_rows(tmp_path: Path) -> None:
    assert read_newest(tmp_path / "missing.sqlite3") == []
    assert not (tmp_path / "missing.sqlite3").exists()  # nothing created
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert read_newest(empty) == []  # a database without the table
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database at all" * 100)
    assert read_newest(damaged) == []
    assert damaged.read_bytes() == b"not a database at all" * 100
