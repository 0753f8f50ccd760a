"""Wire schemas of routing and response-time targets (`/teams/{id}/routing`,
`/teams/{id}/sla`) and of the response-time report. Same families as `app.models.schemas`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt

from app.models.enums import Network, PriorityLevel, RoutingMode
from app.models.schemas import Strict, Text, UserRef

MAX_CAPACITY = 1000
MAX_TARGET_MINUTES = 30 * 24 * 60

_Language = Annotated[Text, Field(min_length=1, max_length=16)]
_Keyword = Annotated[Text, Field(min_length=1, max_length=80)]
_Minutes = Annotated[StrictInt, Field(ge=1, le=MAX_TARGET_MINUTES)]


class RoutingPublic(BaseModel):
    """A team's routing. `saved` False: nobody has saved one yet, so the team routes nothing
    (these are the defaults a save starts from)."""

    team_id: int
    team: str
    saved: bool
    mode: RoutingMode
    capacity: int = Field(description="Open mentions each person may hold before new ones wait.")
    languages: list[str] = Field(description="Language codes (en, de, pt); empty: any.")
    networks: list[Network] = Field(description="Empty: any network.")
    keywords: list[str] = Field(description="Words found at the start of a word; empty: any.")
    priorities: list[PriorityLevel] = Field(description="Priority levels; empty: any.")
    updated_at: datetime | None = None
    updated_by: UserRef | None = None


class RoutingUpdate(Strict):
    """A change of a team's routing: fields left out keep their value."""

    mode: RoutingMode | None = None
    capacity: StrictInt | None = Field(default=None, ge=1, le=MAX_CAPACITY)
    languages: list[_Language] | None = Field(default=None, max_length=50)
    networks: list[Network] | None = Field(default=None, max_length=20)
    keywords: list[_Keyword] | None = Field(default=None, max_length=200)
    priorities: list[PriorityLevel] | None = Field(default=None, max_length=4)


class ResponseTargetsPublic(BaseModel):
    """A team's first-response targets in minutes per priority level (a level left out has
    none), counted in the team's rota hours when it has a rota."""

    team_id: int
    team: str
    first_response_minutes: dict[PriorityLevel, int]
    time_zone: str
    rota_hours: bool = Field(description="Counted in the rota's hours (else around the clock).")
    updated_at: datetime | None = None
    updated_by: UserRef | None = None


class ResponseTargetsUpdate(Strict):
    first_response_minutes: dict[PriorityLevel, _Minutes] = Field(max_length=4)


class AttainmentDay(BaseModel):
    """One team's day (in its time zone): mentions that arrived that day with a target, how
    many were answered in time, how many missed it; still open and not yet due: neither."""

    team_id: int
    team: str
    day: date
    due: int
    met: int
    missed: int
    attainment: float | None = Field(description="met / (met + missed); None with neither.")
