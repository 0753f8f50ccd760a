"""Brand accounts: GET /accounts lists them with their ingest state (managers and admins).
Accounts are added and removed with the command line (`add-account`, `remove-account`), which
keeps their secrets out of HTTP entirely; the API never shows a secret. Admins see the items
ingest quarantined (GET /quarantine) and dismiss them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.models.enums import Role
from app.models.quarantine import QuarantinedItemPublic, QuarantinedItemsPublic
from app.models.schemas import AccountsPublic
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    IdPath,
    ManagerUser,
    NowDep,
    Offset,
    ReadSessionDep,
    SessionDep,
)
from app.server.auth import Principal
from app.server.errors import Forbidden
from app.server.services import quarantine
from app.server.services.accounts import list_accounts

router = APIRouter(tags=["accounts"], responses=ERRORS)


@router.get("/accounts", response_model=AccountsPublic)
def read_accounts(_manager: ManagerUser, session: ReadSessionDep) -> AccountsPublic:
    """Every brand account with `state` (`ok`, `degraded`, `error`), the reason in `error`,
    its cursor and when a mention last came in from it."""
    return list_accounts(session)


# --- the quarantine: what ingest received but could not store (admins) ----------------------


async def _admin(user: CurrentUser) -> Principal:
    if user.role is not Role.ADMIN:
        raise Forbidden("Only an admin can see and dismiss quarantined items.", code="role")
    return user


AdminUser = Annotated[Principal, Depends(_admin)]


@router.get("/quarantine", response_model=QuarantinedItemsPublic)
def read_quarantine(
    _admin_user: AdminUser,
    session: ReadSessionDep,
    include_dismissed: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> QuarantinedItemsPublic:
    """Items a brand account's ingest received but could not store as mentions (they fail the
    schema even after fitting, or the database refused them), newest first, each with its
    account, network, post id, the reason and the item as the network sent it. The account's
    ingest went on past each of them."""
    return quarantine.list_quarantine(
        session, include_dismissed=include_dismissed, limit=limit, offset=offset
    )


@router.post("/quarantine/{item_id}/dismiss", response_model=QuarantinedItemPublic)
def dismiss_quarantined(
    item_id: IdPath, admin_user: AdminUser, session: SessionDep, now: NowDep
) -> QuarantinedItemPublic:
    """Mark a quarantined item as dealt with: it leaves the list (see `include_dismissed`)."""
    item = quarantine.dismiss(session, item_id, by=admin_user.user_id, now=now)
    return quarantine.quarantined_public(item)
