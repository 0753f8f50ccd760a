"""ORM tables (SQLAlchemy 2) for the team server. Wire schemas live in `schemas.py`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.models.enums import (
    Duty,
    HandoffStatus,
    MentionStatus,
    Network,
    ReplyStatus,
    Role,
    Severity,
)
from app.models.limits import MENTION_LIMITS


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite stores no zone: keep it naive UTC there)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _enum(enum_cls: type[Any], name: str) -> Enum:
    # Stored as plain strings (no native PG enum types): new values need no type migration.
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


# BigInteger ids that still autoincrement on SQLite (which only does so for INTEGER PRIMARY KEY).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Team(Base):
    """A team or function (support, billing, PR, product, legal, stores)."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    description: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # An unanswered handoff to this team (or to one of its people) escalates after this long.
    escalate_after_minutes: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    # An unacknowledged on-call page passes to the next person after this long (services/on_call).
    page_escalate_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # The zone the team's weekly rota is written in (IANA name, e.g. "Europe/Berlin").
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Up to when the rota has been applied: only boundaries after it switch duty again.
    rota_applied_until: Mapped[datetime | None] = mapped_column(default=None)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    duty: Mapped[Duty] = mapped_column(_enum(Duty, "duty"), default=Duty.OFF_DUTY)
    duty_since: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teams: Mapped[list[Team]] = relationship(secondary="team_members", lazy="selectin")


class ApiToken(Base):
    """A bearer token, stored only as its SHA-256 hash. `kind` is `user` or `ingest`.
    `networks`: the networks an ingest token may post mentions as (None: `webhook` only)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="user")
    name: Mapped[str] = mapped_column(String(120), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    networks: Mapped[list[str] | None] = mapped_column(JSON, default=None)


class Account(Base):
    """A brand account the server ingests from and replies as. The secret is never stored here:
    `secret_ref` names it in the server's secret store (environment, secrets file or keyring)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network: Mapped[Network] = mapped_column(_enum(Network, "network"))
    name: Mapped[str] = mapped_column(String(120), unique=True)
    base_url: Mapped[str] = mapped_column(String(500), default="")
    secret_ref: Mapped[str] = mapped_column(String(200), default="")
    cursor: Mapped[str | None] = mapped_column(String(200), default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(32), default="ok")
    error: Mapped[str | None] = mapped_column(Text, default=None)
    error_at: Mapped[datetime | None] = mapped_column(default=None)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Mention(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("network", "external_id", name="uq_mentions_network_external_id"),
        Index("ix_mentions_status_priority", "status", "priority"),
        Index("ix_mentions_created_at", "created_at"),
        Index("ix_mentions_assignee", "assignee_id"),
        Index("ix_mentions_status_rescore_at", "status", "rescore_at"),
        Index("ix_mentions_team_waiting", "team_id", "assignee_id", "status"),
        Index("ix_mentions_sla_due_at", "sla_due_at"),
        Index("ix_mentions_customer", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    network: Mapped[Network] = mapped_column(_enum(Network, "network"))
    external_id: Mapped[str] = mapped_column(String(MENTION_LIMITS.external_id))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    author_handle: Mapped[str] = mapped_column(String(MENTION_LIMITS.handle))
    author_display_name: Mapped[str] = mapped_column(
        String(MENTION_LIMITS.display_name), default=""
    )
    author_url: Mapped[str | None] = mapped_column(String(MENTION_LIMITS.author_url), default=None)
    author_followers: Mapped[int | None] = mapped_column(Integer, default=None)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(MENTION_LIMITS.url), default=None)
    language: Mapped[str | None] = mapped_column(String(MENTION_LIMITS.language), default=None)
    visibility: Mapped[str | None] = mapped_column(String(16), default=None)
    in_reply_to_external_id: Mapped[str | None] = mapped_column(
        String(MENTION_LIMITS.external_id), default=None
    )
    thread_key: Mapped[str | None] = mapped_column(
        String(MENTION_LIMITS.thread_key), default=None, index=True
    )
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[MentionStatus] = mapped_column(
        _enum(MentionStatus, "mention_status"), default=MentionStatus.NEW
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    sentiment: Mapped[float] = mapped_column(Float, default=0.0)
    risk_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Whether the text complained, as read at ingest (None: stored before it was kept).
    complaint: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # When waiting next moves the priority visibly (services/aging.py); None: it never will.
    rescore_at: Mapped[datetime | None] = mapped_column(default=None)
    snoozed_until: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    follow_up_at: Mapped[datetime | None] = mapped_column(default=None)
    follow_up_done: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The team whose routing rules the mention matched at ingest (services/routing.py), and
    # why it came to its owner ("billing (language de, keyword “refund”) · round robin").
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), default=None
    )
    routed_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    # Its team's first-response target (services/response_targets.py): due by then, announced once
    # when missed; the first reply that reached the network stops the clock.
    sla_due_at: Mapped[datetime | None] = mapped_column(default=None)
    sla_breached_at: Mapped[datetime | None] = mapped_column(default=None)
    first_response_at: Mapped[datetime | None] = mapped_column(default=None)
    # Who wrote it (customer_tables.py: one customer per network and handle, linked across
    # networks), and the tags people filed it under (also rows of mention_tags, for filters).
    customer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="SET NULL"), default=None
    )
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)

    assignee: Mapped[User | None] = relationship(lazy="joined")


class Reply(Base):
    """A reply a rep sent. `client_id` is the console's idempotency key, passed to the network."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[ReplyStatus] = mapped_column(
        _enum(ReplyStatus, "reply_status"), default=ReplyStatus.QUEUED
    )
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    external_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", ondelete="CASCADE"), index=True
    )
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    to_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[HandoffStatus] = mapped_column(
        _enum(HandoffStatus, "handoff_status"), default=HandoffStatus.PENDING
    )
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    # The on-duty manager the handoff escalated to (None: not escalated, or nobody was on).
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    severity: Mapped[Severity] = mapped_column(_enum(Severity, "severity"), default=Severity.INFO)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BroadcastAck(Base):
    __tablename__ = "broadcast_acks"

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    acked_at: Mapped[datetime] = mapped_column(default=utcnow)


class RotaShift(Base):
    """One weekly shift of a team's rota: on `weekday` (0 = Monday) from `start_minute` to
    `end_minute` (minutes after local midnight in the team's time zone; an end at or before
    the start runs past midnight) the user is on duty."""

    __tablename__ = "rota_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class CoverageGap(Base):
    """Whether a coverage gap is open, per scope (`everyone`: nobody on duty; `managers`: no
    manager on duty). A gap is announced once when it opens and closes when someone suitable
    comes on duty; the row is the compare-and-set that makes "once" hold across processes."""

    __tablename__ = "coverage_gaps"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    mention_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Urgent mentions that arrived in this gap (services/uncovered.py): alerts sent, the last
    # one's time, and those that arrived since (how many; the first few named).
    urgent_alerts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_alert_at: Mapped[datetime | None] = mapped_column(default=None)
    waiting_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    waiting: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )


class Event(Base):
    """The event log: one row per change of shared state, written in the change's transaction.
    `position` is its place in the log — the event id streams and Last-Event-ID use: given in
    commit order, so positions become visible in increasing order (app/server/event_log.py).
    Until placed (PostgreSQL: a moment after the commit) it is None."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_mention_id", "mention_id"),
        Index("ux_events_position", "position", unique=True),
        Index(
            "ix_events_unplaced",
            "id",
            postgresql_where=text("position IS NULL"),
            sqlite_where=text("position IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    position: Mapped[int | None] = mapped_column(BigInteger, default=None)
    type: Mapped[str] = mapped_column(String(40))
    mention_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # Who may see it: None for everyone, else a role floor ("manager") or a user id list.
    audience: Mapped[str | None] = mapped_column(String(40), default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- the reply composer: drafts synced between workstations, canned replies, cool-off -------


class ReplyDraft(Base):
    """A rep's draft reply to one mention, synced so they can continue on another workstation.
    `revision` grows with every save; a save made against an older revision is kept as the
    `conflict_*` copy (both copies kept, the rep asked) instead of overwriting."""

    __tablename__ = "reply_drafts"

    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    device: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    conflict_body: Mapped[str | None] = mapped_column(Text, default=None)
    conflict_device: Mapped[str | None] = mapped_column(String(120), default=None)
    conflict_at: Mapped[datetime | None] = mapped_column(default=None)


class CannedReply(Base):
    """A canned reply or a playbook entry (a pre-approved action), for a role and/or a team
    (None: everyone). Managers edit them; the composer inserts them with one key."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="canned")
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    role: Mapped[Role | None] = mapped_column(_enum(Role, "role"), default=None)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), default=None, index=True
    )
    shortcut: Mapped[str] = mapped_column(String(16), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamCoolOff(Base):
    """A team's cool-off between Send and the reply leaving: normal and heated (the draft has
    heat or blame, or the customer is hostile). Managers change it; absent means the defaults."""

    __tablename__ = "team_cool_off"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    seconds: Mapped[int] = mapped_column(Integer, default=20)
    heated_seconds: Mapped[int] = mapped_column(Integer, default=60)
    # A rep's reply that promises beyond their authority needs a manager's approval
    # (services/approvals.py).
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class QuarantinedItem(Base):
    """An item a brand account's ingest received but could not store as a mention (it fails the
    schema even after fitting, or the database refused it): kept here with the reason and the
    item as the network sent it (bounded), for an admin to look at, while the account's ingest
    moves on past it."""

    __tablename__ = "quarantined_items"
    __table_args__ = (Index("ix_quarantined_items_received_at", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    account_name: Mapped[str] = mapped_column(String(120), default="")
    network: Mapped[Network] = mapped_column(_enum(Network, "network"))
    external_id: Mapped[str] = mapped_column(String(MENTION_LIMITS.external_id), default="")
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    dismissed_at: Mapped[datetime | None] = mapped_column(default=None)
    dismissed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


# Tables kept in their own modules, on the same Base (the migrations compare against it).
from app.models import (  # noqa: E402, F401
    approval_tables,
    customer_tables,
    note_tables,
    on_call_tables,
    routing_tables,
    storm_tables,
)
