"""A manager's routing and response-time targets of one team, as the routing dialog edits them:
what the server holds (`TeamSettings`), the dialog's form (`RoutingForm`, checked here before
anything is sent) and the save, which sends only the part that changed — routing, then the
targets — and says what became of it in one sentence. Qt-free; the server's refusals (403,
422, offline) come back as that sentence, and the form is never cleared by them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError
from app.client.manager import routing_words as words
from app.models.enums import Network, PriorityLevel, RoutingMode
from app.models.routing_schemas import (
    ResponseTargetsPublic,
    ResponseTargetsUpdate,
    RoutingPublic,
    RoutingUpdate,
)
from app.models.team_schemas import TeamPublic


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """One team's routing and targets as the server last answered."""

    routing: RoutingPublic
    targets: ResponseTargetsPublic

    @property
    def team(self) -> str:
        return self.routing.team


@dataclass(frozen=True, slots=True)
class RoutingRules:
    """The routing part of the form, read: what a PUT would send."""

    mode: RoutingMode
    capacity: int
    languages: tuple[str, ...]
    networks: frozenset[Network]
    keywords: tuple[str, ...]
    priorities: frozenset[PriorityLevel]

    @classmethod
    def of(cls, routing: RoutingPublic) -> RoutingRules:
        return cls(
            mode=routing.mode,
            capacity=routing.capacity,
            languages=tuple(routing.languages),
            networks=frozenset(routing.networks),
            keywords=tuple(routing.keywords),
            priorities=frozenset(routing.priorities),
        )

    def update(self) -> RoutingUpdate:
        return RoutingUpdate(
            mode=self.mode,
            capacity=self.capacity,
            languages=list(self.languages),
            networks=[n for n in words.ROUTED_NETWORKS if n in self.networks],
            keywords=list(self.keywords),
            priorities=[p for p in words.PRIORITY_WORDS if p in self.priorities],
        )


@dataclass(frozen=True, slots=True)
class RoutingForm:
    """What the dialog shows: lists as typed, targets in minutes per level (a level left out
    has none). `routes`: the team routes (saved) or is to route once saved."""

    routes: bool
    mode: RoutingMode
    capacity: int
    languages: str
    networks: frozenset[Network]
    keywords: str
    priorities: frozenset[PriorityLevel]
    minutes: Mapping[PriorityLevel, int] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: TeamSettings) -> RoutingForm:
        routing = settings.routing
        return cls(
            routes=routing.saved,
            mode=routing.mode,
            capacity=routing.capacity,
            languages=words.list_text(routing.languages),
            networks=frozenset(routing.networks),
            keywords=words.list_text(routing.keywords),
            priorities=frozenset(routing.priorities),
            minutes=dict(settings.targets.first_response_minutes),
        )

    def rules(self) -> RoutingRules:
        """The routing part as the server would take it; ValueError: a sentence saying what
        to fix (nothing is sent)."""
        problem = words.capacity_problem(self.capacity)
        if problem is not None:
            raise ValueError(problem)
        return RoutingRules(
            mode=self.mode,
            capacity=self.capacity,
            languages=tuple(words.parse_languages(self.languages)),
            networks=self.networks,
            keywords=tuple(words.parse_keywords(self.keywords)),
            priorities=self.priorities,
        )

    def targets(self) -> ResponseTargetsUpdate:
        """The targets as the server would take them; ValueError: a sentence."""
        for level, minutes in self.minutes.items():
            problem = words.minutes_problem(level, minutes)
            if problem is not None:
                raise ValueError(problem)
        ordered = {
            level: self.minutes[level] for level in words.PRIORITY_WORDS if level in self.minutes
        }
        return ResponseTargetsUpdate(first_response_minutes=ordered)

    def problem(self) -> str | None:
        """What must be fixed before saving, as a sentence; None when it can be sent."""
        try:
            self.rules()
            self.targets()
        except ValueError as exc:
            return str(exc)
        return None

    def routing_changed(self, settings: TeamSettings) -> bool:
        """Saving would send routing: the team is to route for the first time, or a rule
        differs from the server's (read, so "en,de" and "en, de" are the same)."""
        if not self.routes:
            return False
        if not settings.routing.saved:
            return True
        try:
            return self.rules() != RoutingRules.of(settings.routing)
        except ValueError:
            return True

    def targets_changed(self, settings: TeamSettings) -> bool:
        return dict(self.minutes) != dict(settings.targets.first_response_minutes)

    def unsaved(self, settings: TeamSettings) -> bool:
        return self.routing_changed(settings) or self.targets_changed(settings)

    def with_minutes(self, level: PriorityLevel, minutes: int | None) -> RoutingForm:
        changed = {k: v for k, v in self.minutes.items() if k is not level}
        if minutes is not None:
            changed[level] = minutes
        return replace(self, minutes=changed)


@dataclass(frozen=True, slots=True)
class RoutingSave:
    """What became of a save: the settings as the server now holds them (a part it refused
    keeps its old value), whether everything asked was saved, and the sentence to show."""

    settings: TeamSettings
    done: bool
    message: str


class TeamRoutingSettings:
    """Reads the teams and one team's routing and targets; saves the dialog's form."""

    def __init__(self, api: ResponderApi) -> None:
        self.api = api
        self.teams: list[TeamPublic] = []

    async def load_teams(self) -> str | None:
        """The teams to choose from, by name; a sentence when they could not be loaded."""
        try:
            teams = await self.api.teams()
        except ApiError as exc:
            return words.TEAMS_NOT_LOADED.format(detail=exc.detail)
        self.teams = sorted(teams.data, key=lambda t: t.name.casefold())
        return None

    async def load(self, team_id: int) -> TeamSettings:
        """Raises ApiError (its `detail` is the sentence)."""
        routing = await self.api.routing(team_id)
        targets = await self.api.response_targets(team_id)
        return TeamSettings(routing, targets)

    async def save(self, team_id: int, form: RoutingForm, before: TeamSettings) -> RoutingSave:
        """Send what changed since `before`: the routing (only when the team routes or is to),
        then the targets. A refused routing sends nothing more; refused targets leave the saved
        routing saved. Nothing is sent while the form has a problem."""
        team = before.team
        try:
            rules = form.rules()
            targets = form.targets()
        except ValueError as exc:
            return RoutingSave(before, False, str(exc))
        send_routing = form.routing_changed(before)
        send_targets = form.targets_changed(before)
        if not send_routing and not send_targets:
            return RoutingSave(before, True, words.NOTHING_TO_SAVE.format(team=team))
        routing = before.routing
        if send_routing:
            try:
                routing = await self.api.set_routing(team_id, rules.update())
            except ApiError as exc:
                return RoutingSave(before, False, words.ROUTING_NOT_SAVED.format(detail=exc.detail))
        after = TeamSettings(routing, before.targets)
        mode = words.MODE_WORDS[routing.mode].lower()
        if send_targets:
            try:
                saved_targets = await self.api.set_response_targets(team_id, targets)
            except ApiError as exc:
                message = (
                    words.ROUTING_SAVED_TARGETS_NOT.format(team=routing.team, detail=exc.detail)
                    if send_routing
                    else words.TARGETS_NOT_SAVED.format(detail=exc.detail)
                )
                return RoutingSave(after, False, message)
            after = TeamSettings(routing, saved_targets)
        if send_routing and send_targets:
            message = words.SAVED_BOTH.format(team=routing.team, mode=mode)
        elif send_routing:
            message = words.SAVED_ROUTING.format(team=routing.team, mode=mode)
        else:
            message = words.SAVED_TARGETS.format(team=routing.team)
        if send_targets and not routing.saved and after.targets.first_response_minutes:
            message += words.TARGETS_WITHOUT_ROUTING.format(team=routing.team)
        return RoutingSave(after, True, message)
