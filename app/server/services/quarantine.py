"""The quarantine: items a brand account's ingest received but could not store as mentions —
ones that fail the schema even after the connector fitted them, or that the database refused.
Each is kept with its account, network, post id, the reason (a sentence) and the item as the
network sent it (bounded), and the account's cursor moves past it in the same transaction, so
one bad item never stops an account's ingest. Admins list them and dismiss the ones dealt with."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import Session

from app.connectors.text import well_formed
from app.models.enums import Network
from app.models.limits import MENTION_LIMITS
from app.models.quarantine import QuarantinedItemPublic, QuarantinedItemsPublic
from app.models.tables import Account, QuarantinedItem
from app.server.errors import NotFound, classify_fault

log = logging.getLogger(__name__)

RAW_LIMIT = 16_000
"""Characters of JSON kept of a quarantined item as the network sent it."""


def bounded_raw(raw: Mapping[str, Any]) -> dict[str, Any]:
    """`raw` as JSON that fits the quarantine: NUL characters out (PostgreSQL refuses them),
    anything not JSON as text, and at most `RAW_LIMIT` characters (else the start of it)."""
    text = json.dumps(raw, default=str, ensure_ascii=False).replace("\\u0000", "")
    text = well_formed(text)
    if len(text) <= RAW_LIMIT:
        loaded = json.loads(text)
        return loaded if isinstance(loaded, dict) else {"item": loaded}
    return {"truncated": True, "size": len(text), "start": text[:RAW_LIMIT]}


def refused_by_database(exc: BaseException) -> bool:
    """Whether storing one item failed because of the item itself (a value the database or the
    schema refuses), not because the database is away, busy or full (then: retry it)."""
    if classify_fault(exc) is not None:
        return False
    if isinstance(exc, (DataError, IntegrityError)):
        return True
    if isinstance(exc, StatementError) and not isinstance(exc, DBAPIError):
        # A bind value it cannot take (a naive time, a date past the calendar's end).
        return isinstance(exc.orig, (ValueError, TypeError, OverflowError))
    return isinstance(exc, (ValueError, OverflowError))  # pydantic's ValidationError too


def refusal_reason(exc: BaseException) -> str:
    """The database's refusal as a sentence (its first line, bounded)."""
    cause = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if len(first) > 300:
        first = first[:299] + "…"
    return f"The database refused to store the mention: {first}"


def quarantine_item(
    session: Session,
    account_id: int,
    *,
    network: Network,
    external_id: str,
    reason: str,
    raw: Mapping[str, Any],
    cursor: str | None,
    now: datetime,
) -> QuarantinedItem | None:
    """Keep the item and move the account's cursor (when given) in the caller's transaction.
    The same item again (a page read twice) is kept once. None when the account is gone."""
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        return None
    limit = MENTION_LIMITS.external_id
    shown_id = external_id if len(external_id) <= limit else external_id[: limit - 1] + "…"
    shown_id = well_formed(shown_id.replace("\x00", ""))
    item = session.scalar(
        select(QuarantinedItem).where(
            QuarantinedItem.account_id == account_id,
            QuarantinedItem.network == network,
            QuarantinedItem.external_id == shown_id,
            QuarantinedItem.dismissed_at.is_(None),
        )
    )
    if item is None:
        item = QuarantinedItem(
            account_id=account_id,
            account_name=account.name,
            network=network,
            external_id=shown_id,
            reason=well_formed(reason.replace("\x00", "")),
            raw=bounded_raw(raw),
            received_at=now,
        )
        session.add(item)
        log.warning(
            "ingest: account %d (%s): quarantined %s %r: %s",
            account_id,
            account.name,
            network.value,
            shown_id,
            reason,
        )
    if cursor is not None:
        account.cursor = cursor
    session.flush()
    return item


def quarantined_public(item: QuarantinedItem) -> QuarantinedItemPublic:
    return QuarantinedItemPublic(
        id=item.id,
        account_id=item.account_id,
        account=item.account_name,
        network=item.network,
        external_id=item.external_id,
        reason=item.reason,
        raw=dict(item.raw or {}),
        received_at=item.received_at,
        dismissed_at=item.dismissed_at,
        dismissed_by_id=item.dismissed_by_id,
    )


def list_quarantine(
    session: Session, *, include_dismissed: bool = False, limit: int = 50, offset: int = 0
) -> QuarantinedItemsPublic:
    """Quarantined items, newest first (dismissed ones only when asked)."""
    where = [] if include_dismissed else [QuarantinedItem.dismissed_at.is_(None)]
    count = session.scalar(select(func.count()).select_from(QuarantinedItem).where(*where)) or 0
    rows = session.scalars(
        select(QuarantinedItem)
        .where(*where)
        .order_by(QuarantinedItem.received_at.desc(), QuarantinedItem.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return QuarantinedItemsPublic(data=[quarantined_public(r) for r in rows], count=int(count))


def dismiss(session: Session, item_id: int, *, by: int | None, now: datetime) -> QuarantinedItem:
    """Mark an item as dealt with (it leaves the default listing); dismissing twice is fine."""
    item = session.get(QuarantinedItem, item_id)
    if item is None:
        raise NotFound(f"No quarantined item with id {item_id}.")
    if item.dismissed_at is None:
        item.dismissed_at = now
        item.dismissed_by_id = by
    session.flush()
    return item
