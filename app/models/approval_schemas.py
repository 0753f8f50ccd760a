"""Wire schemas of approvals (services/approvals.py): a rep asks a manager to approve a reply
that promises beyond their authority; a manager approves it (as written or edited) or denies it
with a reason. Same families as `schemas.py` (Create/Public/sPublic)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from app.models.schemas import BigId, Strict, Text, UserRef

REASON_LENGTH = 1000


class ApprovalState(StrEnum):
    PENDING = "pending"  # waiting for a manager
    APPROVED = "approved"  # `approved_body` may go out
    DENIED = "denied"  # `decision_reason` says why
    WITHDRAWN = "withdrawn"  # the rep asked again (a newer request replaces it)


class ApprovalCreate(Strict):
    """Ask a manager to approve `body` as a reply to `mention_id` (a mention you own), saying
    why (`reason`: what the customer needs and why it is beyond you)."""

    mention_id: BigId
    body: Text = Field(min_length=1, max_length=10_000)
    reason: Text = Field(min_length=1, max_length=REASON_LENGTH)


class ApprovalApprove(Strict):
    """Approve the request; `body`, when given, is the manager's edited text: the body that may
    go out instead of the rep's."""

    body: Text | None = Field(default=None, min_length=1, max_length=10_000)


class ApprovalDeny(Strict):
    reason: Text = Field(min_length=1, max_length=REASON_LENGTH)


class ApprovalPublic(BaseModel):
    id: int
    mention_id: int
    requested_by: UserRef
    body: str = Field(description="The reply as the rep asked for it.")
    reason: str
    state: ApprovalState
    approved_body: str | None = Field(
        default=None,
        description="Approved: the body that may go out (the manager's edit, else `body`).",
    )
    edited: bool = Field(default=False, description="The manager changed the text.")
    beyond_authority: list[str] = Field(
        default_factory=list,
        description="What the body promises beyond a rep's authority (refund, compensation, "
        "guarantee, liability).",
    )
    decided_by: UserRef | None = None
    decision_reason: str | None = Field(default=None, description="Why it was denied.")
    created_at: datetime
    decided_at: datetime | None = None
    escalated_at: datetime | None = Field(
        default=None, description="When it waited too long and went to `escalated_to`."
    )
    escalated_to: UserRef | None = None
    waiting_seconds: float = Field(description="From the request to its answer (or to now).")
    customer: str = Field(description="The mention's author (handle).")
    mention_excerpt: str = Field(description="The customer's words, on one line, cut short.")


class ApprovalsPublic(BaseModel):
    data: list[ApprovalPublic]
    count: int
