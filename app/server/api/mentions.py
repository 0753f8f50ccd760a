"""Mentions: webhook ingest, list, detail, and claim / release / assign / resolve / snooze."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from sqlalchemy.orm import Session

from app.models.enums import Network
from app.models.schemas import (
    AssignRequest,
    ClaimRequest,
    IngestResult,
    MentionCreate,
    MentionDetail,
    MentionPublic,
    MentionsPublic,
    ResolveRequest,
    SnoozeRequest,
    Text,
    VersionedRequest,
)
from app.server.access import viewer_for
from app.server.api.deps import (
    ERRORS,
    ClaimDeskDep,
    CurrentUser,
    DatabaseDep,
    IngestCaller,
    ManagerUser,
    MentionIdPath,
    NowDep,
    Offset,
    ReadSessionDep,
    SessionDep,
)
from app.server.api.ingest_plan import IngestPlanned, ingest_items
from app.server.api.transaction import in_write_transaction
from app.server.services import mentions as service
from app.server.services import ownership
from app.server.services.ingest import store_planned
from app.server.services.ingest_tokens import check_ingest_networks

router = APIRouter(prefix="/mentions", tags=["mentions"], responses=ERRORS)


@router.post("", response_model=IngestResult)
async def ingest(
    body: Annotated[MentionCreate | list[MentionCreate], Body()],
    caller: IngestCaller,
    request: Request,
    plan: IngestPlanned,  # first: texts are read before the transaction
    db: DatabaseDep,
    now: NowDep,
) -> IngestResult:
    """Add one mention or a list; ones already known by (network, external_id) are reported
    as duplicates and left unchanged. An ingest token posts `webhook` mentions only, unless an
    admin allowed it more networks (`add-ingest-token NAME --network N`): `403` otherwise.
    Each `external_id` must look like a post id of its network: `422` otherwise."""
    items = ingest_items(body)
    token = request.headers.get("authorization", "").partition(" ")[2].strip()

    def store(session: Session) -> IngestResult:
        check_ingest_networks(session, caller, token, (item.network for item in items))
        return store_planned(session, plan, now=now, actor_id=caller.user_id)

    # Begin to commit in one worker thread: the write lock (SQLite) or the rows' locks
    # (PostgreSQL) are never held while the commit waits for the event loop or a thread.
    return await in_write_transaction(db, store)


@router.get("", response_model=MentionsPublic)
def list_mentions(
    user: CurrentUser,
    session: ReadSessionDep,
    status: Annotated[
        str | None, Query(description="Comma list of statuses, or 'open' (all but resolved).")
    ] = None,
    assignee: Annotated[str | None, Query(description="'me', 'none' or a user id.")] = None,
    network: Network | None = None,
    q: Annotated[Text | None, Query(max_length=200, description="Text in body or author.")] = None,
    tag: Annotated[
        list[Text] | None,
        Query(
            max_length=20,
            description="Only mentions with this tag (case does not matter); repeated: with "
            "every one of them.",
        ),
    ] = None,
    mentioned: Annotated[
        str | None,
        Query(
            pattern="^me$",
            description="'me': only mentions with a note that @mentions the caller.",
        ),
    ] = None,
    sort: Annotated[str, Query(pattern="^(newest|priority)$")] = "newest",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> MentionsPublic:
    flt = service.MentionFilter(
        statuses=service.parse_statuses(status),
        assignee=assignee,
        network=network,
        q=q,
        tags=tuple(tag or ()),
        mentioned_user_id=user.user_id if mentioned == "me" else None,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return service.list_mentions(session, flt, principal=user)


@router.get("/{mention_id}", response_model=MentionDetail)
def mention_detail(
    mention_id: MentionIdPath, user: CurrentUser, session: ReadSessionDep, now: NowDep
) -> MentionDetail:
    """Handoff notes and reasons only for the handoff's parties and managers; coverage-gap
    lines of the history only for managers. `notes`: the internal notes, oldest first;
    `presence`: who is viewing or typing on it now."""
    return service.mention_detail(session, mention_id, viewer=viewer_for(session, user), now=now)


@router.post("/{mention_id}/claim", response_model=MentionPublic)
async def claim(
    mention_id: MentionIdPath,
    body: ClaimRequest,
    user: CurrentUser,
    claims: ClaimDeskDep,
    now: NowDep,
) -> MentionPublic:
    """Take the mention if `version` is still current; 409 names the owner otherwise."""
    return await claims.claim(mention_id, body.version, by=user, now=now)


@router.post("/{mention_id}/release", response_model=MentionPublic)
def release(
    mention_id: MentionIdPath,
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
    body: VersionedRequest | None = None,
) -> MentionPublic:
    version = body.version if body is not None else None
    return ownership.release(session, mention_id, version, by=user, now=now)


@router.post("/{mention_id}/assign", response_model=MentionPublic)
def assign(
    mention_id: MentionIdPath,
    body: AssignRequest,
    manager: ManagerUser,
    session: SessionDep,
    now: NowDep,
) -> MentionPublic:
    return ownership.assign(session, mention_id, body.user_id, body.version, by=manager, now=now)


@router.post("/{mention_id}/resolve", response_model=MentionPublic)
def resolve(
    mention_id: MentionIdPath,
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
    body: ResolveRequest | None = None,
) -> MentionPublic:
    version = body.version if body is not None else None
    days = body.follow_up_in_days if body is not None else None
    return ownership.resolve(session, mention_id, version, days, by=user, now=now)


@router.post("/{mention_id}/snooze", response_model=MentionPublic)
def snooze(
    mention_id: MentionIdPath,
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
    body: SnoozeRequest | None = None,
) -> MentionPublic:
    request = body or SnoozeRequest()
    return ownership.snooze(
        session,
        mention_id,
        request.version,
        until=request.until,
        minutes=request.minutes,
        by=user,
        now=now,
    )
