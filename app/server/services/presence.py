"""Who is viewing or typing on a mention. A console reports its user's state on the mention
they have open and refreshes it every 10 s while it holds; a state lapses 30 s after its last
refresh (`expires_at`), so a console that crashed leaves no ghost. The states are rows, not
process memory: several server processes answer the same consoles.

`presence.changed` (to everyone) is written only when a state actually changes: a refresh of
the same state moves `expires_at` and says nothing. A state that lapsed and is reported again
is a change. Consoles drop a state themselves at its `expires_at`; the upkeep deletes lapsed
rows (`drop_lapsed`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models.enums import EventType
from app.models.note_tables import Presence
from app.models.schemas import PresencePublic, PresencesPublic, PresenceState
from app.server.auth import Principal
from app.server.event_log import record_event
from app.server.services.notes import require_mention
from app.server.views import user_ref, users_by_id

LAPSE = timedelta(seconds=30)  # a state not refreshed for this long is gone
REFRESH_SECONDS = 10  # how often a console refreshes a state that holds


def _write_state(
    session: Session, mention_id: int, user_id: int, state: str, now: datetime
) -> None:
    values = {
        "mention_id": mention_id,
        "user_id": user_id,
        "state": state,
        "refreshed_at": now,
        "expires_at": now + LAPSE,
    }
    # Insert or refresh in one statement: a second process reporting the same user's first
    # state at the same moment refreshes the row instead of failing on its key.
    insert = (
        postgresql.insert(Presence)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(Presence)
    )
    statement = insert.values(values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["mention_id", "user_id"],
            set_={
                "state": statement.excluded.state,
                "refreshed_at": statement.excluded.refreshed_at,
                "expires_at": statement.excluded.expires_at,
            },
        )
    )


def set_presence(
    session: Session, mention_id: int, state: PresenceState, *, by: Principal, now: datetime
) -> PresencePublic:
    """Record (or refresh) the caller's state on a mention; `left` removes it. Writes
    `presence.changed` only when the caller's live state changes."""
    assert by.user_id is not None
    require_mention(session, mention_id)
    row = session.scalar(
        select(Presence)
        .where(Presence.mention_id == mention_id, Presence.user_id == by.user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    before = row.state if row is not None and row.expires_at > now else None
    if state is PresenceState.LEFT:
        if row is not None:
            session.delete(row)
        after, expires_at = None, now
    else:
        if row is None:
            _write_state(session, mention_id, by.user_id, state.value, now)
        else:
            row.state = state.value
            row.refreshed_at = now
            row.expires_at = now + LAPSE
        after, expires_at = state.value, now + LAPSE
    session.flush()
    user = users_by_id(session, {by.user_id})[by.user_id]
    public = PresencePublic(
        mention_id=mention_id, user=user_ref(user), state=state, expires_at=expires_at
    )
    if before != after:
        # No mention id on the event: presence is not the mention's history.
        record_event(
            session,
            EventType.PRESENCE_CHANGED,
            public.model_dump(mode="json"),
            at=now,
            actor_id=by.user_id,
        )
    return public


def live_presence(
    session: Session, now: datetime, *, mention_id: int | None = None
) -> PresencesPublic:
    """Every state that has not lapsed (of one mention, when given), by mention."""
    query = select(Presence).where(Presence.expires_at > now)
    if mention_id is not None:
        query = query.where(Presence.mention_id == mention_id)
    rows = session.scalars(
        query.order_by(Presence.mention_id, Presence.refreshed_at, Presence.user_id)
    ).all()
    users = users_by_id(session, {r.user_id for r in rows})
    data = [
        PresencePublic(
            mention_id=r.mention_id,
            user=user_ref(users[r.user_id]),
            state=PresenceState(r.state),
            expires_at=r.expires_at,
        )
        for r in rows
    ]
    return PresencesPublic(data=data, count=len(data))


def drop_lapsed(session: Session, now: datetime) -> list[int]:
    """Upkeep: delete the lapsed states; the mentions they were on (each once)."""
    mention_ids = session.scalars(
        select(Presence.mention_id).where(Presence.expires_at <= now).distinct()
    ).all()
    if mention_ids:
        session.execute(delete(Presence).where(Presence.expires_at <= now))
    return sorted(mention_ids)
