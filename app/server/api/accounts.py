"""Brand accounts: GET /accounts lists them with their ingest state (managers and admins).
Accounts are added and removed with the command line (`add-account`, `remove-account`), which
keeps their secrets out of HTTP entirely; the API never shows a secret."""

from __future__ import annotations

from fastapi import APIRouter

from app.models.schemas import AccountsPublic
from app.server.api.deps import ERRORS, ManagerUser, ReadSessionDep
from app.server.services.accounts import list_accounts

router = APIRouter(tags=["accounts"], responses=ERRORS)


@router.get("/accounts", response_model=AccountsPublic)
def read_accounts(_manager: ManagerUser, session: ReadSessionDep) -> AccountsPublic:
    """Every brand account with `state` (`ok`, `degraded`, `error`), the reason in `error`,
    its cursor and when a mention last came in from it."""
    return list_accounts(session)
