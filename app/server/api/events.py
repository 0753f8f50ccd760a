"""GET /events: the event log as server-sent events, resumable with Last-Event-ID."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.server.api.deps import ERRORS, CurrentUser, HubDep, SettingsDep
from app.server.errors import Invalid

router = APIRouter(tags=["events"], responses=ERRORS)


def _cursor(last_event_id: str | None, after: int | None) -> int:
    if last_event_id is not None and last_event_id.strip():
        try:
            value = int(last_event_id.strip())
        except ValueError:
            raise Invalid("Last-Event-ID must be an integer event id.") from None
        if value < 0:
            raise Invalid("Last-Event-ID must not be negative.")
        return value
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
    after: Annotated[int | None, Query(ge=0, description="Resume after this id.")] = None,
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
