"""Bulk actions: POST /mentions/bulk does one action to many mentions, each as its single
call would (services/bulk.py), in steps of short write transactions, and answers one result
per mention with the counts of what succeeded and what conflicted."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from app.models.bulk_schemas import BulkItemResult, BulkRequest, BulkResult
from app.server.api.deps import ERRORS, CurrentUser, DatabaseDep, NowDep
from app.server.api.transaction import in_write_transaction
from app.server.auth import Principal
from app.server.errors import FAULT_RESPONSES, classify_fault
from app.server.services import bulk as service


def _step(
    session: Session,
    *,
    body: BulkRequest,
    part: list[int],
    first: bool,
    user: Principal,
    now: datetime,
) -> list[BulkItemResult]:
    if first:  # in the first step's transaction: a refusal of the whole request does nothing
        service.check_request(session, body, by=user)
    return service.bulk_step(session, body, part, by=user, now=now)


router = APIRouter(prefix="/mentions", tags=["mentions"], responses=ERRORS)


@router.post("/bulk", response_model=BulkResult)
async def bulk_action(
    body: BulkRequest, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> BulkResult:
    """Do `action` to each of `mention_ids` (1 … 500) as its single call does it: `claim`
    (`POST /mentions/{id}/claim`; without a version, the mention as it is now), `release`,
    `resolve` (with `follow_up_in_days`), `tag` (`tags` added to each, checked as
    `PUT /mentions/{id}/tags` checks them), `assign` (managers; `user_id`, null unassigns) and
    `handoff` (`POST /handoffs`: `to_user_id` or `to_team`, `note`). The same people may do
    it (resolve: the owner or a manager, …) and the same events are published. Each mention
    is done on its own: one refused is left exactly as it was, and so are the others.

    `200` with one result per mention, in the request's order: `ok`, or the refusal the
    single call would have answered (`code`: conflict, forbidden, not_found, invalid, busy;
    `reason`: the single call's own code; the owner and the mention as they are now).
    `conflicted` counts those left because of a colleague or a change meanwhile.
    The whole request is refused (nothing done) only for what would refuse every mention:
    `403` assign by a rep, `404`/`422` a handoff's recipient unknown or missing."""
    ids = service.unique_ids(body.mention_ids)
    size = service.step_size(body.action)
    steps = [ids[i : i + size] for i in range(0, len(ids), size)]
    results: list[BulkItemResult] = []
    for number, part in enumerate(steps):
        step = partial(_step, body=body, part=part, first=number == 0, user=user, now=now)
        try:
            results.extend(await in_write_transaction(db, step))
        except Exception as exc:
            fault = classify_fault(exc)
            if fault is None or number == 0:
                raise  # a bug, or nothing done yet: answered as the single call would be
            message = FAULT_RESPONSES[fault][1]
            for rest in steps[number:]:
                results.extend(service.busy_results(rest, message))
            break
    return service.sum_up(body.action, results)


@router.api_route(
    "/bulk",
    methods=["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    include_in_schema=False,
)
async def bulk_other_methods() -> None:
    """`/mentions/bulk` answers POST alone: 405 (with `Allow`), not the mention detail's 422
    for an id "bulk" (this router is included before the mentions router for that)."""
    raise HTTPException(status_code=405)
