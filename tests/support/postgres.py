"""Temporary PostgreSQL databases for tests: one random database per use, dropped afterwards.

RESPONDER_TEST_POSTGRES_URL names the server (e.g. postgresql://postgres@127.0.0.1:5432/test);
without it PostgreSQL tests skip, unless RESPONDER_REQUIRE_POSTGRES=1, when they fail."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

ENV_URL = "RESPONDER_TEST_POSTGRES_URL"
ENV_REQUIRE = "RESPONDER_REQUIRE_POSTGRES"


def postgres_admin_url() -> str:
    """The configured server URL, or skip (fail when PostgreSQL is required)."""
    url = os.environ.get(ENV_URL, "").strip()
    if not url:
        if os.environ.get(ENV_REQUIRE) == "1":
            pytest.fail(f"{ENV_REQUIRE}=1 but {ENV_URL} is not set")
        pytest.skip(f"PostgreSQL tests need {ENV_URL}")
    return url


@contextlib.contextmanager
def temporary_postgres_database(admin_url: str | None = None) -> Iterator[str]:
    """CREATE a randomly named database, yield its plain postgresql:// URL, DROP it after."""
    base = admin_url or postgres_admin_url()
    name = f"responder_test_{secrets.token_hex(6)}"
    libpq = make_url(base).set(drivername="postgresql")
    try:
        admin = psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True)
    except psycopg.OperationalError as exc:
        if os.environ.get(ENV_REQUIRE) == "1":
            pytest.fail(f"PostgreSQL at {base} does not answer: {exc}")
        pytest.skip(f"PostgreSQL at {base} does not answer: {exc}")
    with admin:
        _run_through_checkpoints(admin, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield libpq.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as admin:
            _run_through_checkpoints(
                admin,
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
            )


# Creating and dropping a database asks PostgreSQL for a checkpoint, which fails while another
# test's database sits on a full disk (the disk-full drill, tests/server/test_disk_full.py,
# fills a tablespace for a few seconds): such a statement is tried again until it passes.
CHECKPOINT_PATIENCE_SECONDS = 90.0


def _run_through_checkpoints(
    admin: psycopg.Connection[tuple[object, ...]], statement: sql.Composed
) -> None:
    deadline = time.monotonic() + CHECKPOINT_PATIENCE_SECONDS
    while True:
        try:
            admin.execute(statement)
            return
        except psycopg.errors.InternalError as exc:
            if "checkpoint request failed" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # the other test frees its disk: nothing here to wait on
