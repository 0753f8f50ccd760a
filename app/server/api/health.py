"""GET /health: liveness plus the newest event id (the client's snapshot cursor): every change
committed before the call has an event at or below it."""

from __future__ import annotations

from fastapi import APIRouter

from app.models.schemas import Health
from app.server.api.deps import DatabaseDep, EventPlacerDep, FastReadsDep

SERVER_VERSION = "0.1.0"

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(db: DatabaseDep, fast: FastReadsDep, placer: EventPlacerDep) -> Health:
    newest, waiting = await fast.log_end()
    if waiting and placer is not None:
        # Events committed a moment ago wait for their place (PostgreSQL): place them first,
        # so the cursor a client keeps with its snapshot covers every change made before.
        await placer.settle()
        newest, _waiting = await fast.log_end()
    return Health(version=SERVER_VERSION, database=db.dialect, last_event_id=newest)
