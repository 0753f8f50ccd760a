"""The manager's reply library: canned replies, the playbook and each team's cool-off as the
editor sees them, and the edits sent to the server. Qt-free; every refusal is the server's
`ApiError` (its `detail` is the sentence the dialog shows). `changed` fires after each saved
edit so the console's composer can reload what it offers."""

from __future__ import annotations

from dataclasses import dataclass

from app.client.connection.api import ResponderApi
from app.client.hooks import Hook
from app.models.composer import (
    CannedCreate,
    CannedKind,
    CannedPublic,
    CannedUpdate,
    CoolOffPublic,
    CoolOffUpdate,
)
from app.models.enums import Role

KIND_WORDS = {CannedKind.CANNED: "Canned reply", CannedKind.PLAYBOOK: "Playbook action"}


@dataclass(frozen=True)
class LibraryEntry:
    """What the editor's form holds for one canned reply or playbook entry."""

    kind: CannedKind
    title: str
    body: str
    role: Role | None = None
    team: str | None = None

    def problem(self) -> str | None:
        """A sentence when the form cannot be saved as it is (before asking the server)."""
        if not self.title.strip():
            return "Give the entry a title."
        if not self.body.strip():
            return "Write the text the rep inserts."
        return None


@dataclass(frozen=True)
class LibraryContents:
    entries: list[CannedPublic]
    teams: list[tuple[int, str]]  # (id, name), in the server's order
    cool_offs: dict[int, CoolOffPublic]  # team id → its setting (defaults when never set)


def scope_words(entry: CannedPublic) -> str:
    """ "everyone", "reps", "team Support", "reps of team Support"."""
    who = f"{entry.role.value}s" if entry.role is not None else ""
    if entry.team is not None:
        return f"{who} of team {entry.team}" if who else f"team {entry.team}"
    return who or "everyone"


class ReplyLibrary:
    """Reads and edits the server's canned replies, playbook and team cool-offs."""

    def __init__(self, api: ResponderApi) -> None:
        self.api = api
        self.changed: Hook[None] = Hook()

    async def load(self) -> LibraryContents:
        canned = await self.api.canned()
        teams = [(t.id, t.name) for t in (await self.api.teams()).data]
        cool_offs = {team_id: await self.api.team_cool_off(team_id) for team_id, _ in teams}
        return LibraryContents(canned.data, teams, cool_offs)

    async def create(self, entry: LibraryEntry) -> CannedPublic:
        saved = await self.api.create_canned(
            CannedCreate(
                kind=entry.kind,
                title=entry.title.strip(),
                body=entry.body,
                role=entry.role,
                team=entry.team,
            )
        )
        self.changed.emit(None)
        return saved

    async def update(self, canned_id: int, entry: LibraryEntry) -> CannedPublic:
        # `everyone` clears the scope first, so narrowing and widening are one request.
        saved = await self.api.update_canned(
            canned_id,
            CannedUpdate(
                kind=entry.kind,
                title=entry.title.strip(),
                body=entry.body,
                role=entry.role,
                team=entry.team,
                everyone=True,
            ),
        )
        self.changed.emit(None)
        return saved

    async def delete(self, canned_id: int) -> None:
        await self.api.delete_canned(canned_id)
        self.changed.emit(None)

    async def set_cool_off(
        self,
        team_id: int,
        seconds: int,
        heated_seconds: int,
        approval_required: bool | None = None,
    ) -> CoolOffPublic:
        """`approval_required`: a rep's reply beyond their authority needs a manager's
        approval (None: as it was)."""
        update = CoolOffUpdate(
            seconds=seconds, heated_seconds=heated_seconds, approval_required=approval_required
        )
        saved = await self.api.set_team_cool_off(team_id, update)
        self.changed.emit(None)
        return saved
