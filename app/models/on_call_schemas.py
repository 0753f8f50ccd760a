"""Wire schemas of on-call paging (services/on_call.py): each team's on-call order, a person's
paging settings (where pages reach them, their quiet hours) and the pages themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from app.models.enums import PageState
from app.models.schemas import Id, Strict, Text, UserRef

_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class QuietHours(Strict):
    """Local times (in the person's time zone) between which pages skip this person; an end
    at or before the start runs past midnight."""

    start: str = Field(pattern=_HHMM, description="Local start HH:MM.")
    end: str = Field(pattern=_HHMM, description="Local end HH:MM; ≤ start: the next morning.")


class PagingUpdate(Strict):
    """`PUT /api/v1/users/me/paging`: where my pages go and when they must not wake me."""

    urls: list[Text] = Field(
        default_factory=list,
        max_length=5,
        description="Notifier URLs (e-mail, chat, SMS gateways, push), as the notifier reads them.",
    )
    quiet_hours: QuietHours | None = None
    time_zone: Text | None = Field(
        default=None, max_length=64, description="IANA zone; None: my first team's zone."
    )


class PagingPublic(BaseModel):
    urls: list[str]  # each shown masked: its scheme and host, never a password or a token
    quiet_hours: QuietHours | None
    time_zone: str
    quiet_now: bool


class OnCallUpdate(Strict):
    """`PUT /api/v1/teams/{id}/on-call` (managers): the order pages follow; an empty list
    goes back to the order the rota gives."""

    user_ids: list[Id] = Field(default_factory=list, max_length=50)
    escalate_after_minutes: StrictInt | None = Field(
        default=None, ge=1, le=24 * 60, description="Minutes before a page passes on; None: keep."
    )


class OnCallPublic(BaseModel):
    team_id: int
    team: str
    order: list[UserRef]
    source: Literal["rota", "manual"]
    escalate_after_minutes: int


class PagedMention(BaseModel):
    id: int
    author: str
    excerpt: str


class PagePublic(BaseModel):
    id: int
    team: str | None  # None: the overall order (no team named the mention)
    user: UserRef  # the person paged
    step: int  # 1: the first on-call person
    state: PageState
    sent_at: datetime
    escalates_at: datetime | None  # when it passes on if nobody acknowledges it
    acknowledged_at: datetime | None = None
    acknowledged_by: UserRef | None = None
    took_watch: bool = False
    mentions: list[PagedMention]
    count: int  # how many urgent mentions the page is about (it names a few)
    text: str  # what the page says


class PagesPublic(BaseModel):
    data: list[PagePublic]
    count: int


class PageAck(Strict):
    """`POST /api/v1/pages/{id}/ack`: I have it; `take_watch` also puts me on duty."""

    take_watch: StrictBool = False
