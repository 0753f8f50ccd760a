"""GET /events: the event log as server-sent events, resumable with Last-Event-ID."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.models.schemas import INT64_MAX
from app.server.api.deps import ERRORS, CurrentUser, HubDep, SettingsDep
from app.server.errors import Invalid

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


@router.get(
    "/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Event stream."}},
)
async def stream_events(
    user: CurrentUser,
    hub: HubDep,
    settings: SettingsDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[
        int | None, Query(ge=0, lt=INT64_MAX + 1, description="Resume after this id.")
    ] = None,
) -> EventSourceResponse:
    """Events after the cursor (`Last-Event-ID` header or `?after=`), then live ones."""
    assert user.role is not None
    cursor = _cursor(last_event_id, after)
    return EventSourceResponse(
        hub.stream(user.role, cursor),
        ping=settings.keepalive_seconds,
        ping_message_factory=_keepalive,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
