"""The quarantine's rules on a real database: an item is kept once (a page read again does not
add it twice) with the cursor moved in the same transaction, its raw form bounded and storable;
and which storage failures are the item's own fault (quarantine it) rather than the database's
(retry later) — told apart on real errors of SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError

from app.models.enums import Network
from app.models.tables import Account, Mention, QuarantinedItem
from app.server.db import Database, open_database
from app.server.migrate import upgrade_to_head
from app.server.services.accounts import create_account
from app.server.services.quarantine import (
    RAW_LIMIT,
    bounded_raw,
    dismiss,
    list_quarantine,
    quarantine_item,
    refusal_reason,
    refused_by_database,
)
from tests.support.postgres import temporary_postgres_database

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
        else:
            url = stack.enter_context(temporary_postgres_database())
        database = open_database(url)
        stack.callback(database.dispose)
        upgrade_to_head(database)
        yield database


def _account(db: Database) -> int:
    with db.write() as session:
        account = create_account(
            session,
            network=Network.MASTODON,
            name="acme",
            base_url="http://127.0.0.1:9",
            secret_ref="",
            options={},
            now=NOW,
        )
        return account.id


def test_an_item_is_kept_once_and_the_cursor_moves_with_it(db: Database) -> None:
    account_id = _account(db)
    raw = {"id": "1/../x", "content": "<p>hi\u0000 there \ud83d</p>", "big": "x" * (RAW_LIMIT + 5)}
    for cursor in ("41", "42"):  # the same page read twice (a restart before the cursor moved)
        with db.write() as session:
            kept = quarantine_item(
                session,
                account_id,
                network=Network.MASTODON,
                external_id="1/../x",
                reason="The item does not fit the mention schema: external_id: …",
                raw=raw,
                cursor=cursor,
                now=NOW,
            )
            assert kept is not None
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(QuarantinedItem)) == 1
        account = session.get(Account, account_id)
        assert account is not None
        assert account.cursor == "42"
        listed = list_quarantine(session)
    [item] = listed.data
    assert (item.account, item.network, item.external_id) == ("acme", Network.MASTODON, "1/../x")
    assert item.raw["truncated"] is True  # over RAW_LIMIT: its start only
    assert len(item.raw["start"]) == RAW_LIMIT
    assert "\\u0000" not in item.raw["start"]
    assert "\ud83d" not in item.raw["start"]

    with db.write() as session:
        dismiss(session, item.id, by=None, now=NOW)
    with db.read() as session:
        assert list_quarantine(session).count == 0
        assert list_quarantine(session, include_dismissed=True).count == 1


def test_a_small_raw_item_is_kept_whole() -> None:
    assert bounded_raw({"id": "7", "when": NOW}) == {"id": "7", "when": str(NOW)}


def test_a_gone_account_keeps_nothing(db: Database) -> None:
    with db.write() as session:
        kept = quarantine_item(
            session,
            12345,
            network=Network.X,
            external_id="1",
            reason="…",
            raw={},
            cursor="1",
            now=NOW,
        )
    assert kept is None


def _mention_insert(session_value: str) -> str:
    return (
        "INSERT INTO mentions (network, external_id, author_handle, author_display_name, text, "
        "is_demo, created_at, ingested_at, updated_at, status, version, priority, sentiment, "
        "risk_words, follow_up_done, raw) VALUES ('mastodon', '1', "
        f"'{session_value}', '', 't', false, now(), now(), now(), 'new', 1, 0, 0, '[]', false, "
        "'{}')"
    )


def caught_naive(db: Database, mention: Mention) -> BaseException:
    """The error storing `mention` raises (it must raise one: its time cannot be stored)."""
    try:
        with db.write() as session:
            session.add(mention)
    except Exception as exc:
        return exc
    raise AssertionError("storing the time did not fail")


def test_what_the_database_refuses_for_the_item_is_told_from_an_outage() -> None:
    with temporary_postgres_database() as url:
        db = open_database(url)
        try:
            upgrade_to_head(db)
            with pytest.raises(DBAPIError) as too_long, db.write() as session:
                session.execute(text(_mention_insert("h" * 300)))  # author_handle is 200
            assert refused_by_database(too_long.value)
            assert refusal_reason(too_long.value).startswith(
                "The database refused to store the mention: value too long"
            )
            naive = Mention(
                network=Network.MASTODON,
                external_id="2",
                author_handle="@a",
                text="t",
                created_at=datetime(2026, 11, 30, 10, 0),  # no zone: refused
            )
            refused = caught_naive(db, naive)
            assert isinstance(refused, StatementError)
            assert "naive datetime" in str(refused)
            assert refused_by_database(refused)
            before_year_one = Mention(
                network=Network.MASTODON,
                external_id="3",
                author_handle="@a",
                text="t",
                created_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
            )
            overflow = caught_naive(db, before_year_one)
            assert refused_by_database(overflow)
        finally:
            db.dispose()

    full = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    locked = OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    assert not refused_by_database(full)
    assert not refused_by_database(locked)
    assert not refused_by_database(RuntimeError("a bug"))
