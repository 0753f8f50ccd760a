"""Approvals: a rep asks a manager to approve a reply beyond their authority; managers approve
(as written or edited) or deny with a reason; anyone lists theirs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.models.approval_schemas import (
    ApprovalApprove,
    ApprovalCreate,
    ApprovalDeny,
    ApprovalPublic,
    ApprovalsPublic,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    ManagerUser,
    MentionIdQuery,
    NowDep,
    Offset,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.services import approvals as service

router = APIRouter(prefix="/approvals", tags=["approvals"], responses=ERRORS)


@router.post("", response_model=ApprovalPublic, status_code=status.HTTP_201_CREATED)
async def ask_approval(
    body: ApprovalCreate, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> ApprovalPublic:
    """Ask the managers to approve `body` as a reply to a mention you own, with a `reason`.
    Every manager's console hears of it at once (`approval.updated`); an earlier request of
    yours for the mention that still waits is withdrawn. Once approved, send the reply with
    `approval_id` and the approved body (`approved_body`)."""
    return await in_write_transaction(db, lambda s: service.create(s, body, by=user, now=now))


@router.get("", response_model=ApprovalsPublic)
def list_approvals(
    user: CurrentUser,
    session: ReadSessionDep,
    now: NowDep,
    state: Annotated[
        str | None,
        Query(description="all (default), pending, approved, denied or withdrawn"),
    ] = None,
    mention_id: MentionIdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> ApprovalsPublic:
    """Oldest first, each with `waiting_seconds`. Managers see every request, a rep their own."""
    return service.list_approvals(
        session,
        state=service.parse_state(state),
        mention_id=mention_id,
        by=user,
        now=now,
        limit=limit,
        offset=offset,
    )


@router.get("/{approval_id}", response_model=ApprovalPublic)
def read_approval(
    approval_id: IdPath, user: CurrentUser, session: ReadSessionDep, now: NowDep
) -> ApprovalPublic:
    """The rep who asked and managers only."""
    return service.get_approval(session, approval_id, by=user, now=now)


@router.post("/{approval_id}/approve", response_model=ApprovalPublic)
async def approve(
    approval_id: IdPath,
    user: ManagerUser,
    db: DatabaseDep,
    now: NowDep,
    body: ApprovalApprove | None = None,
) -> ApprovalPublic:
    """Approve the reply as the rep wrote it, or with your edit (`body`): that text is the one
    that may go out. 409 when it was answered already (two managers at once: one wins)."""
    edited = body.body if body is not None else None
    return await in_write_transaction(
        db, lambda s: service.approve(s, approval_id, edited, by=user, now=now)
    )


@router.post("/{approval_id}/deny", response_model=ApprovalPublic)
async def deny(
    approval_id: IdPath, body: ApprovalDeny, user: ManagerUser, db: DatabaseDep, now: NowDep
) -> ApprovalPublic:
    """Deny with a reason the rep reads in their composer."""
    return await in_write_transaction(
        db, lambda s: service.deny(s, approval_id, body.reason, by=user, now=now)
    )
