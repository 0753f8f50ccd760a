"""Wire schemas of the public API (pydantic). One family per resource:
`XCreate` (request), `XPublic` (response), `XsPublic{data,count}` (lists). Secrets never appear."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StrictBool,
    StrictInt,
    UrlConstraints,
    ValidationInfo,
    field_validator,
)

from app.models.enums import (
    Duty,
    EventType,
    HandoffStatus,
    MentionStatus,
    Network,
    ReplyStatus,
    Role,
    Severity,
)
from app.models.external_ids import external_id_problem
from app.models.limits import MENTION_LIMITS

# --- what a request may carry ----------------------------------------------------------------
# Integers end where the database's columns end (PostgreSQL `integer` at 2^31−1, `bigint` and
# SQLite at 2^63−1) and are JSON integers only (no `true`, no `1.0`, no "1"); text never carries
# NUL, which PostgreSQL cannot store and SQLite would: it is taken out on both, the same way.

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def _without_nul(value: object) -> object:
    return value.replace("\x00", "") if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_without_nul)]
"""Any text a request carries: NUL characters are removed before the length rules apply."""

Id = Annotated[StrictInt, Field(ge=1, le=INT32_MAX)]
"""The id of a user, team, handoff, broadcast or canned reply (PostgreSQL `integer`)."""

BigId = Annotated[StrictInt, Field(ge=1, lt=INT64_MAX + 1)]
"""The id of a mention or a reply (`bigint`). Bounded with `lt`: the OpenAPI spec writes bounds
as floats, and 2^63 is exact as a float where 2^63−1 is not."""

Version = Annotated[StrictInt, Field(ge=1, le=INT32_MAX)]
"""A mention's version, as the caller saw it."""

Count = Annotated[StrictInt, Field(ge=0, le=INT32_MAX)]
"""A non-negative number kept in an `integer` column (followers, a draft's revision)."""


def follower_count(value: object) -> int | None:
    """A network's follower count as `Author.followers` takes it: None unless a JSON integer
    in 0 … 2^31−1 (a connector keeps the mention when a network sends something odd)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT32_MAX:
        return value
    return None


class Strict(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- health and errors -----------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    database: str
    last_event_id: int


class ErrorBody(BaseModel):
    """Every 4xx carries `detail`: a sentence that says what was wrong."""

    detail: str
    code: str | None = None
    current_owner: UserRef | None = None
    current_version: int | None = None
    # A 409 about a mention: its status now, so a console can say what changed meanwhile.
    current_status: MentionStatus | None = None


# --- users, duty, coverage -------------------------------------------------------------------


class UserRef(Public):
    id: int
    name: str


class UserCreate(Strict):
    name: Text = Field(min_length=1, max_length=120)
    role: Role = Role.REP
    teams: list[Text] = Field(default_factory=list, max_length=20)


class UserPublic(Public):
    id: int
    name: str
    role: Role
    duty: Duty
    duty_since: datetime
    teams: list[str] = Field(default_factory=list)


class UserCreated(UserPublic):
    token: str = Field(description="The user's bearer token. Shown this once; stored hashed.")


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class DutyUpdate(Strict):
    duty: Duty


# --- user administration: revoking tokens, deactivating, changing a role (ACCESS) ------------


class UserUpdate(Strict):
    """What an admin changes about a user; fields left out stay as they are."""

    active: StrictBool | None = Field(
        default=None, description="false deactivates the user (and revokes their tokens)."
    )
    role: Role | None = None


class TokensRevoked(BaseModel):
    user_id: int
    name: str
    revoked: int = Field(description="How many live tokens were revoked.")


# --- end of user administration ---------------------------------------------------------------


class CoverageTeam(BaseModel):
    team: str | None = Field(description="Team name; null for people in no team.")
    on_duty: list[UserRef]
    away: list[UserRef]


class CoveragePublic(BaseModel):
    covered: bool
    level: Literal["covered", "thin", "nobody"]
    on_duty: list[UserRef]
    teams: list[CoverageTeam]
    managers_on_duty: list[UserRef]


# --- mentions --------------------------------------------------------------------------------


class Author(BaseModel):
    handle: Text = Field(min_length=1, max_length=MENTION_LIMITS.handle)
    display_name: Text = Field(default="", max_length=MENTION_LIMITS.display_name)
    url: Text | None = Field(default=None, max_length=MENTION_LIMITS.author_url)
    followers: Count | None = None


class MentionCreate(Strict):
    """One mention pushed through the webhook (or produced by a connector). `external_id`
    (and `in_reply_to_external_id`) must look like a post id of `network`
    (app/models/external_ids.py): `422` otherwise."""

    network: Network
    # Before the ids: whether they must be demo ids (see `_post_id_of_the_network`).
    is_demo: StrictBool = False
    external_id: Text = Field(min_length=1, max_length=MENTION_LIMITS.external_id)
    author: Author
    text: Text = Field(max_length=MENTION_LIMITS.text)
    url: Annotated[HttpUrl, UrlConstraints(max_length=MENTION_LIMITS.url)] | None = None
    created_at: datetime | None = None
    language: Text | None = Field(default=None, max_length=MENTION_LIMITS.language)
    in_reply_to_external_id: Text | None = Field(
        default=None, max_length=MENTION_LIMITS.external_id
    )
    thread_key: Text | None = Field(default=None, max_length=MENTION_LIMITS.thread_key)
    visibility: Literal["public", "unlisted", "private", "direct"] | None = None

    @field_validator("created_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        # The API's times are UTC: one without a zone is read as UTC; one that has no UTC
        # equivalent (0001-01-01T00:00+01:00) is refused here rather than by the database.
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise ValueError("The time is out of range once written in UTC.") from exc

    @field_validator("external_id", "in_reply_to_external_id")
    @classmethod
    def _post_id_of_the_network(cls, value: str | None, info: ValidationInfo) -> str | None:
        network = info.data.get("network")
        if value is None or not isinstance(network, Network):
            return value  # no network: that error is reported on its own
        problem = external_id_problem(network, value, is_demo=bool(info.data.get("is_demo")))
        if problem is not None:
            raise ValueError(problem)
        return value


class MentionSla(BaseModel):
    """An open mention's first-response clock (its team's target for its priority)."""

    due_at: datetime
    breached: bool = Field(description="The server has announced it missed (sla.breached).")


class MentionPublic(Public):
    id: int
    network: Network
    external_id: str
    account_id: int | None = None
    author: Author
    text: str
    url: str | None
    created_at: datetime
    ingested_at: datetime
    updated_at: datetime
    status: MentionStatus
    assignee_id: int | None
    assignee: UserRef | None = None
    version: int
    priority: float
    sentiment: float
    risk_words: list[str]
    language: str | None = None
    visibility: str | None = None
    in_reply_to_external_id: str | None = None
    thread_key: str | None = None
    snoozed_until: datetime | None = None
    resolved_at: datetime | None = None
    follow_up_at: datetime | None = None
    is_demo: bool = False
    team_id: int | None = Field(
        default=None, description="The team whose routing rules the mention matched."
    )
    routed_reason: str | None = Field(
        default=None, description="Why routing gave the mention to its owner, or kept it waiting."
    )
    sla: MentionSla | None = Field(
        default=None,
        description="Its first-response clock while it is open and its team has a target.",
    )
    customer_id: int | None = Field(
        default=None, description="Who wrote it: GET /customers/{id} (one per network and handle)."
    )
    tags: list[str] = Field(default_factory=list, description="Its tags, in lower case.")


class MentionsPublic(BaseModel):
    data: list[MentionPublic]
    count: int = Field(description="Total matching the filter, before pagination.")
    next_cursor: str | None = None


class IngestResult(BaseModel):
    created: list[int]
    duplicates: list[int]


class ClaimRequest(Strict):
    version: Version


class VersionedRequest(Strict):
    """Release, snooze and resolve carry the version the caller acted on: a stale one is
    refused with 409 (the current owner, version and status). The console always sends it;
    other tools may leave it out (the public contract names only `follow_up_in_days`), and
    then the action applies to the mention as it is."""

    version: Version | None = None


class ResolveRequest(VersionedRequest):
    follow_up_in_days: StrictInt | None = Field(default=None, ge=0, le=365)


class SnoozeRequest(VersionedRequest):
    until: datetime | None = None
    minutes: StrictInt | None = Field(default=None, ge=1, le=60 * 24 * 30)


class AssignRequest(Strict):
    user_id: Id | None
    version: Version | None = None


# --- replies ---------------------------------------------------------------------------------


MAX_COOL_OFF_SECONDS = 30 * 60
"""The longest cool-off a team can set, and the longest a reply may ask to be held."""


class ReplyCreate(Strict):
    """`cool_off_seconds`: how long the console asks the server to hold the reply before it
    leaves (its countdown's time left). The server holds it at least the rep's team cool-off
    (`GET /cool-off` `seconds`) from when it arrives, whatever is asked; absent: just that."""

    client_id: UUID
    body: Text = Field(max_length=10_000)
    base_version: Version
    force: StrictBool = False
    cool_off_seconds: StrictInt | None = Field(default=None, ge=0, le=MAX_COOL_OFF_SECONDS)
    approval_id: Id | None = Field(
        default=None,
        description="An approved request (`POST /approvals`) for this body: needed when the "
        "body promises beyond a rep's authority and their team requires approval (else 403 "
        "`needs_approval`).",
    )


class ReplyUpdate(Strict):
    """A queued reply's new text. `cool_off_seconds`: hold it at least this long from now
    (the console asks for more when the new text has heat or blame); the countdown never
    shortens and never restarts."""

    body: Text = Field(max_length=10_000)
    cool_off_seconds: StrictInt | None = Field(default=None, ge=0, le=MAX_COOL_OFF_SECONDS)
    approval_id: Id | None = Field(
        default=None, description="As for a new reply: the approval of the new text, if needed."
    )


class ReplyPublic(Public):
    id: int
    client_id: str
    mention_id: int
    author: UserRef
    body: str
    status: ReplyStatus
    external_id: str | None = None
    external_url: str | None = None
    error: str | None = None
    created_at: datetime
    sent_at: datetime | None = None
    due_at: datetime | None = Field(
        default=None,
        description="While queued: when the server sends it (its cool-off, or a retry after "
        "a failed attempt); null otherwise.",
    )
    due_in_seconds: float | None = Field(
        default=None,
        description="While queued: seconds from this answer (or event) until `due_at`, so a "
        "console can count down without trusting its own clock; null otherwise.",
    )


# --- brand accounts --------------------------------------------------------------------------


class AccountPublic(Public):
    """A brand account as the API shows it: never its secret (`secret_ref` only names it).
    `state`: `ok`, `degraded` (trouble being ridden out, reason in `error`) or `error`
    (ingest stopped until a person fixes it, message in `error`)."""

    id: int
    network: Network
    name: str
    base_url: str
    secret_ref: str
    enabled: bool
    state: str
    error: str | None = None
    error_at: datetime | None = None
    cursor: str | None = None
    last_ingest_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class AccountsPublic(BaseModel):
    data: list[AccountPublic]
    count: int


# --- handoffs --------------------------------------------------------------------------------


class HandoffCreate(Strict):
    mention_id: BigId
    to_user_id: Id | None = None
    to_team: Text | None = Field(default=None, max_length=80)
    note: Text = Field(default="", max_length=4000)


class HandoffDecline(Strict):
    reason: Text = Field(min_length=1, max_length=2000)


class HandoffPublic(Public):
    id: int
    mention_id: int
    from_user: UserRef
    to_user: UserRef | None
    to_team: str | None
    note: str
    status: HandoffStatus
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
    decided_by: UserRef | None = None
    escalated_at: datetime | None = None
    escalated_to: UserRef | None = None
    to_team_id: int | None = None
    waiting_seconds: float | None = Field(
        default=None, description="How long it waited: until decided, else until now."
    )


class HandoffsPublic(BaseModel):
    data: list[HandoffPublic]
    count: int


# --- broadcasts ------------------------------------------------------------------------------


class BroadcastCreate(Strict):
    text: Text = Field(min_length=1, max_length=4000)
    severity: Severity = Severity.INFO


class BroadcastAckPublic(BaseModel):
    user: UserRef
    acked_at: datetime


class BroadcastPublic(BaseModel):
    id: int
    author: UserRef
    text: str
    severity: Severity
    created_at: datetime
    acks: list[BroadcastAckPublic]
    pending: list[UserRef] = Field(description="On-duty users who have not acknowledged yet.")


class BroadcastsPublic(BaseModel):
    data: list[BroadcastPublic]
    count: int


# --- mention detail --------------------------------------------------------------------------


class HistoryEntry(BaseModel):
    event_id: int
    type: EventType
    actor: UserRef | None
    at: datetime
    summary: str


class ReplyVia(BaseModel):
    """The brand account a reply to a mention goes out as."""

    account_id: int
    account: str = Field(description="The brand account's name.")
    network: Network


# --- working together: notes and presence (services/notes.py, services/presence.py) ----------

NOTE_LENGTH = 2000


class NoteCreate(Strict):
    """An internal note (plain text): `@Name` names a colleague, who is notified. Never sent
    to any network."""

    body: Text = Field(min_length=1, max_length=NOTE_LENGTH)
    client_id: UUID | None = Field(
        default=None,
        description="The console's id for the note: sent again (a retry after a lost answer), "
        "the note already added is returned and nothing is added twice.",
    )


class NotePublic(BaseModel):
    id: int
    mention_id: int
    author: UserRef
    body: str
    created_at: datetime
    client_id: str | None = None
    mentioned_user_ids: list[int] = Field(
        default_factory=list, description="The active users the note @mentions by name."
    )


class PresenceState(StrEnum):
    VIEWING = "viewing"
    TYPING = "typing"
    LEFT = "left"  # no longer there (the answer's `expires_at` is now)


class PresenceUpdate(Strict):
    """What the caller is doing on the mention. Refresh it every 10 s while it holds: a state
    lapses 30 s after its last refresh."""

    state: PresenceState


class PresencePublic(BaseModel):
    mention_id: int
    user: UserRef
    state: PresenceState
    expires_at: datetime = Field(description="When the state lapses unless refreshed.")


class PresencesPublic(BaseModel):
    data: list[PresencePublic]
    count: int


class MentionDetail(MentionPublic):
    thread: list[MentionPublic] = Field(description="Other mentions of the same conversation.")
    replies: list[ReplyPublic]
    handoffs: list[HandoffPublic]
    history: list[HistoryEntry]
    reply_via: ReplyVia | None = Field(
        default=None,
        description="The brand account a reply would go out as; null: no connected brand "
        "account can answer this mention (see `reply_unavailable`).",
    )
    reply_unavailable: str | None = Field(
        default=None,
        description="Why no reply can be sent from here and where to answer instead (the "
        "sentence `POST /mentions/{id}/replies` refuses with); null when `reply_via` is set.",
    )
    reply_on_site_url: str | None = Field(
        default=None,
        description="Where to answer the mention by hand when `reply_via` is null (its link).",
    )
    notes: list[NotePublic] = Field(
        default_factory=list, description="Internal notes, oldest first (a conversation)."
    )
    presence: list[PresencePublic] = Field(
        default_factory=list, description="Who is viewing or typing on it now."
    )


# --- events ----------------------------------------------------------------------------------


class EventPublic(BaseModel):
    """What `data:` of one server-sent event carries (its `id:` and `event:` repeat id and type)."""

    id: int
    type: EventType
    at: datetime
    actor_id: int | None = None
    mention_id: int | None = None
    payload: dict[str, Any]


ErrorBody.model_rebuild()
