"""The webhook's mentions read for their priority before the endpoint's write transaction.

Reading a text is the slow part of ingest (a long mention takes tens of milliseconds). An
endpoint that declares `IngestReadings` before its `SessionDep` gets them from this dependency,
which FastAPI runs, in a worker thread, before it opens the write session: no write slot or
database lock is held while texts are read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends

from app.models.schemas import MentionCreate
from app.server.errors import Invalid
from app.server.services.ingest import read_items
from app.tone.priority import MentionReading

MAX_INGEST_BATCH = 1000

IngestBody = Annotated[MentionCreate | list[MentionCreate], Body()]


def ingest_items(body: IngestBody) -> list[MentionCreate]:
    """The mentions of a webhook body (one or a list), at most `MAX_INGEST_BATCH`."""
    items = body if isinstance(body, list) else [body]
    if len(items) > MAX_INGEST_BATCH:
        raise Invalid(f"At most {MAX_INGEST_BATCH} mentions per request.")
    return items


def read_ingest_body(body: IngestBody) -> list[MentionReading]:
    """One reading per mention of the body, in order (a sync dependency: a worker thread)."""
    return read_items(ingest_items(body))


IngestReadings = Annotated[list[MentionReading], Depends(read_ingest_body)]
