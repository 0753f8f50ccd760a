"""Annotated dependencies: the database, sessions, the clock, the caller and role guards; and
the error responses every router documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import anyio
from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.models.enums import Role
from app.models.schemas import INT32_MAX, INT64_MAX, ErrorBody
from app.server.auth import INGEST_TOKEN, Principal, TokenCache, hash_token
from app.server.clock import Clock
from app.server.db import Database
from app.server.errors import DatabaseFault, Forbidden, Unauthorized
from app.server.event_placer import EventPlacer
from app.server.events import EventHub
from app.server.fastread import FastReads
from app.server.services.claims import ClaimDesk
from app.server.settings import Settings

# The refusals every router can answer with, in the one error body shape (app/server/errors.py).
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON (`malformed_json`)."},
    401: {"model": ErrorBody},
    403: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody},
    413: {"model": ErrorBody, "description": "The body is larger than the server accepts."},
    422: {"model": ErrorBody},
    503: {
        "model": ErrorBody,
        "description": "The database is busy (`busy`) or cannot be reached "
        "(`database_unavailable`); nothing was changed. Retry after `Retry-After` seconds.",
    },
    507: {
        "model": ErrorBody,
        "description": "The server's disk is full (`disk_full`); nothing was changed. "
        "Retrying does not help until space is freed.",
    },
}

# Ids and offsets in paths and queries end where their columns end (app/models/schemas.py):
# beyond, the answer is 422 on SQLite and PostgreSQL alike (`lt` for bigints: see BigId).
IdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="An id (1 … 2^31−1).")]
MentionIdPath = Annotated[
    int, Path(ge=1, lt=INT64_MAX + 1, description="A mention id (1 … 2^63−1).")
]
MentionIdQuery = Annotated[int | None, Query(ge=1, lt=INT64_MAX + 1, description="A mention id.")]
Offset = Annotated[int, Query(ge=0, le=INT32_MAX, description="Rows to skip.")]


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_hub(request: Request) -> EventHub:
    hub: EventHub = request.app.state.hub
    return hub


async def get_token_cache(request: Request) -> TokenCache:
    cache: TokenCache = request.app.state.token_cache
    return cache


async def get_fast_reads(request: Request) -> FastReads:
    fast: FastReads = request.app.state.fast_reads
    return fast


async def get_event_placer(request: Request) -> EventPlacer | None:
    """PostgreSQL's event placer (event_log.py); None on SQLite, which places as it writes."""
    placer: EventPlacer | None = request.app.state.placer
    return placer


async def get_claim_desk(request: Request) -> ClaimDesk:
    claims: ClaimDesk = request.app.state.claims
    return claims


DatabaseDep = Annotated[Database, Depends(get_database)]
FastReadsDep = Annotated[FastReads, Depends(get_fast_reads)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
HubDep = Annotated[EventHub, Depends(get_hub)]
EventPlacerDep = Annotated[EventPlacer | None, Depends(get_event_placer)]
ClaimDeskDep = Annotated[ClaimDesk, Depends(get_claim_desk)]


async def now(clock: ClockDep) -> datetime:
    return clock()


NowDep = Annotated[datetime, Depends(now)]


def _finish(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


@dataclass(frozen=True, slots=True)
class WriteGate:
    """How many write transactions may be open at once, and the threads commits run in."""

    slots: anyio.Semaphore
    commit_threads: anyio.CapacityLimiter


async def get_write_gate(request: Request) -> WriteGate:
    return WriteGate(request.app.state.write_gate, request.app.state.commit_limiter)


WriteGateDep = Annotated[WriteGate, Depends(get_write_gate)]


async def write_session(db: DatabaseDep, gate: WriteGateDep) -> AsyncIterator[Session]:
    """A write transaction around the endpoint: committed when it returns, rolled back when
    it raises — so a refused request never leaves a half-applied change. It waits for a write
    slot on the event loop, not in a thread (see `write_gate` in app.py: a burst of writers
    must never take every worker thread while the lock holder still needs one). Creating a
    session does no I/O, so only the commit (or rollback) goes to a worker thread."""
    async with gate.slots:
        session = db.write_sessions()
        try:
            yield session
        except BaseException:
            await anyio.to_thread.run_sync(_finish, session, False, limiter=gate.commit_threads)
            raise
        await anyio.to_thread.run_sync(_finish, session, True, limiter=gate.commit_threads)


async def read_session(db: DatabaseDep, gate: WriteGateDep) -> AsyncIterator[Session]:
    session = db.read_sessions()
    try:
        yield session
    finally:
        await anyio.to_thread.run_sync(_finish, session, False, limiter=gate.commit_threads)


SessionDep = Annotated[Session, Depends(write_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(read_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="The token `add-user` or `init` printed.")


MISSING_TOKEN = "Missing bearer token: send 'Authorization: Bearer <token>'."
INVALID_TOKEN = "The bearer token is not valid (unknown, revoked or mistyped)."


async def resolve_token(fast: FastReads, cache: TokenCache, token: str) -> Principal | None:
    token_hash = hash_token(token)
    principal = cache.get(token_hash)
    if principal is None:
        principal = await fast.principal(token_hash)
        if principal is not None:
            cache.put(token_hash, principal)
    return principal


TokenCacheDep = Annotated[TokenCache, Depends(get_token_cache)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def authenticate(
    fast: FastReadsDep, cache: TokenCacheDep, credentials: BearerDep
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthorized(MISSING_TOKEN)
    principal = await resolve_token(fast, cache, credentials.credentials)
    if principal is None:
        raise Unauthorized(INVALID_TOKEN)
    return principal


def body_gate(state: Any) -> Callable[[str | None], Awaitable[str | None]]:
    """For the body size cap (app/server/limits.py): a request with a body is let in only
    with a valid bearer token, so nobody without one makes the server read a byte of it.
    `state` is the app's state (its fast reads and token cache exist once it has started)."""

    async def gate(authorization: str | None) -> str | None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return MISSING_TOKEN
        try:
            principal = await resolve_token(state.fast_reads, state.token_cache, token.strip())
        except DatabaseFault:  # the database is away: the handler's own check answers 503
            return None
        return None if principal is not None else INVALID_TOKEN

    return gate


PrincipalDep = Annotated[Principal, Depends(authenticate)]


async def current_user(principal: PrincipalDep) -> Principal:
    if not principal.is_user:
        raise Forbidden("An ingest token can only post mentions.", code="ingest_token")
    return principal


async def manager(user: Annotated[Principal, Depends(current_user)]) -> Principal:
    if user.role is None or not user.role.is_manager:
        raise Forbidden("Only a manager or an admin can do this.", code="role")
    return user


async def ingest_or_admin(principal: PrincipalDep) -> Principal:
    if principal.kind == INGEST_TOKEN or principal.role is Role.ADMIN:
        return principal
    raise Forbidden("Only an ingest token or an admin can post mentions.", code="role")


CurrentUser = Annotated[Principal, Depends(current_user)]
ManagerUser = Annotated[Principal, Depends(manager)]
IngestCaller = Annotated[Principal, Depends(ingest_or_admin)]
