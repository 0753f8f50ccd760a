"""GET /health: liveness plus the newest event id (the client's snapshot cursor)."""

from __future__ import annotations

from fastapi import APIRouter

from app.models.schemas import Health
from app.server.api.deps import DatabaseDep, FastReadsDep

SERVER_VERSION = "0.1.0"

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(db: DatabaseDep, fast: FastReadsDep) -> Health:
    newest = await fast.last_event_id()
    return Health(version=SERVER_VERSION, database=db.dialect, last_event_id=newest)
