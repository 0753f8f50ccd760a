"""Claims: a rep takes a mention with a compare-and-set on its version, so concurrent claims
never produce two owners (invariant 1); a lost race is a 409 naming the current owner.

Most claims in a race lose, so `ClaimDesk` refuses those as cheaply as it can, in steps of
growing cost: from what this process already saw in the event log (`KnownMentions`: versions
only grow, so a claim against an older version than one seen there cannot win), then from one
point read awaited on the event loop (app/server/fastread.py: a worker thread costs more than
the read itself). Only a claim that can still win takes a worker thread and the write
transaction, whose compare-and-set on the version is what decides."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.models.enums import EventType, MentionStatus
from app.models.schemas import MentionPublic, UserRef
from app.models.tables import Mention
from app.server.auth import Principal
from app.server.db import Database
from app.server.errors import Conflict, NotFound
from app.server.events import WireEvent
from app.server.fastread import FastReads
from app.server.services.mentions import mark_changed
from app.server.views import user_ref

_CLAIM_STATE = (
    "SELECT m.version, m.assignee_id, m.status, u.name FROM mentions m "
    "LEFT JOIN users u ON u.id = m.assignee_id WHERE m.id = %s"
)
_MENTION_EVENTS = frozenset(
    {
        str(EventType.MENTION_CREATED),
        str(EventType.MENTION_UPDATED),
        str(EventType.REPLY_UPDATED),
        str(EventType.FOLLOWUP_DUE),
    }
)


@dataclass(frozen=True, slots=True)
class ClaimState:
    """What a claim is checked against: the mention's version, owner and status."""

    version: int
    assignee_id: int | None
    assignee_name: str | None
    status: MentionStatus


class KnownMentions:
    """The newest state of each mention this process has seen in the event log, fed by the
    event hub (`observe` is one of its listeners). A refusal made from it names the owner as
    of that event, at most one tailer wake old.

    Each state is kept as a plain tuple of numbers and strings, which the cycle collector
    stops tracking: up to `MAX` of them live as long as the process, and as objects every
    full collection walked them (9,000 after a bench storm's first minute, a fifth of what
    such a collection walked)."""

    MAX = 100_000

    def __init__(self) -> None:
        # mention id → (version, assignee id, assignee name, status value)
        self._states: dict[int, tuple[int, int | None, str | None, str]] = {}

    def observe(self, event: WireEvent) -> None:
        if event.type not in _MENTION_EVENTS:
            return
        try:
            payload: Any = event.payload
            data = json.loads(payload) if isinstance(payload, str) else payload
            mention = data["mention"]
            mention_id = int(mention["id"])
            version = int(mention["version"])
            status = MentionStatus(mention["status"])
        except (ValueError, KeyError, TypeError):
            return
        known = self._states.get(mention_id)
        if known is not None and known[0] >= version:
            return
        if len(self._states) >= self.MAX:
            self._states.clear()
        assignee = mention.get("assignee") or {}
        assignee_id, name = mention.get("assignee_id"), assignee.get("name")
        self._states[mention_id] = (
            version,
            int(assignee_id) if assignee_id is not None else None,
            str(name) if name is not None else None,
            status.value,
        )

    def get(self, mention_id: int) -> ClaimState | None:
        known = self._states.get(mention_id)
        if known is None:
            return None
        version, assignee_id, assignee_name, status = known
        return ClaimState(version, assignee_id, assignee_name, MentionStatus(status))


def _lost_claim(owner: UserRef | None, version: int, status: MentionStatus) -> Conflict:
    if owner is not None:
        detail = f"{owner.name} has this mention now (version {version})."
    else:
        detail = (
            f"The mention changed meanwhile (now version {version}, {status.value}); "
            "reload and try again."
        )
    return Conflict(
        detail,
        code="claim_lost",
        current_owner=owner,
        current_version=version,
        current_status=status,
    )


def check_claim(mention_id: int, state: ClaimState | None, version: int, user_id: int) -> None:
    """Refuse, without a write lock, a claim that cannot win against `state` (None: there is
    no such mention). A claim by the current owner at the current version may go on."""
    if state is None:
        raise NotFound(f"No mention with id {mention_id}.")
    if state.version != version or state.assignee_id not in (None, user_id):
        owner = (
            UserRef(id=state.assignee_id, name=state.assignee_name or "?")
            if state.assignee_id is not None
            else None
        )
        raise _lost_claim(owner, state.version, state.status)


def _claimed(by: Principal, now: datetime) -> dict[str, Any]:
    """What a claim writes to the mention, besides its new version."""
    return {
        "assignee_id": by.user_id,
        "status": MentionStatus.ASSIGNED,
        "snoozed_until": None,
        "updated_at": now,
        "routed_reason": None,  # they took it themselves
    }


def claim_locked(mention: Mention, version: int, *, by: Principal, now: datetime) -> str:
    """The claim of a mention whose row the caller holds locked (bulk actions, which record
    its event with their others): the same compare-and-set, decided on the locked row."""
    assert by.user_id is not None
    owner = mention.assignee.name if mention.assignee is not None else None
    state = ClaimState(mention.version, mention.assignee_id, owner, mention.status)
    check_claim(mention.id, state, version, by.user_id)
    for name, value in _claimed(by, now).items():
        setattr(mention, name, value)
    mention.version += 1
    return "claimed"


def claim(
    session: Session, mention_id: int, version: int, *, by: Principal, now: datetime
) -> MentionPublic:
    """Compare-and-set: only a claim made against the current version wins."""
    assert by.user_id is not None
    # One statement takes it and returns the row: the claimer is the new owner, so neither a
    # read of the mention nor of its owner's user row is needed to tell everyone.
    mention = (
        session.scalars(
            update(Mention)
            .where(
                Mention.id == mention_id,
                Mention.version == version,
                or_(Mention.assignee_id.is_(None), Mention.assignee_id == by.user_id),
            )
            .values(**_claimed(by, now), version=Mention.version + 1)
            .returning(Mention)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        .unique()
        .first()
    )
    if mention is None:
        current = session.scalars(select(Mention).where(Mention.id == mention_id)).unique().first()
        if current is None:
            raise NotFound(f"No mention with id {mention_id}.")
        owner = user_ref(current.assignee) if current.assignee is not None else None
        raise _lost_claim(owner, current.version, current.status)
    claimer = UserRef(id=by.user_id, name=by.name)
    return mark_changed(session, mention, "claimed", by=by, now=now, bump=False, owner=claimer)


class ClaimDesk:
    """Where this process's claims are admitted (POST /mentions/{id}/claim)."""

    def __init__(self, db: Database, reads: FastReads, known: KnownMentions) -> None:
        self._db = db
        self._reads = reads
        self._known = known

    async def claim(
        self, mention_id: int, version: int, *, by: Principal, now: datetime
    ) -> MentionPublic:
        """Take the mention if `version` is still current; 409 names the owner otherwise."""
        assert by.user_id is not None
        state = self._known.get(mention_id)
        if state is None or state.version <= version:
            state = await self._read_state(mention_id)
        check_claim(mention_id, state, version, by.user_id)
        return await anyio.to_thread.run_sync(self._write, mention_id, version, by, now)

    async def _read_state(self, mention_id: int) -> ClaimState | None:
        row = await self._reads.fetchone(_CLAIM_STATE, (mention_id,))
        if row is None:
            return None
        version, assignee_id, status, owner_name = row
        return ClaimState(
            version=int(version),
            assignee_id=assignee_id,
            assignee_name=owner_name,
            status=MentionStatus(status),
        )

    def _write(self, mention_id: int, version: int, by: Principal, now: datetime) -> MentionPublic:
        with self._db.write() as session:
            return claim(session, mention_id, version, by=by, now=now)
