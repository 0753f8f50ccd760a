"""A team's tag list as a manager edits it: the teams, one team's list, saving it. Answers in
the manager's world: a sentence when offline or refused, never a raise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError
from app.models.customer_schemas import TeamTagsPublic, TeamTagsUpdate


@dataclass(frozen=True, slots=True)
class TagListOutcome:
    tags: TeamTagsPublic | None
    message: str


class TeamTagLists:
    def __init__(self, api: ResponderApi) -> None:
        self._api = api

    async def teams(self) -> list[tuple[int, str]] | None:
        """(id, name) of every team, by name; None when they cannot be read now."""
        try:
            teams = await self._api.teams()
        except ApiError:
            return None
        return sorted(((t.id, t.name) for t in teams.data), key=lambda t: t[1].lower())

    async def load(self, team_id: int) -> TagListOutcome:
        try:
            return TagListOutcome(await self._api.team_tags(team_id), "")
        except ApiError as exc:
            return TagListOutcome(None, exc.detail)

    async def save(self, team_id: int, fixed: bool, tags: Sequence[str]) -> TagListOutcome:
        try:
            update = TeamTagsUpdate(fixed=fixed, tags=list(tags))
        except ValidationError as exc:
            return TagListOutcome(None, str(exc.errors()[0].get("msg", exc)))
        try:
            saved = await self._api.set_team_tags(team_id, update)
        except ApiError as exc:
            return TagListOutcome(None, exc.detail)
        kind = "fixed list" if saved.fixed else "suggested tags"
        return TagListOutcome(saved, f"Saved the {saved.team} team's {kind} ({len(saved.tags)}).")
