"""The approvals table (services/approvals.py): a rep's request that a manager approve a reply
beyond their authority, and the manager's answer. Kept beside tables.py, on its Base."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.approval_schemas import ApprovalState
from app.models.tables import Base, BigId, _enum, utcnow

__all__ = ["Approval", "Base"]


class Approval(Base):
    """`body` is what the rep asked to send; once approved, `approved_body` is what may go out
    (the manager's edit, else `body`). A pending request that waits longer than the rep's team
    allows escalates (`escalated_at`, to `escalated_to_id`: a manager on duty) and stays
    pending: any manager may still answer it."""

    __tablename__ = "approvals"
    __table_args__ = (
        Index("ix_approvals_mention_id", "mention_id"),
        Index("ix_approvals_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mention_id: Mapped[int] = mapped_column(BigId, ForeignKey("mentions.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ApprovalState] = mapped_column(
        _enum(ApprovalState, "approval_state"), default=ApprovalState.PENDING
    )
    approved_body: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
