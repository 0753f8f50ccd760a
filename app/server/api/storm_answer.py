"""Answering a storm together: POST /storms/{id}/claim takes its open mentions (for the caller;
managers: for a person or round-robin over a team's members on duty), POST /storms/{id}/reply
sends a holding statement as one personalised, paced reply to each, GET /storms/{id}/progress
follows those replies. The rules are services/storm_answer.py's; a big storm's claim and
statement are written in several short transactions, so ingest and colleagues' changes go on
between them."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.models.storm_schemas import (
    StormClaim,
    StormClaimResult,
    StormProgress,
    StormReply,
    StormReplyResult,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    NowDep,
    ReadSessionDep,
    SettingsDep,
)
from app.server.services import storm_answer as service

router = APIRouter(prefix="/storms", tags=["storms"], responses=ERRORS)


@router.post("/{storm_id}/claim", response_model=StormClaimResult)
def claim_storm(
    storm_id: IdPath, body: StormClaim, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> StormClaimResult:
    """Every open mention of the storm (or of `group_id`) that nobody holds, for the caller.
    Managers may give `user_id` (that person) or `team` (its members on duty, round-robin; 409
    when none is). Mentions a colleague holds, or already answered, are listed in `skipped`
    with the reason. Each claim is a normal claim (`mention.updated`); one `storm.updated`."""
    return service.claim_storm_in_steps(db, storm_id, body, by=user, now=now)


@router.post(
    "/{storm_id}/reply", response_model=StormReplyResult, status_code=status.HTTP_202_ACCEPTED
)
def reply_to_storm(
    storm_id: IdPath,
    body: StormReply,
    user: CurrentUser,
    db: DatabaseDep,
    now: NowDep,
    settings: SettingsDep,
) -> StormReplyResult:
    """The holding statement as one reply to each open mention of the storm (or group) that
    is the caller's or nobody's; `{name}` becomes the customer's name. Each reply is queued
    like POST /mentions/{id}/replies (cool-off, idempotent: the same request again queues
    nothing new) and spaced under its network's rate limit. A mention whose reply would be
    too long for its network, that a colleague holds or that is already answered is listed
    in `skipped`. `broadcast` (managers): the statement also goes to every console."""
    return service.reply_to_storm_in_steps(
        db, storm_id, body, by=user, now=now, paces=settings.reply_pace_per_hour
    )


@router.get("/{storm_id}/progress", response_model=StormProgress)
def storm_progress(storm_id: IdPath, user: CurrentUser, session: ReadSessionDep) -> StormProgress:
    """The storm's statement replies so far: queued, sending, sent, failed, and when the next
    one is due to go."""
    return service.storm_progress(session, storm_id)
