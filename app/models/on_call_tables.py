"""Tables of on-call paging (services/on_call.py): each team's manual on-call order, a person's
paging settings, and the escalations with the pages they sent. Kept beside tables.py, on its
Base."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.enums import PageState
from app.models.tables import Base, _enum, utcnow

__all__ = ["Base", "Escalation", "OnCallPlace", "Page", "PagingSettings"]


class OnCallPlace(Base):
    """One person's place in a team's manual on-call order (no rows: the order follows the
    rota, services/on_call_order.py)."""

    __tablename__ = "on_call_order"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)


class PagingSettings(Base):
    """Where a person's pages reach them (notifier URLs: secrets, never logged nor shown
    unmasked) and when they must not wake them (quiet hours, minutes after local midnight in
    `time_zone`; None: their first team's zone)."""

    __tablename__ = "paging_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    quiet_start_minute: Mapped[int | None] = mapped_column(Integer, default=None)
    quiet_end_minute: Mapped[int | None] = mapped_column(Integer, default=None)
    time_zone: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Escalation(Base):
    """Urgent mentions that arrived with nobody on duty, paging a team's on-call order (team
    None: the overall order, every manager) one person after the other until someone
    acknowledges, someone comes on duty (`covered`) or the order runs out (`unanswered`).
    `order` is the order as it stood when the escalation opened (user ids); `mentions` names
    the first few mentions (id, author, excerpt), `count` says how many there are."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_state", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), default=None
    )
    state: Mapped[str] = mapped_column(String(16), default="open")
    order: Mapped[list[int]] = mapped_column(JSON, default=list)
    mentions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class Page(Base):
    """One person paged by an escalation (`step` 1: the first of the order). `note` says why
    this person (the one before did not answer; everyone left is in quiet hours). The ack
    link's key is stored only as its SHA-256 hash."""

    __tablename__ = "pages"
    __table_args__ = (
        Index("ix_pages_escalation_id", "escalation_id"),
        Index("ix_pages_user_state", "user_id", "state"),
        Index("ix_pages_state_escalates_at", "state", "escalates_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    state: Mapped[PageState] = mapped_column(
        _enum(PageState, "page_state"), default=PageState.WAITING
    )
    note: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    escalates_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    took_watch: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
