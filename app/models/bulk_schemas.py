"""Wire schemas of bulk actions (POST /mentions/bulk, services/bulk.py): one action on many
mentions, each done as its single call would do it, and one answer per mention."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt

from app.models.enums import MentionStatus
from app.models.schemas import (
    INT64_MAX,
    Id,
    MentionPublic,
    Strict,
    Text,
    UserRef,
    Version,
)

MOST_IN_ONE_REQUEST = 500
"""Mentions one bulk request may name."""


class BulkAction(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    RESOLVE = "resolve"
    TAG = "tag"
    ASSIGN = "assign"
    HANDOFF = "handoff"


# JSON object keys are strings: a mention id as a key is read from its digits.
_MentionIdKey = Annotated[int, Field(ge=1, lt=INT64_MAX + 1)]
_MentionId = Annotated[StrictInt, Field(ge=1, lt=INT64_MAX + 1)]


class BulkRequest(Strict):
    """One action on each of `mention_ids`, as its single call does it (same rules, same
    events), each mention on its own: one refused changes nothing of it nor of the others."""

    action: BulkAction
    mention_ids: list[_MentionId] = Field(
        min_length=1,
        max_length=MOST_IN_ONE_REQUEST,
        description="1 … 500 mention ids; a repeated id is done once.",
    )
    versions: dict[_MentionIdKey, Version] | None = Field(
        default=None,
        max_length=MOST_IN_ONE_REQUEST,
        description='The version the caller saw of each mention (`{"17": 3}`): a mention '
        "that moved on since is refused (409) and left as it is. Claim without one takes "
        "the mention as it is now (if nobody else has it).",
    )
    tags: list[Annotated[Text, Field(min_length=1, max_length=40)]] | None = Field(
        default=None, max_length=20, description="tag: the tags added to each mention."
    )
    user_id: Id | None = Field(
        default=None, description="assign (managers): the new owner; null unassigns."
    )
    to_user_id: Id | None = Field(default=None, description="handoff: to this person…")
    to_team: Text | None = Field(default=None, max_length=80, description="…or to this team.")
    note: Text = Field(default="", max_length=4000, description="handoff: the note.")
    follow_up_in_days: StrictInt | None = Field(
        default=None, ge=0, le=365, description="resolve: check back in this many days."
    )


class BulkOutcome(StrEnum):
    """Why a mention was left as it was, by the kind of the single call's refusal."""

    CONFLICT = "conflict"  # 409: someone else has it, or it changed meanwhile
    FORBIDDEN = "forbidden"  # 403: not yours to change
    NOT_FOUND = "not_found"  # 404
    INVALID = "invalid"  # 422: the request does not fit this mention
    BUSY = "busy"  # the database was busy or away: not tried, nothing changed


class BulkItemResult(BaseModel):
    mention_id: int
    ok: bool
    code: BulkOutcome | None = Field(
        default=None, description="null when done; else the kind of refusal."
    )
    reason: str | None = Field(
        default=None,
        description="The single call's own error code (`not_owner`, `claim_lost`, "
        "`stale_version`, `already_resolved`, …).",
    )
    message: str | None = Field(default=None, description="The single call's sentence.")
    current_owner: UserRef | None = Field(
        default=None, description="Refused: who holds the mention now (null: nobody)."
    )
    current_status: MentionStatus | None = None
    mention: MentionPublic | None = Field(
        default=None,
        description="Done: the mention as changed. Refused: the mention as it is now "
        "(null when there is no such mention).",
    )


class BulkResult(BaseModel):
    action: BulkAction
    results: list[BulkItemResult] = Field(description="One per mention, in the request's order.")
    succeeded: int
    conflicted: int = Field(
        description="Left as they were because of a colleague or a change meanwhile: 409s, "
        "and 403s for a mention someone else owns (`reason` `not_owner`)."
    )
    failed: int = Field(description="Left as they were for any other reason.")
