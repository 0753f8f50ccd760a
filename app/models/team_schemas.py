"""Wire schemas of the team around the mentions: teams and their rota, the roster, follow-ups
and the manager overview's history. Same families as `app.models.schemas`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictInt

from app.models.enums import Duty, Role
from app.models.routing_schemas import AttainmentDay
from app.models.schemas import Id, MentionPublic, Strict, Text, UserRef

# --- teams and rota ----------------------------------------------------------------------------

_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_HHMM_END = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


class TeamCreate(Strict):
    name: Text = Field(min_length=1, max_length=80)
    description: Text = Field(default="", max_length=300)
    time_zone: Text = Field(default="UTC", max_length=64, description="IANA zone of the rota.")
    escalate_after_minutes: StrictInt = Field(default=15, ge=1, le=7 * 24 * 60)


class TeamUpdate(Strict):
    """Admins rename and describe; managers set the escalation time and the time zone."""

    name: Text | None = Field(default=None, min_length=1, max_length=80)
    description: Text | None = Field(default=None, max_length=300)
    time_zone: Text | None = Field(default=None, max_length=64)
    escalate_after_minutes: StrictInt | None = Field(default=None, ge=1, le=7 * 24 * 60)


class TeamMembersUpdate(Strict):
    user_ids: list[Id] = Field(max_length=1000)


class TeamPublic(BaseModel):
    id: int
    name: str
    description: str
    time_zone: str
    escalate_after_minutes: int
    members: list[UserRef]
    created_at: datetime


class TeamsPublic(BaseModel):
    data: list[TeamPublic]
    count: int


class RotaShiftCreate(Strict):
    weekday: StrictInt = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday (local).")
    start: str = Field(pattern=_HHMM, description="Local start time HH:MM.")
    end: str = Field(
        pattern=_HHMM_END, description="Local end time HH:MM (24:00 allowed); ≤ start: next day."
    )
    user_id: Id


class RotaUpdate(Strict):
    """Replaces the team's whole weekly rota (an empty list switches the rota off)."""

    time_zone: Text | None = Field(default=None, max_length=64)
    shifts: list[RotaShiftCreate] = Field(max_length=1000)


class RotaShiftPublic(BaseModel):
    weekday: int
    start: str
    end: str
    user: UserRef


class RotaPublic(BaseModel):
    team_id: int
    team: str
    time_zone: str
    shifts: list[RotaShiftPublic]
    on_rota_now: list[UserRef] = Field(description="Who the rota puts on duty at this moment.")


class RosterMember(BaseModel):
    user: UserRef
    role: Role
    duty: Duty
    since: datetime


class RosterTeam(BaseModel):
    team_id: int | None = Field(description="Null for the people in no team.")
    team: str | None
    on_duty: list[RosterMember]
    away: list[RosterMember]
    off_duty: list[RosterMember]
    has_rota: bool = False


class RosterPublic(BaseModel):
    at: datetime
    teams: list[RosterTeam]


# --- the manager overview: history of first responses and duty coverage -----------------------


class ResponseTimeBucket(BaseModel):
    """First-response times of the mentions that arrived in [start, end): from a mention's
    `created_at` to its first sent reply. `p90_seconds` is the nearest-rank 90th percentile."""

    start: datetime
    end: datetime
    answered: int
    unanswered: int = Field(description="Mentions that arrived then and have no sent reply yet.")
    median_seconds: float | None
    p90_seconds: float | None


class CoverageTeamHour(BaseModel):
    team: str
    on_duty: int = Field(description="Members of the team on duty at some moment of the hour.")


class CoverageHour(BaseModel):
    start: datetime
    on_duty: int = Field(description="People on duty at some moment of the hour.")
    covered_minutes: float = Field(description="Minutes of the hour with someone on duty.")
    gap: bool = Field(description="Nobody was on duty at any moment of the hour.")
    teams: list[CoverageTeamHour]


class OverviewPublic(BaseModel):
    """`GET /api/v1/overview?days=N`: the window is whole UTC days, the last one ending now.
    `coverage` (and `gap_hours`) start with the hour the server began (`started_at`), not
    before: a new server shows its first hours, not a week with nobody on duty."""

    at: datetime
    since: datetime
    started_at: datetime | None = Field(
        default=None,
        description="When the server began (its first user or event): coverage starts there.",
    )
    days: int
    response_by_day: list[ResponseTimeBucket]
    response_by_hour: list[ResponseTimeBucket] = Field(description="The last 24 hours.")
    coverage: list[CoverageHour]
    gap_hours: int
    response_targets: list[AttainmentDay] = Field(
        default_factory=list,
        description="Each team's first-response target attainment per day in its time zone.",
    )


class FollowupPublic(BaseModel):
    mention: MentionPublic
    due_at: datetime
    due: bool
    owner: UserRef | None


class FollowupsPublic(BaseModel):
    data: list[FollowupPublic]
    count: int
