"""Wire schemas of the reply composer's server resources: synced drafts, canned replies and the
playbook, and the per-team cool-off. Same families as `schemas.py` (Create/Update/Public)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, StrictBool, StrictInt

from app.models.enums import Role
from app.models.schemas import MAX_COOL_OFF_SECONDS as MAX_COOL_OFF_SECONDS
from app.models.schemas import Count, Public, Strict, Text

DEFAULT_COOL_OFF_SECONDS = 20
DEFAULT_HEATED_COOL_OFF_SECONDS = 60


# --- drafts ----------------------------------------------------------------------------------


class DraftUpdate(Strict):
    """Save the caller's draft of a reply to one mention.

    `base_revision` is the revision this copy was last synced at (0 for a draft the server has
    never seen). If the server holds a newer revision, nothing is overwritten: this copy is kept
    beside it as the `conflict` and the rep is asked. `resolves_conflict` (sent after the rep
    chose) replaces both with this body."""

    body: Text = Field(max_length=10_000)
    base_revision: Count
    device: Text = Field(default="", max_length=120)
    resolves_conflict: StrictBool = False


class DraftCopy(BaseModel):
    body: str
    device: str
    at: datetime


class DraftPublic(Public):
    mention_id: int
    user_id: int
    body: str
    revision: int
    device: str
    updated_at: datetime
    saved: bool = Field(
        default=True, description="False when this save conflicted and was kept as `conflict`."
    )
    conflict: DraftCopy | None = Field(
        default=None, description="A second copy saved against an older revision: ask the rep."
    )


# --- canned replies and the playbook ---------------------------------------------------------


class CannedKind(StrEnum):
    CANNED = "canned"  # a ready sentence or reply
    PLAYBOOK = "playbook"  # a pre-approved action the rep may take (and say so)


class CannedCreate(Strict):
    kind: CannedKind = CannedKind.CANNED
    title: Text = Field(min_length=1, max_length=120)
    body: Text = Field(min_length=1, max_length=5000)
    role: Role | None = Field(default=None, description="Only for this role; null: every role.")
    team: Text | None = Field(
        default=None, max_length=80, description="Only for this team; null: every team."
    )
    shortcut: Text = Field(default="", max_length=16)
    position: StrictInt = Field(default=0, ge=0, le=10_000)


class CannedUpdate(Strict):
    kind: CannedKind | None = None
    title: Text | None = Field(default=None, min_length=1, max_length=120)
    body: Text | None = Field(default=None, min_length=1, max_length=5000)
    role: Role | None = None
    team: Text | None = Field(default=None, max_length=80)
    shortcut: Text | None = Field(default=None, max_length=16)
    position: StrictInt | None = Field(default=None, ge=0, le=10_000)
    everyone: StrictBool = Field(
        default=False, description="Clear `role` and `team`: the entry is for everyone."
    )


class CannedPublic(BaseModel):
    id: int
    kind: CannedKind
    title: str
    body: str
    role: Role | None
    team: str | None
    shortcut: str
    position: int
    updated_at: datetime


class CannedsPublic(BaseModel):
    data: list[CannedPublic]
    count: int


# --- cool-off --------------------------------------------------------------------------------


class CoolOffUpdate(Strict):
    seconds: StrictInt = Field(ge=0, le=MAX_COOL_OFF_SECONDS)
    heated_seconds: StrictInt = Field(ge=0, le=MAX_COOL_OFF_SECONDS)
    approval_required: StrictBool | None = Field(
        default=None, description="Absent: as it was (a new team's setting starts off)."
    )


class CoolOffPublic(BaseModel):
    """The pause between Send and a reply leaving. `heated_seconds` applies when the draft has
    heat or blame or the customer's mention is hostile (never shorter than `seconds`).
    `approval_required`: a rep's reply that promises beyond their authority (a refund,
    compensation, a guarantee, an admission of liability) needs a manager's approval first
    (`POST /approvals`); the caller's effective setting is on when any of their teams has it."""

    team_id: int | None = Field(description="Null: the caller's effective setting.")
    team: str | None = None
    seconds: int = DEFAULT_COOL_OFF_SECONDS
    heated_seconds: int = DEFAULT_HEATED_COOL_OFF_SECONDS
    approval_required: bool = False


# --- the brand accounts a reply can go out as ------------------------------------------------


class ReplyAccountPublic(BaseModel):
    """A brand account as the composer names it ("replying as …"): no state, no secret."""

    id: int
    network: str
    name: str


class ReplyAccountsPublic(BaseModel):
    data: list[ReplyAccountPublic]
    count: int
