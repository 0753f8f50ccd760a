"""Team administration for admins: the server's teams and people, and the changes an admin
makes to them (create, rename/describe, add and remove members), each said as one sentence."""

from __future__ import annotations

from dataclasses import dataclass

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError
from app.models.schemas import UserPublic
from app.models.team_schemas import TeamCreate, TeamPublic, TeamUpdate


@dataclass(frozen=True)
class TeamChange:
    """What became of one change: the team as the server now has it, or why not."""

    team: TeamPublic | None
    message: str

    @property
    def done(self) -> bool:
        return self.team is not None


class TeamAdmin:
    """Holds the latest teams and users; every change updates `teams` from the server's answer."""

    def __init__(self, api: ResponderApi) -> None:
        self.api = api
        self.teams: list[TeamPublic] = []
        self.users: list[UserPublic] = []

    async def load(self) -> str | None:
        """Fetch teams and users afresh; a sentence when that failed."""
        try:
            teams = await self.api.teams()
            users = await self.api.users()
        except ApiError as exc:
            return f"Could not load the teams: {exc.detail}"
        self.teams = sorted(teams.data, key=lambda t: t.name.lower())
        self.users = sorted(users.data, key=lambda u: u.name.lower())
        return None

    def team(self, team_id: int) -> TeamPublic | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def non_members(self, team_id: int) -> list[UserPublic]:
        team = self.team(team_id)
        inside = {m.id for m in team.members} if team is not None else set()
        return [u for u in self.users if u.id not in inside]

    def _keep(self, team: TeamPublic) -> None:
        self.teams = sorted(
            [*(t for t in self.teams if t.id != team.id), team], key=lambda t: t.name.lower()
        )

    async def create(self, name: str, description: str, time_zone: str) -> TeamChange:
        name = name.strip()
        if not name:
            return TeamChange(None, "A team needs a name.")
        request = TeamCreate(
            name=name, description=description.strip(), time_zone=time_zone.strip() or "UTC"
        )
        try:
            team = await self.api.create_team(request)
        except ApiError as exc:
            return TeamChange(None, f"The team was not created: {exc.detail}")
        self._keep(team)
        return TeamChange(team, f"Team {team.name} created.")

    async def edit(self, team_id: int, name: str, description: str, time_zone: str) -> TeamChange:
        """Send only what differs from the team as last seen."""
        current = self.team(team_id)
        name = name.strip()
        if not name:
            return TeamChange(None, "A team needs a name.")
        change = TeamUpdate(
            name=name if current is None or name != current.name else None,
            description=(
                description.strip()
                if current is None or description.strip() != current.description
                else None
            ),
            time_zone=(
                time_zone.strip()
                if time_zone.strip() and (current is None or time_zone.strip() != current.time_zone)
                else None
            ),
        )
        if current is not None and change.model_dump(exclude_none=True) == {}:
            return TeamChange(current, f"Team {current.name}: nothing to change.")
        try:
            team = await self.api.update_team(team_id, change)
        except ApiError as exc:
            return TeamChange(None, f"The team was not changed: {exc.detail}")
        self._keep(team)
        return TeamChange(team, f"Team {team.name} saved.")

    async def add_member(self, team_id: int, user_id: int) -> TeamChange:
        try:
            team = await self.api.add_team_member(team_id, user_id)
        except ApiError as exc:
            return TeamChange(None, f"The member was not added: {exc.detail}")
        self._keep(team)
        name = next((m.name for m in team.members if m.id == user_id), f"User {user_id}")
        return TeamChange(team, f"{name} is now in {team.name}.")

    async def remove_member(self, team_id: int, user_id: int) -> TeamChange:
        before = self.team(team_id)
        name = next(
            (m.name for m in (before.members if before else []) if m.id == user_id),
            f"User {user_id}",
        )
        try:
            team = await self.api.remove_team_member(team_id, user_id)
        except ApiError as exc:
            return TeamChange(None, f"The member was not removed: {exc.detail}")
        self._keep(team)
        return TeamChange(team, f"{name} left {team.name}.")
