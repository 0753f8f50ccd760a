"""Ingest: storing new mentions (from the webhook API or an ingest worker), de-duplicated on
(network, external_id) and scored; an urgent one that arrives while nobody is on duty opens a
coverage gap.

Reading a mention's text for its priority is the slow part, so callers do it first, outside
any write transaction (`read_items`), and pass the readings in: inside the transaction only
arithmetic is left (`priority_of`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus
from app.models.schemas import IngestResult, MentionCreate
from app.models.tables import Mention
from app.server.events import record_event
from app.server.services.coverage import record_coverage_gap
from app.server.views import mention_payload
from app.tone.priority import URGENT_THRESHOLD, MentionReading, priority_of, read_mention


def read_items(items: Sequence[MentionCreate]) -> list[MentionReading]:
    """Read each item's text for its priority, in order: call before the write transaction."""
    return [read_mention(item.text) for item in items]


def ingest(
    session: Session,
    items: Sequence[MentionCreate],
    *,
    readings: Sequence[MentionReading],
    now: datetime,
    actor_id: int | None,
    account_id: int | None = None,
    raw_refs: Mapping[str, Mapping[str, str]] | None = None,
) -> IngestResult:
    """Store new mentions (scored from `readings`, one per item: see `read_items`), skip ones
    already known by (network, external_id). An ingest worker passes its brand `account_id`
    and, per external id, the network's references needed to reply later (`raw_refs`, kept in
    `mentions.raw`)."""
    if len(readings) != len(items):
        raise ValueError(f"{len(items)} mentions but {len(readings)} readings")
    created: list[Mention] = []
    duplicates: list[int] = []
    seen: set[tuple[str, str]] = set()
    for item, reading in zip(items, readings, strict=True):
        key = (item.network.value, item.external_id)
        existing = session.scalar(
            select(Mention.id).where(
                Mention.network == item.network, Mention.external_id == item.external_id
            )
        )
        if existing is not None:
            duplicates.append(existing)
            continue
        if key in seen:
            continue
        seen.add(key)
        created_at = item.created_at or now
        priority = priority_of(
            reading, followers=item.author.followers, waiting=max(now - created_at, timedelta(0))
        )
        mention = Mention(
            network=item.network,
            external_id=item.external_id,
            author_handle=item.author.handle,
            author_display_name=item.author.display_name,
            author_url=item.author.url,
            author_followers=item.author.followers,
            text=item.text,
            url=str(item.url) if item.url is not None else None,
            language=item.language,
            visibility=item.visibility,
            in_reply_to_external_id=item.in_reply_to_external_id,
            thread_key=item.thread_key,
            is_demo=item.is_demo,
            created_at=created_at,
            ingested_at=now,
            updated_at=now,
            status=MentionStatus.NEW,
            version=1,
            priority=priority,
            sentiment=reading.sentiment,
            risk_words=list(reading.risk_words),
            raw=dict((raw_refs or {}).get(item.external_id) or {}),
            account_id=account_id,
        )
        try:
            with session.begin_nested():
                session.add(mention)
        except IntegrityError:
            # Another ingest stored the same mention a moment ago.
            duplicates.append(
                session.scalar(
                    select(Mention.id).where(
                        Mention.network == item.network, Mention.external_id == item.external_id
                    )
                )
                or 0
            )
            continue
        created.append(mention)
    # Events last: the event-order lock is taken after every row this transaction writes.
    urgent_unseen: Mention | None = None
    for mention in created:
        record_event(
            session,
            EventType.MENTION_CREATED,
            {"mention": mention_payload(mention)},
            at=now,
            mention_id=mention.id,
            actor_id=actor_id,
        )
        if score_is_urgent(mention.priority) and urgent_unseen is None:
            urgent_unseen = mention
    if urgent_unseen is not None:
        record_coverage_gap(
            session,
            reason="An urgent mention arrived and nobody is on duty.",
            now=now,
            mention_id=urgent_unseen.id,
            actor_id=actor_id,
        )
    return IngestResult(created=[m.id for m in created], duplicates=duplicates)


def score_is_urgent(priority: float) -> bool:
    return priority >= URGENT_THRESHOLD
