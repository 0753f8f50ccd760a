"""Wire schemas of storms (services/storms.py): spikes of volume or anger against the usual
level for that hour of the week, per brand account and overall, the phrases that rose, the
storm's groups of near-duplicate mentions, and answering a storm together."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictBool

from app.models.enums import StormKind, StormState
from app.models.schemas import Id, Strict, Text, UserRef


class StormPhrase(BaseModel):
    text: str  # a phrase or a hashtag ("#refund")
    count: int  # mentions that carry it in the storm's window
    usual: float  # how many such a window usually has


class StormGroup(BaseModel):
    id: int  # stable within its storm
    label: str  # what the group is about: its top phrase, else its first mention's excerpt
    count: int
    mention_ids: list[int]
    sample: str  # one mention's excerpt


class StormPublic(BaseModel):
    id: int
    kind: StormKind
    state: StormState
    account_id: int | None  # None: all brand accounts together
    account: str | None
    started_at: datetime
    last_at: datetime
    over_at: datetime | None = None
    rate_per_hour: float  # what arrives now
    usual_per_hour: float  # what usually arrives in that hour of the week
    ratio: float
    count: int  # mentions in the storm
    angry: int
    open: int  # of them not yet answered or resolved
    phrases: list[StormPhrase]
    hashtags: list[StormPhrase]
    networks: dict[str, int]
    languages: dict[str, int]
    groups: list[StormGroup]
    mention_ids: list[int]
    claimed_by: UserRef | None = None
    claimed_team: str | None = None
    statement: str | None = None  # the last holding statement sent


class StormsPublic(BaseModel):
    data: list[StormPublic]
    count: int


class StormClaim(Strict):
    """`POST /api/v1/storms/{id}/claim`: every open, unowned mention of the storm (or of one
    of its groups) for the caller — or, managers only, for `user_id`, or shared round-robin
    among a team's members on duty."""

    user_id: Id | None = None
    team: Text | None = Field(default=None, max_length=120)
    group_id: Id | None = None


class StormSkipped(BaseModel):
    id: int
    owner: UserRef | None
    reason: str


class StormClaimResult(BaseModel):
    storm: StormPublic
    claimed: list[int]
    skipped: list[StormSkipped]


class StormReply(Strict):
    """`POST /api/v1/storms/{id}/reply`: the holding statement as one reply to each open
    mention of the storm (or group) that is the caller's or nobody's; `{name}` becomes the
    customer's name. Each reply goes through the cool-off and the sender's pacing."""

    text: Text = Field(min_length=1, max_length=5000)
    group_id: Id | None = None
    broadcast: StrictBool = True  # also to the team, so phone and e-mail say the same


class StormReplyResult(BaseModel):
    storm: StormPublic
    replies: list[int]  # the queued replies' ids
    skipped: list[StormSkipped]
    broadcast_id: int | None


class StormProgress(BaseModel):
    """`GET /api/v1/storms/{id}/progress`: the holding statement's replies so far."""

    storm_id: int
    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    next_at: datetime | None  # when the next one is due to go (pacing, cool-off)
