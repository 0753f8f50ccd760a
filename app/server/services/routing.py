"""Routing: each team's rules decide which team a new mention belongs to (routing_rules.py);
its mode decides who gets it — nobody (manual: people claim), in turn (round robin) or
whoever has the fewest open (balanced) — among its members who are on duty and below the
team's capacity of open mentions. Over capacity a mention waits, unassigned, and is handed
out as capacity frees (`route_waiting`); someone who goes off duty gives their unanswered
mentions back to their team (`give_back`), and handoffs stay where they are.

Who gets what is decided inside the transaction that stores the mentions (`route_batch`,
called by services/ingest.py), with the team's routing row locked: across several server
processes two batches of one team take turns, so nobody is given more than their capacity,
and a duty change (which takes the same locks first) cannot cross an assignment. A waiting
mention changes hands later only by a compare-and-set on its version, as a claim does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from app.models.enums import Duty, MentionStatus, RoutingMode
from app.models.routing_tables import TeamRouting
from app.models.schemas import UserRef
from app.models.tables import Mention, Team, TeamMember, User
from app.server.services.routing_rules import (
    MODE_WORDS,
    MentionFacts,
    TeamMatch,
    TeamRules,
    team_for,
)

# A person's open mentions, as capacity counts them: on their plate, not yet answered.
HELD = (MentionStatus.ASSIGNED, MentionStatus.HANDOFF, MentionStatus.SNOOZED)


def rules_of(routing: TeamRouting, team_name: str) -> TeamRules:
    return TeamRules.of(
        routing.team_id,
        team_name,
        mode=routing.mode,
        capacity=routing.capacity,
        languages=routing.languages,
        networks=routing.networks,
        keywords=routing.keywords,
        priorities=routing.priorities,
    )


def load_rules(session: Session) -> list[TeamRules]:
    """Every team's saved routing (teams that never saved one route nothing)."""
    rows = session.execute(
        select(TeamRouting, Team.name).join(Team, Team.id == TeamRouting.team_id)
    ).all()
    return [rules_of(routing, name) for routing, name in rows]


@dataclass
class Turn:
    """A team's locked routing row as hand-outs read and move it: its mode, capacity and
    whom it handed the last mention to (`save_turns` writes that back)."""

    team_id: int
    mode: RoutingMode
    capacity: int
    last_user_id: int | None
    moved: bool = False

    def gave_to(self, user_id: int) -> None:
        self.last_user_id = user_id
        self.moved = True


_ROUTING: Table = TeamRouting.__table__  # type: ignore[assignment]


def lock_routing(session: Session, team_ids: Iterable[int]) -> dict[int, Turn]:
    """Lock the teams' routing rows, in team order (everyone who hands out or gives back
    mentions takes these locks first, in this order)."""
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(_ROUTING.c.team_id, _ROUTING.c.mode, _ROUTING.c.capacity, _ROUTING.c.last_user_id)
        .where(_ROUTING.c.team_id.in_(ids))
        .order_by(_ROUTING.c.team_id)
        .with_for_update()
    ).all()
    return {
        int(team_id): Turn(int(team_id), RoutingMode(mode), int(capacity), last_user_id)
        for team_id, mode, capacity, last_user_id in rows
    }


def save_turns(session: Session, turns: Iterable[Turn]) -> None:
    """Write back whom each team handed its last mention to (round robin goes on from there)."""
    moved = [{"team": t.team_id, "last": t.last_user_id} for t in turns if t.moved]
    if moved:
        session.execute(
            update(_ROUTING)
            .where(_ROUTING.c.team_id == bindparam("team"))
            .values(last_user_id=bindparam("last")),
            moved,
        )


@dataclass
class Candidate:
    """A member on duty, with how many open mentions they hold."""

    user_id: int
    name: str
    held: int


def candidates(session: Session, team_id: int) -> list[Candidate]:
    """The team's active members on duty (nobody away or off duty), by id, with their open
    mentions (of any team)."""
    held = (
        select(func.count(Mention.id))
        .where(Mention.assignee_id == User.id, Mention.status.in_(HELD))
        .correlate(User)
        .scalar_subquery()
    )
    rows = session.execute(
        select(User.id, User.name, held)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(
            TeamMember.team_id == team_id,
            User.active.is_(True),
            User.duty == Duty.ON_DUTY,
        )
        .order_by(User.id)
    ).all()
    return [Candidate(int(user_id), str(name), int(count)) for user_id, name, count in rows]


def pick(
    mode: RoutingMode, people: Sequence[Candidate], capacity: int, last_user_id: int | None
) -> Candidate | None:
    """Who gets the next mention: round robin the next person after the last one given one
    (by id, wrapping round); balanced whoever holds the fewest (ties: the same turn order);
    nobody at capacity; None when everyone is (or manual)."""
    if mode is RoutingMode.MANUAL:
        return None
    free = [p for p in people if p.held < capacity]
    if not free:
        return None
    after = last_user_id if last_user_id is not None else 0

    def turn(person: Candidate) -> tuple[int, int]:
        return (0 if person.user_id > after else 1, person.user_id)

    if mode is RoutingMode.BALANCED:
        return min(free, key=lambda p: (p.held, *turn(p)))
    return min(free, key=turn)


def waiting_reason(people: Sequence[Candidate], capacity: int) -> str:
    if not people:
        return "waiting: nobody of the team is on duty"
    return f"waiting: everyone on duty holds {capacity} open"


@dataclass(frozen=True, slots=True)
class Routed:
    """What routing decided for one mention: its team and why; its owner when it has one."""

    team_id: int
    reason: str
    owner: UserRef | None = None


class Dealer:
    """Hands out one transaction's mentions of the teams whose routing it has locked."""

    def __init__(self, session: Session, locked: Mapping[int, Turn]) -> None:
        self._session = session
        self._locked = locked
        self._people: dict[int, list[Candidate]] = {}

    def deal(self, match: TeamMatch) -> Routed:
        rules = match.rules
        team = match.describe()
        routing = self._locked.get(rules.team_id)
        if routing is None or routing.mode is RoutingMode.MANUAL:
            return Routed(rules.team_id, team)
        people = self._people.get(rules.team_id)
        if people is None:
            people = self._people[rules.team_id] = candidates(self._session, rules.team_id)
        chosen = pick(routing.mode, people, routing.capacity, routing.last_user_id)
        if chosen is None:
            return Routed(rules.team_id, f"{team} · {waiting_reason(people, routing.capacity)}")
        routing.gave_to(chosen.user_id)
        # Someone in two teams is counted once: each team's list holds its own copy.
        for others in self._people.values():
            for person in others:
                if person.user_id == chosen.user_id:
                    person.held += 1
        return Routed(
            rules.team_id,
            f"{team} · {MODE_WORDS[routing.mode]}",
            UserRef(id=chosen.user_id, name=chosen.name),
        )


def match_batch(
    rules: Sequence[TeamRules], facts: Mapping[int, MentionFacts]
) -> dict[int, TeamMatch]:
    """The team of each new mention (by its key in `facts`) that some team's rules match."""
    if not rules:
        return {}
    matches: dict[int, TeamMatch] = {}
    for key, fact in facts.items():
        match = team_for(fact, rules)
        if match is not None:
            matches[key] = match
    return matches


def route_batch(
    session: Session, matches: Mapping[int, TeamMatch], priorities: Mapping[int, float]
) -> dict[int, Routed]:
    """Hand out a batch of new mentions (by their place in the batch → its team), most
    urgent first, in the transaction that stores them, before they are stored: the caller
    writes each one's owner and reason into its row (no one else can see it before the
    commit). A mention that turns out to be stored already is not stored again, and its
    hand-out is forgotten with it (round robin's turn has moved on one, that is all)."""
    if not matches:
        return {}
    locked = lock_routing(session, (m.rules.team_id for m in matches.values()))
    dealer = Dealer(session, locked)
    routed: dict[int, Routed] = {}
    for key in sorted(matches, key=lambda i: (-priorities.get(i, 0.0), i)):
        routed[key] = dealer.deal(matches[key])
    save_turns(session, locked.values())
    return routed


def routed_row(row: dict[str, Any], routed: Routed) -> dict[str, Any]:
    """A new mention's row with what routing decided."""
    changed = {**row, "team_id": routed.team_id, "routed_reason": routed.reason}
    if routed.owner is not None:
        changed.update(assignee_id=routed.owner.id, status=MentionStatus.ASSIGNED)
    return changed


def routed_payload(payload: dict[str, Any], routed: Routed | None) -> dict[str, Any]:
    """A new mention's `mention.created` payload with what routing decided."""
    if routed is None:
        return payload
    changed = {**payload, "team_id": routed.team_id, "routed_reason": routed.reason}
    if routed.owner is not None:
        changed.update(
            assignee_id=routed.owner.id,
            assignee=routed.owner.model_dump(mode="json"),
            status=MentionStatus.ASSIGNED.value,
        )
    return changed


def team_ids_of(session: Session, user_id: int) -> list[int]:
    return sorted(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))
