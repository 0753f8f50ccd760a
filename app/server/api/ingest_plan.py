"""The webhook's mentions planned (read, scored, rows and payloads built) before the
endpoint's write transaction.

Reading a text is the slow part of ingest (a long mention takes about a millisecond). An
endpoint that declares `IngestPlanned` before its `SessionDep` gets the plan from this
dependency, which FastAPI runs, in a worker thread, before it opens the write session: no write
slot or database lock is held while texts are read, and a large batch is read in the
planner's processes (app/server/ingest_planner.py), not under the server's GIL.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends, Request

from app.models.schemas import MentionCreate
from app.server.api.deps import NowDep
from app.server.errors import Invalid
from app.server.ingest_planner import IngestPlanner
from app.server.services.ingest import IngestPlan

MAX_INGEST_BATCH = 1000

IngestBody = Annotated[MentionCreate | list[MentionCreate], Body()]


def ingest_items(body: IngestBody) -> list[MentionCreate]:
    """The mentions of a webhook body (one or a list), at most `MAX_INGEST_BATCH`."""
    items = body if isinstance(body, list) else [body]
    if len(items) > MAX_INGEST_BATCH:
        raise Invalid(f"At most {MAX_INGEST_BATCH} mentions per request.")
    return items


async def get_planner(request: Request) -> IngestPlanner:
    planner: IngestPlanner = request.app.state.planner
    return planner


def plan_ingest_body(
    body: IngestBody, planner: Annotated[IngestPlanner, Depends(get_planner)], now: NowDep
) -> IngestPlan:
    """The body's plan, its mentions in order (a sync dependency: a worker thread)."""
    return planner.plan(ingest_items(body), now=now)


IngestPlanned = Annotated[IngestPlan, Depends(plan_ingest_body)]
