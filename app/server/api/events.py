"""GET /events: the event log as server-sent events, resumable with Last-Event-ID.

A consumer that does not keep up is dropped rather than buffered without end: when it falls
more than the subscriber queue's size behind (the stream ends where it is), or when one write
to its socket waits longer than `stream_send_timeout_seconds` (the connection is closed); the
client resumes from its Last-Event-ID. Each user has at most `max_streams_per_user` streams
open (429 beyond)."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent
from sse_starlette.sse import SendTimeoutError
from starlette.types import Receive, Scope, Send

from app.models.schemas import INT64_MAX
from app.server.access import StreamAccess, Viewer, current_viewer
from app.server.api.deps import (
    ERRORS,
    INVALID_TOKEN,
    BearerDep,
    CurrentUser,
    FastReadsDep,
    HubDep,
    SettingsDep,
    TokenCacheDep,
)
from app.server.auth import hash_token
from app.server.errors import Invalid, Unauthorized
from app.server.events import EventStream

log = logging.getLogger(__name__)

# Set (in the request's own task) when a stream was dropped on purpose: uvicorn then says
# "ASGI callable returned without completing response." as an error; that line is ours.
_DROPPED: ContextVar[bool] = ContextVar("responder_stream_dropped", default=False)
_INCOMPLETE = "ASGI callable returned without completing response."


class _DroppedStreamFilter(logging.Filter):
    """Drops uvicorn's error line for a stream this module ended on purpose (and logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg == _INCOMPLETE and _DROPPED.get())


_FILTER = _DroppedStreamFilter()

router = APIRouter(tags=["events"], responses=ERRORS)


def _cursor(last_event_id: str | None, after: int | None) -> int:
    """The id to resume after: event ids are `bigint`s, so a cursor is one too (0 … 2^63−1)."""
    if last_event_id is not None and last_event_id.strip():
        text = last_event_id.strip()
        digits = text.isascii() and text.isdigit() and len(text) <= len(str(INT64_MAX))
        if not digits or int(text) > INT64_MAX:
            raise Invalid(f"Last-Event-ID must be an event id: an integer from 0 to {INT64_MAX}.")
        return int(text)
    return after or 0


def _keepalive() -> ServerSentEvent:
    return ServerSentEvent(comment="keep-alive")


class StreamResponse(EventSourceResponse):
    """The event stream's response: ended when one write waits longer than the send timeout
    (a client that stopped reading), and always giving the user's stream slot back."""

    def __init__(self, stream: EventStream, **kwargs: object) -> None:
        super().__init__(stream.frames(), **kwargs)  # type: ignore[arg-type]
        self._stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        uvicorn_log = logging.getLogger("uvicorn.error")
        if _FILTER not in uvicorn_log.filters:
            uvicorn_log.addFilter(_FILTER)
        try:
            await super().__call__(scope, receive, send)
        except SendTimeoutError:
            _DROPPED.set(True)
            log.info(
                "dropped an event stream of user %d: its client stopped reading",
                self._stream.user_id,
            )
        finally:
            self._stream.close()


@router.get(
    "/events",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Event stream."},
        429: {"description": "The user has the most event streams allowed open already."},
    },
)
async def stream_events(
    user: CurrentUser,
    hub: HubDep,
    settings: SettingsDep,
    fast: FastReadsDep,
    cache: TokenCacheDep,
    credentials: BearerDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[
        int | None, Query(ge=0, lt=INT64_MAX + 1, description="Resume after this id.")
    ] = None,
) -> EventSourceResponse:
    """Events after the cursor (`Last-Event-ID` header or `?after=`), then live ones. Only
    what the caller may see: managers' events to managers, a handoff's to its parties and
    managers. The stream closes within `stream_recheck_seconds` of its token being revoked
    or its user deactivated; a role change applies to the events that follow."""
    assert user.user_id is not None
    assert credentials is not None
    cursor = _cursor(last_event_id, after)
    token_hash = hash_token(credentials.credentials)
    user_id = user.user_id

    async def recheck() -> Viewer | None:
        return await current_viewer(fast, cache, token_hash, user_id)

    viewer = await recheck()
    if viewer is None:
        raise Unauthorized(INVALID_TOKEN)
    access = StreamAccess(viewer, recheck, interval=settings.stream_recheck_seconds)
    stream = hub.open_stream(access, cursor, cap=settings.max_streams_per_user)
    return StreamResponse(
        stream,
        ping=settings.keepalive_seconds,
        ping_message_factory=_keepalive,
        send_timeout=settings.stream_send_timeout_seconds,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
