"""Broadcasts: a manager's note to every console (`broadcast.sent`), acknowledgements by any
user (idempotent, `broadcast.acked` once per user), and the list with who has acknowledged and
which on-duty people have not yet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType
from app.models.schemas import (
    BroadcastAckPublic,
    BroadcastCreate,
    BroadcastPublic,
    BroadcastsPublic,
    UserRef,
)
from app.models.tables import Broadcast, BroadcastAck, User
from app.server.auth import Principal
from app.server.errors import NotFound
from app.server.event_log import record_event
from app.server.views import user_ref, users_by_id


def publics(session: Session, broadcasts: Sequence[Broadcast]) -> list[BroadcastPublic]:
    if not broadcasts:
        return []
    ids = [b.id for b in broadcasts]
    acks = session.scalars(
        select(BroadcastAck)
        .where(BroadcastAck.broadcast_id.in_(ids))
        .order_by(BroadcastAck.acked_at, BroadcastAck.user_id)
    ).all()
    on_duty = session.scalars(
        select(User).where(User.active.is_(True), User.duty == Duty.ON_DUTY).order_by(User.name)
    ).all()
    users = users_by_id(session, {a.user_id for a in acks} | {b.author_id for b in broadcasts})
    acks_by: dict[int, list[BroadcastAck]] = {}
    for ack in acks:
        acks_by.setdefault(ack.broadcast_id, []).append(ack)
    result: list[BroadcastPublic] = []
    for b in broadcasts:
        mine = acks_by.get(b.id, [])
        acked_ids = {a.user_id for a in mine}
        author = users.get(b.author_id)
        result.append(
            BroadcastPublic(
                id=b.id,
                author=user_ref(author) if author else UserRef(id=b.author_id, name="?"),
                text=b.text,
                severity=b.severity,
                created_at=b.created_at,
                acks=[
                    BroadcastAckPublic(user=user_ref(users[a.user_id]), acked_at=a.acked_at)
                    for a in mine
                    if a.user_id in users
                ],
                pending=[user_ref(u) for u in on_duty if u.id not in acked_ids],
            )
        )
    return result


def _get(session: Session, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound(f"No broadcast with id {broadcast_id}.")
    return broadcast


def get_broadcast(session: Session, broadcast_id: int) -> BroadcastPublic:
    return publics(session, [_get(session, broadcast_id)])[0]


def send(
    session: Session, request: BroadcastCreate, *, by: Principal, now: datetime
) -> BroadcastPublic:
    """Managers only (the router guards it). Reaches every console through `broadcast.sent`."""
    assert by.user_id is not None
    broadcast = Broadcast(
        author_id=by.user_id, text=request.text.strip(), severity=request.severity, created_at=now
    )
    session.add(broadcast)
    session.flush()
    public = publics(session, [broadcast])[0]
    record_event(
        session,
        EventType.BROADCAST_SENT,
        {"broadcast": public.model_dump(mode="json")},
        at=now,
        actor_id=by.user_id,
    )
    return public


def acknowledge(
    session: Session, broadcast_id: int, *, by: Principal, now: datetime
) -> BroadcastPublic:
    """Idempotent: the first acknowledgement is recorded (and announced); later ones change
    nothing and return the same state."""
    assert by.user_id is not None
    broadcast = _get(session, broadcast_id)
    if session.get(BroadcastAck, (broadcast.id, by.user_id)) is None:
        try:
            with session.begin_nested():
                session.add(
                    BroadcastAck(broadcast_id=broadcast.id, user_id=by.user_id, acked_at=now)
                )
        except IntegrityError:
            return publics(session, [broadcast])[0]  # a concurrent ack by the same user won
        user = session.get(User, by.user_id)
        assert user is not None
        record_event(
            session,
            EventType.BROADCAST_ACKED,
            {
                "broadcast_id": broadcast.id,
                "user": user_ref(user).model_dump(mode="json"),
                "acked_at": now.isoformat().replace("+00:00", "Z"),
            },
            at=now,
            actor_id=by.user_id,
        )
    return publics(session, [broadcast])[0]


def list_broadcasts(
    session: Session, *, unacked_by: int | None, limit: int, offset: int
) -> BroadcastsPublic:
    """Newest first; with `unacked_by`, only those that user has not acknowledged."""
    query = select(Broadcast)
    if unacked_by is not None:
        query = query.where(
            ~exists(
                select(BroadcastAck.user_id).where(
                    BroadcastAck.broadcast_id == Broadcast.id, BroadcastAck.user_id == unacked_by
                )
            )
        )
    count = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(Broadcast.created_at.desc(), Broadcast.id.desc()).limit(limit).offset(offset)
    ).all()
    return BroadcastsPublic(data=publics(session, rows), count=count)
