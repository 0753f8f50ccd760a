"""Wire schemas of the quarantine: items a brand account's ingest received but could not store
as mentions (GET /api/v1/quarantine, `list-quarantine`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.models.enums import Network
from app.models.schemas import Public


class QuarantinedItemPublic(Public):
    """An item a brand account's ingest received but could not store as a mention, kept for an
    admin: `reason` says why; `raw` is the item as the network sent it (at most about 16 kB
    of JSON: a larger one is cut, with `truncated: true`)."""

    id: int
    account_id: int | None
    account: str = Field(description="The brand account's name when it was received.")
    network: Network
    external_id: str
    reason: str
    raw: dict[str, Any]
    received_at: datetime
    dismissed_at: datetime | None = None
    dismissed_by_id: int | None = None


class QuarantinedItemsPublic(BaseModel):
    data: list[QuarantinedItemPublic]
    count: int = Field(description="Total matching, before pagination.")
