"""Tags on mentions: setting a mention's tags (`set_tags`) or adding some (`add_tags`, what a
bulk tag does), a team's tag list and whether it is fixed, and every tag to offer while typing.

A tag is compared and stored folded to lower case (app/models/customer_schemas.py). Which
list applies to a mention: its team's (routing gave it one), else the lists of the teams of
the person tagging. A fixed list refuses tags it does not hold — only tags the mention does not
carry yet, so a tag given before the list was fixed can still be kept or taken off."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.models.customer_schemas import (
    TAGS_PER_MENTION,
    TagCount,
    TagsPublic,
    TeamTagsPublic,
    TeamTagsUpdate,
    clean_tags,
)
from app.models.customer_tables import MentionTag, TeamTags
from app.models.schemas import MentionPublic
from app.models.tables import Mention, Team, TeamMember, User
from app.server.auth import Principal
from app.server.errors import Forbidden, Invalid
from app.server.services.mention_changes import mark_changed
from app.server.services.mentions import get_mention
from app.server.services.teams import get_team
from app.server.views import mention_public, user_ref

TAGS_OFFERED = 1000


def set_tags(
    session: Session, mention_id: int, tags: Sequence[str], *, by: Principal, now: datetime
) -> MentionPublic:
    """Give the mention exactly these tags (folded; at most 20): `mention.updated` with
    action `tagged` when they changed. 404 for no such mention; 422 for a bad tag or one a
    fixed list does not hold (named)."""
    return _retag(session, mention_id, cleaned_tags(tags), by=by, now=now, keep=False)


def add_tags(
    session: Session, mention_id: int, tags: Sequence[str], *, by: Principal, now: datetime
) -> MentionPublic:
    """Add these tags to the ones the mention has (a bulk tag): same rules as `set_tags`,
    and the result must still be at most 20."""
    return _retag(session, mention_id, cleaned_tags(tags), by=by, now=now, keep=True)


def cleaned_tags(tags: Sequence[str]) -> list[str]:
    try:
        return clean_tags(tags)
    except ValueError as exc:
        raise Invalid(str(exc), code="bad_tag") from None


def _retag(
    session: Session,
    mention_id: int,
    tags: list[str],
    *,
    by: Principal,
    now: datetime,
    keep: bool,
) -> MentionPublic:
    mention = get_mention(session, mention_id, for_update=True)
    if retag_locked(session, mention, tags, by=by, keep=keep) is None:
        return mention_public(mention)
    return mark_changed(session, mention, "tagged", by=by, now=now)


def retag_locked(
    session: Session, mention: Mention, tags: list[str], *, by: Principal, keep: bool
) -> str | None:
    """Give a mention whose row the caller holds locked these tags (`keep`: added to its
    own); the action its `mention.updated` records, or None when nothing changed. Refuses
    before it changes anything (bulk tagging, services/bulk.py, relies on that)."""
    before = list(mention.tags or [])
    wanted = list(dict.fromkeys([*before, *tags])) if keep else tags
    if len(wanted) > TAGS_PER_MENTION:
        raise Invalid(f"A mention carries at most 20 tags ({len(wanted)} asked).", code="bad_tag")
    added = [tag for tag in wanted if tag not in before]
    _check_fixed(session, mention, added, by)
    if wanted == before:
        return None
    removed = [tag for tag in before if tag not in wanted]
    if removed:
        session.execute(
            delete(MentionTag).where(
                MentionTag.mention_id == mention.id, MentionTag.tag.in_(removed)
            )
        )
    if added:
        session.execute(insert(MentionTag), [{"mention_id": mention.id, "tag": t} for t in added])
    mention.tags = wanted
    return "tagged"


def allowed_tags(session: Session, mention: Mention, by: Principal) -> set[str] | None:
    """The tags a fixed list allows on this mention, or None when any tag is allowed."""
    if mention.team_id is not None:
        row = session.get(TeamTags, mention.team_id)
        return set(row.tags) if row is not None and row.fixed else None
    if by.user_id is None:
        return None
    rows = session.scalars(
        select(TeamTags).where(
            TeamTags.fixed.is_(True),
            TeamTags.team_id.in_(
                select(TeamMember.team_id).where(TeamMember.user_id == by.user_id)
            ),
        )
    ).all()
    if not rows:
        return None
    return {tag for row in rows for tag in row.tags}


def _check_fixed(session: Session, mention: Mention, added: Iterable[str], by: Principal) -> None:
    added = list(added)
    if not added:
        return
    allowed = allowed_tags(session, mention, by)
    if allowed is None:
        return
    outside = [tag for tag in added if tag not in allowed]
    if outside:
        names = ", ".join(f"“{tag}”" for tag in outside)
        raise Invalid(
            f"Not on the team's tag list: {names}. Pick from the list, or ask a manager "
            "to add them.",
            code="tag_not_on_list",
        )


# --- a team's list ---------------------------------------------------------------------------


def _team_tags_public(session: Session, team: Team, row: TeamTags | None) -> TeamTagsPublic:
    updated_by = (
        session.get(User, row.updated_by_id)
        if row is not None and row.updated_by_id is not None
        else None
    )
    return TeamTagsPublic(
        team_id=team.id,
        team=team.name,
        saved=row is not None,
        fixed=row.fixed if row is not None else False,
        tags=list(row.tags) if row is not None else [],
        updated_at=row.updated_at if row is not None else None,
        updated_by=user_ref(updated_by) if updated_by is not None else None,
    )


def get_team_tags(session: Session, team_id: int) -> TeamTagsPublic:
    team = get_team(session, team_id)
    return _team_tags_public(session, team, session.get(TeamTags, team_id))


def set_team_tags(
    session: Session, team_id: int, request: TeamTagsUpdate, *, by: Principal, now: datetime
) -> TeamTagsPublic:
    """Replace the team's tag list (managers). Tags already on mentions stay."""
    if by.role is None or not by.role.is_manager:
        raise Forbidden("Only a manager can change a team's tag list.", code="role")
    team = get_team(session, team_id, for_update=True)
    row = session.get(TeamTags, team_id, with_for_update=True)
    if row is None:
        row = TeamTags(team_id=team_id)
        session.add(row)
    row.fixed = request.fixed
    row.tags = list(request.tags)
    row.updated_at = now
    row.updated_by_id = by.user_id
    session.flush()
    return _team_tags_public(session, team, row)


def tags_offered(session: Session) -> TagsPublic:
    """Every tag in use (most used first, the first thousand) and every team's saved list."""
    used = session.execute(
        select(MentionTag.tag, func.count())
        .group_by(MentionTag.tag)
        .order_by(func.count().desc(), MentionTag.tag)
        .limit(TAGS_OFFERED)
    ).all()
    rows = session.execute(select(TeamTags, Team).join(Team, Team.id == TeamTags.team_id)).all()
    lists = [_team_tags_public(session, team, row) for row, team in rows]
    every = {tag for tag, _count in used} | {tag for tags in lists for tag in tags.tags}
    return TagsPublic(
        tags=sorted(every),
        in_use=[TagCount(tag=tag, count=int(count)) for tag, count in used],
        lists=sorted(lists, key=lambda t: t.team.lower()),
    )
