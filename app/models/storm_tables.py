"""Tables of storms (services/storms.py, services/storm_detector.py): a spike of volume or anger
in one scope (one brand account, or all mentions together), the mentions it holds and the
groups they fall into. Kept beside tables.py, on its Base."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.enums import StormKind, StormState
from app.models.tables import Base, _enum, utcnow

__all__ = ["Base", "Storm", "StormGroupRow", "StormMention"]

# A storm's scope: every mention together, or one brand account's ("account:<id>").
SCOPE_ALL = "all"


class Storm(Base):
    """One storm from its start to its end. `alerted_rate` is the rate its last `storm.alert`
    announced, at `alerted_at` (a later doubling of it is announced again). The claim and the
    holding statement (answering a storm together) fill `claimed_by_id`, `claimed_team` and
    `statement`."""

    __tablename__ = "storms"
    __table_args__ = (Index("ix_storms_state_started_at", "state", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[StormKind] = mapped_column(_enum(StormKind, "storm_kind"))
    scope: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    state: Mapped[StormState] = mapped_column(
        _enum(StormState, "storm_state"), default=StormState.RISING
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
    over_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    rate_per_hour: Mapped[float] = mapped_column(Float, default=0.0)
    usual_per_hour: Mapped[float] = mapped_column(Float, default=0.0)
    alerted_rate: Mapped[float] = mapped_column(Float, default=0.0)
    alerted_at: Mapped[datetime] = mapped_column(default=utcnow)
    count: Mapped[int] = mapped_column(Integer, default=0)
    angry: Mapped[int] = mapped_column(Integer, default=0)
    # [{"text", "count", "usual"}] — what rose against its usual frequency.
    phrases: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    hashtags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    networks: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    languages: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    claimed_team: Mapped[str | None] = mapped_column(String(120), default=None)
    statement: Mapped[str | None] = mapped_column(Text, default=None)


class StormGroupRow(Base):
    """A group of a storm's mentions; `group_id` is stable within its storm. `kind`: `copies`
    (near-duplicates of one post), `topic` (mentions carrying the same risen phrase or hashtag,
    `topic`) or `other` (the rest)."""

    __tablename__ = "storm_groups"

    storm_id: Mapped[int] = mapped_column(
        ForeignKey("storms.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str | None] = mapped_column(String(200), default=None)
    sample_mention_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class StormMention(Base):
    """A mention of a storm, and the storm's group it is in."""

    __tablename__ = "storm_mentions"
    __table_args__ = (Index("ix_storm_mentions_mention_id", "mention_id"),)

    storm_id: Mapped[int] = mapped_column(
        ForeignKey("storms.id", ondelete="CASCADE"), primary_key=True
    )
    mention_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("mentions.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    group_id: Mapped[int] = mapped_column(Integer)
