"""Wire schemas of customers (`/customers/{id}`), tags (`/mentions/{id}/tags`, `/tags`,
`/teams/{id}/tags`) and saved views (`/me/views`), and the two folding rules they share with
ingest and the migration: how a handle and a tag are compared. Same families as
`app.models.schemas`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator

from app.models.enums import Network
from app.models.schemas import (
    BigId,
    HandoffPublic,
    MentionPublic,
    NotePublic,
    ReplyPublic,
    Strict,
    Text,
    UserRef,
)

TAG_MAX_LENGTH = 40
TAGS_PER_MENTION = 20
TAGS_PER_TEAM = 500
VIEW_NAME_MAX_LENGTH = 60
VIEWS_PER_USER = 50


def handle_key(handle: str) -> str:
    """A handle as customers are told apart: "@Ana" and "@ana " on one network are one."""
    return handle.strip().lower()


def fold_tag(tag: str) -> str:
    """A tag as stored and compared: trimmed, inner spaces made one, lower case."""
    return " ".join(tag.split()).lower()


def clean_tags(tags: Iterable[str], *, most: int = TAGS_PER_MENTION) -> list[str]:
    """Tags folded (`fold_tag`) and without repeats, in the order given; a ValueError names
    what is wrong (empty, longer than 40 characters, more than `most`)."""
    cleaned: dict[str, None] = {}
    for raw in tags:
        tag = fold_tag(raw)
        if not tag:
            raise ValueError("A tag cannot be empty.")
        if len(tag) > TAG_MAX_LENGTH:
            raise ValueError(f"A tag has at most {TAG_MAX_LENGTH} characters: {tag[:40]!r}…")
        cleaned[tag] = None
    if len(cleaned) > most:
        raise ValueError(f"At most {most} tags, not {len(cleaned)}.")
    return list(cleaned)


_RawTag = Annotated[Text, Field(max_length=200)]


# --- tags ------------------------------------------------------------------------------------


class TagsUpdate(Strict):
    """A mention's tags, replacing the ones it has: each 1 … 40 characters once trimmed,
    compared in lower case (stored so), at most 20."""

    tags: list[_RawTag] = Field(max_length=100)

    @field_validator("tags")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        return clean_tags(value)


class TeamTagsUpdate(Strict):
    """A team's tag list. `fixed` on: its mentions may carry only these tags."""

    fixed: StrictBool
    tags: list[_RawTag] = Field(max_length=TAGS_PER_TEAM)

    @field_validator("tags")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        return clean_tags(value, most=TAGS_PER_TEAM)


class TeamTagsPublic(BaseModel):
    """A team's tag list (`saved` False: nobody has saved one; the team's tags are free)."""

    team_id: int
    team: str
    saved: bool
    fixed: bool = Field(description="Only these tags on the team's mentions.")
    tags: list[str]
    updated_at: datetime | None = None
    updated_by: UserRef | None = None


class TagCount(BaseModel):
    tag: str
    count: int = Field(description="How many mentions carry it.")


class TagsPublic(BaseModel):
    """Every tag to offer while typing: the ones in use and the teams' lists."""

    tags: list[str] = Field(description="Every tag in use or on a team's list, sorted.")
    in_use: list[TagCount] = Field(description="Tags on mentions, most used first.")
    lists: list[TeamTagsPublic] = Field(description="The teams' saved tag lists.")


# --- customers -------------------------------------------------------------------------------


class CustomerIdentityPublic(BaseModel):
    network: Network
    handle: str
    display_name: str


class CustomerPublic(BaseModel):
    """A customer with everything the brand has had with them, newest first."""

    id: int
    display_name: str
    identities: list[CustomerIdentityPublic]
    language: str | None = Field(description="The language of their newest mention that has one.")
    reach: int | None = Field(
        description="Followers, summed over their identities (each as last seen); null if unknown."
    )
    mentions: list[MentionPublic] = Field(description="Their mentions, newest first.")
    replies: list[ReplyPublic] = Field(description="The brand's replies to them, newest first.")
    notes: list[NotePublic] = Field(description="Internal notes on their mentions, newest first.")
    open_handoffs: list[HandoffPublic] = Field(
        description="Handoffs of their mentions still waiting for an answer, newest first."
    )


class CustomerLink(Strict):
    """Another customer to merge into this one: their identities and mentions move here."""

    customer_id: BigId


class CustomerLinked(BaseModel):
    """The `customer.linked` event and the link's answer."""

    customer_id: int
    merged_id: int
    moved_mentions: int


# --- saved views -----------------------------------------------------------------------------

_FilterKey = Annotated[Text, Field(min_length=1, max_length=40)]
_FilterText = Annotated[Text, Field(max_length=200)]
FilterValue = _FilterText | StrictInt | StrictBool | list[_FilterText] | None
_Column = Annotated[Text, Field(min_length=1, max_length=40)]
_ViewName = Annotated[Text, Field(min_length=1, max_length=VIEW_NAME_MAX_LENGTH)]
_Sort = Annotated[Text, Field(min_length=1, max_length=32)]


class SavedViewCreate(Strict):
    """A view of the stream to keep as a tab: the console's filters as it writes them
    (`status`, `assignee`, `network`, `q`, `tag`, `mentioned`, …), its sort and its columns."""

    name: _ViewName
    filters: dict[_FilterKey, FilterValue] = Field(default_factory=dict, max_length=20)
    sort: _Sort = "newest"
    columns: list[_Column] = Field(default_factory=list, max_length=30)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise ValueError("A view needs a name.")
        return name


class SavedViewUpdate(Strict):
    """A change of a saved view: fields left out keep their value."""

    name: _ViewName | None = None
    filters: dict[_FilterKey, FilterValue] | None = Field(default=None, max_length=20)
    sort: _Sort | None = None
    columns: list[_Column] | None = Field(default=None, max_length=30)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = " ".join(value.split())
        if not name:
            raise ValueError("A view needs a name.")
        return name


class SavedViewPublic(BaseModel):
    id: int
    name: str
    filters: dict[str, FilterValue]
    sort: str
    columns: list[str]
    created_at: datetime
    updated_at: datetime


class SavedViewsPublic(BaseModel):
    data: list[SavedViewPublic]
    count: int
