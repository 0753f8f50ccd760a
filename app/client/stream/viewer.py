"""Who is looking at the stream: what the "mine", "my team" and "handed to me" filters need. Apart
from the session so that the window can be built before the session's code is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models.schemas import UserPublic


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: what the "mine", "my team" and "handed to me" filters need."""

    user: UserPublic | None
    team_member_ids: frozenset[int]
    handed_to_me: frozenset[int]

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None
