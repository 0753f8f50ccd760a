"""Who may see what beyond their role: a handoff's note and decline reason belong to its
parties (sender, recipient person or members of the recipient team, whoever decided it or got
it escalated) and to managers; and an open event stream's viewer, looked up again in the
database every few seconds so that a revoked token, a deactivated user or a changed role bites
on streams opened before the change (on every server process, whatever its token cache holds)."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import Role
from app.models.tables import Handoff, TeamMember
from app.server.auth import Principal, TokenCache
from app.server.errors import DatabaseFault, Forbidden
from app.server.fastread import FastReads

_TEAMS_OF = "SELECT team_id FROM team_members WHERE user_id = %s"


@dataclass(frozen=True, slots=True)
class Viewer:
    """A user as far as reading is concerned: their role and the teams they belong to."""

    user_id: int
    role: Role
    team_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class HandoffParties:
    """The people (and the recipient team) a handoff's note and reason are written for."""

    user_ids: frozenset[int]
    team_id: int | None

    def include(self, viewer: Viewer) -> bool:
        if viewer.role.is_manager or viewer.user_id in self.user_ids:
            return True
        return self.team_id is not None and self.team_id in viewer.team_ids


def _parties(user_ids: Iterable[object], team_id: object) -> HandoffParties:
    return HandoffParties(
        user_ids=frozenset(i for i in user_ids if isinstance(i, int)),
        team_id=team_id if isinstance(team_id, int) else None,
    )


def parties_of(handoff: Handoff) -> HandoffParties:
    return _parties(
        (
            handoff.from_user_id,
            handoff.to_user_id,
            handoff.decided_by_id,
            handoff.escalated_to_id,
        ),
        handoff.to_team_id,
    )


def parties_in_event(payload: Any) -> HandoffParties:
    """The parties of the handoff a `handoff.updated` event carries (its payload as stored:
    a dict, or JSON text when read raw from SQLite). A payload without a readable handoff has
    no parties: only managers see it."""
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = {}
    handoff = payload.get("handoff") if isinstance(payload, dict) else None
    if not isinstance(handoff, dict):
        return _parties((), None)

    def ref_id(key: str) -> object:
        ref = handoff.get(key)
        return ref.get("id") if isinstance(ref, dict) else None

    keys = ("from_user", "to_user", "decided_by", "escalated_to")
    return _parties((ref_id(k) for k in keys), handoff.get("to_team_id"))


def team_ids_of(session: Session, user_id: int) -> frozenset[int]:
    return frozenset(
        session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id))
    )


def viewer_for(session: Session, principal: Principal) -> Viewer:
    assert principal.user_id is not None
    assert principal.role is not None
    return Viewer(principal.user_id, principal.role, team_ids_of(session, principal.user_id))


def require_handoff_party(session: Session, handoff: Handoff, principal: Principal) -> None:
    if not parties_of(handoff).include(viewer_for(session, principal)):
        raise Forbidden(
            "Only the sender, the recipient (or the recipient team) and managers can read "
            "this handoff.",
            code="not_party",
        )


async def current_viewer(
    fast: FastReads, cache: TokenCache, token_hash: str, user_id: int
) -> Viewer | None:
    """The token's user as the database knows them now (never the token cache, whose entries
    may be seconds old; a token pinned in memory, solo mode's, stays valid); None once the
    token is revoked or its user deactivated."""
    principal = cache.pinned(token_hash) or await fast.principal(token_hash)
    if principal is None or principal.user_id != user_id or principal.role is None:
        return None
    rows = await fast.fetchall(_TEAMS_OF, (user_id,))
    return Viewer(user_id, principal.role, frozenset(int(row[0]) for row in rows))


class StreamAccess:
    """An open event stream's viewer, looked up again every `interval` seconds (`recheck`
    answers None once the stream's token no longer admits anyone: the stream then ends). While
    the database cannot be read, the last viewer stands and the next look is one interval on,
    as open streams stay open through an outage."""

    def __init__(
        self,
        viewer: Viewer,
        recheck: Callable[[], Awaitable[Viewer | None]],
        *,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.viewer = viewer
        self._recheck = recheck
        self._interval = interval
        self._clock = clock
        self._next = clock() + interval

    def seconds_to_recheck(self) -> float:
        return max(self._next - self._clock(), 0.0)

    async def still_allowed(self) -> bool:
        """Looks the viewer up again when an interval has passed; False ends the stream."""
        if self._clock() < self._next:
            return True
        try:
            viewer = await self._recheck()
        except DatabaseFault:
            viewer = self.viewer
        self._next = self._clock() + self._interval
        if viewer is None:
            return False
        self.viewer = viewer
        return True
