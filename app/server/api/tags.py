"""Tags: a mention's tags, every tag to offer while typing, and a team's tag list (fixed or
not). Anyone tags; managers set a team's list."""

from __future__ import annotations

from fastapi import APIRouter

from app.models.customer_schemas import TagsPublic, TagsUpdate, TeamTagsPublic, TeamTagsUpdate
from app.models.schemas import MentionPublic
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    ManagerUser,
    MentionIdPath,
    NowDep,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.services import tags as service

router = APIRouter(tags=["tags"], responses=ERRORS)


@router.put("/mentions/{mention_id}/tags", response_model=MentionPublic)
async def set_tags(
    mention_id: MentionIdPath, body: TagsUpdate, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> MentionPublic:
    """Replace the mention's tags (each 1 … 40 characters once trimmed, stored in lower case,
    at most 20; `[]` takes them all off). When its team (or, for a mention with no team, the
    caller's team) has a fixed list, a tag not on it is refused with 422 naming it
    (`tag_not_on_list`). Consoles hear `mention.updated` (action `tagged`)."""
    return await in_write_transaction(
        db, lambda s: service.set_tags(s, mention_id, body.tags, by=user, now=now)
    )


@router.get("/tags", response_model=TagsPublic)
def tags_offered(_user: CurrentUser, session: ReadSessionDep) -> TagsPublic:
    """Every tag in use and every team's list: what a console offers while someone types."""
    return service.tags_offered(session)


@router.get("/teams/{team_id}/tags", response_model=TeamTagsPublic)
def read_team_tags(team_id: IdPath, _user: CurrentUser, session: ReadSessionDep) -> TeamTagsPublic:
    return service.get_team_tags(session, team_id)


@router.put("/teams/{team_id}/tags", response_model=TeamTagsPublic)
async def set_team_tags(
    team_id: IdPath, body: TeamTagsUpdate, user: ManagerUser, db: DatabaseDep, now: NowDep
) -> TeamTagsPublic:
    """Replace the team's tag list. `fixed` on: the team's mentions may be given only these
    tags (tags they already carry stay)."""
    return await in_write_transaction(
        db, lambda s: service.set_team_tags(s, team_id, body, by=user, now=now)
    )
