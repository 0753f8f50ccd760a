"""The server's configuration, read once from the environment (prefix RESPONDER_) or arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.models.enums import Network


def default_database_url() -> str:
    """A SQLite file under the user's data dir: the default for solo mode and a first try."""
    return f"sqlite:///{Path(user_data_dir('responder-server')) / 'server.sqlite3'}"


class Settings(BaseSettings):
    """Everything the server can be told; each field is also `RESPONDER_<NAME>` in the env."""

    model_config = SettingsConfigDict(env_prefix="RESPONDER_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    keepalive_seconds: float = Field(default=15.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    token_cache_seconds: float = Field(default=5.0, ge=0)
    # Tailer: how often it looks for rows written by other processes when nothing woke it.
    event_poll_seconds: float = Field(default=0.5, gt=0)
    # Background job: re-score, wake snoozed mentions, raise follow-ups.
    job_interval_seconds: float = Field(default=30.0, gt=0)
    run_jobs: bool = True
    # Replies per hour one brand account may post per network when a storm's holding statement
    # goes out, where this server's networks allow other than their published defaults
    # (app/models/networks.py `replies_per_hour`): JSON in RESPONDER_REPLY_PACE_PER_HOUR,
    # e.g. {"mastodon": 300} for an own Mastodon server with a raised limit.
    reply_pace_per_hour: dict[Network, Annotated[int, Field(ge=1, le=1_000_000)]] = Field(
        default_factory=dict
    )
    # Threads that run blocking database work; the connection pool is sized to match.
    worker_threads: int = Field(default=16, ge=2, le=200)
    # Processes that read and plan large webhook batches (app/server/ingest_planner.py); 0: in
    # the server process.
    ingest_processes: int = Field(default=2, ge=0, le=32)
    # Event streams: a consumer more than this many events behind is dropped (it resumes with
    # Last-Event-ID), as is one whose socket takes no data for `stream_send_timeout_seconds`;
    # each user has at most `max_streams_per_user` streams open.
    subscriber_queue_size: int = Field(default=10_000, ge=10)
    stream_send_timeout_seconds: float = Field(default=20.0, gt=0)
    max_streams_per_user: int = Field(default=8, ge=1)
    # Open event streams look their token up in the database this often: a revoked token or a
    # deactivated user's stream closes, a changed role re-filters (whatever process revoked it).
    stream_recheck_seconds: float = Field(default=2.0, gt=0)
    solo_token: str | None = None
    # The solo console shows it in its status bar and history: "You: On duty", "You claimed it".
    solo_user: str = "You"
    demo: bool = False
    # Brand accounts (app/server/workers): ingest workers and the reply sender run in `serve`.
    run_ingest: bool = True
    # Storm detection (app/server/services/storm_detector.py): spikes of volume or anger.
    detect_storms: bool = True
    # Where add-account keeps brand-account secrets (JSON, mode 0600); default: beside the
    # SQLite database, or under the user data dir for PostgreSQL (see app/server/secrets.py).
    secrets_file: str | None = None
    # How often the ingest supervisor re-reads the accounts table (new / removed accounts).
    account_refresh_seconds: float = Field(default=2.0, gt=0)
    # How often the reply sender looks for due replies when no event woke it.
    sender_poll_seconds: float = Field(default=1.0, gt=0)
    # Outgoing coverage-gap notifier: apprise URLs (json://host/path, mailtos://…, slack://…),
    # as a JSON list in RESPONDER_NOTIFY_URLS. Empty: no outgoing notices.
    notify_urls: list[str] = Field(default_factory=list)
    # The address people reach this server at from their phones (e.g. https://care.example.com):
    # an on-call page's notice carries its acknowledgement link under it (`/ack/{key}`).
    # Unset: the notice says to acknowledge in the console.
    public_url: str | None = None
    # After start-up, move the objects alive then out of the cycle collector's full walks
    # (app/server/heap.py). Off only for a server embedded in a longer-lived process (tests).
    freeze_startup_heap: bool = True
