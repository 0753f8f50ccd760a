"""Storms as the team sees them: one storm (`get_storm`), its mentions (`storm_mention_ids`, of
the whole storm or of one of its groups), the storm as the API shows it (`storm_public`) and
the list (`list_storms`). Finding storms is services/storm_detector.py's work; answering one
together (claim, holding statement) builds on these functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.enums import MentionStatus, StormState
from app.models.schemas import UserRef
from app.models.storm_schemas import (
    StormGroup,
    StormPhrase,
    StormPublic,
    StormsPublic,
)
from app.models.storm_tables import Storm, StormGroupRow, StormMention
from app.models.tables import Account, Mention, User
from app.server.errors import Invalid, NotFound
from app.server.services.history import one_line

# A mention no longer waits for an answer once it is answered or resolved.
ANSWERED = (MentionStatus.REPLIED, MentionStatus.RESOLVED)
SAMPLE_CHARS = 120
# The list's states: `open` (rising or ongoing) or `all`.
LIST_STATES = ("open", "all")


def get_storm(session: Session, storm_id: int) -> Storm:
    """The storm with this id; NotFound with a sentence when there is none."""
    storm = session.get(Storm, storm_id)
    if storm is None:
        raise NotFound(f"No storm with id {storm_id}.")
    return storm


def storm_mention_ids(session: Session, storm_id: int, group_id: int | None = None) -> list[int]:
    """The storm's mentions (or those of its group `group_id`), oldest first. NotFound when the
    storm or the group does not exist."""
    get_storm(session, storm_id)
    query = select(StormMention.mention_id).where(StormMention.storm_id == storm_id)
    if group_id is not None:
        if session.get(StormGroupRow, (storm_id, group_id)) is None:
            raise NotFound(f"Storm {storm_id} has no group {group_id}.")
        query = query.where(StormMention.group_id == group_id)
    return [int(i) for i in session.scalars(query.order_by(StormMention.mention_id))]


def _phrases(stored: Sequence[dict[str, object]]) -> list[StormPhrase]:
    return [StormPhrase.model_validate(p) for p in stored]


def storm_public(session: Session, storm: Storm) -> StormPublic:
    """The storm as the API and its events show it: counts, what rose, its groups with their
    mentions, how many of them still wait for an answer."""
    members = session.execute(
        select(StormMention.mention_id, StormMention.group_id, Mention.status)
        .join(Mention, Mention.id == StormMention.mention_id)
        .where(StormMention.storm_id == storm.id)
        .order_by(StormMention.mention_id)
    ).all()
    by_group: dict[int, list[int]] = defaultdict(list)
    open_count = 0
    for mention_id, group_id, status in members:
        by_group[int(group_id)].append(int(mention_id))
        if status not in ANSWERED:
            open_count += 1
    groups_rows = session.scalars(
        select(StormGroupRow)
        .where(StormGroupRow.storm_id == storm.id)
        .order_by(StormGroupRow.group_id)
    ).all()
    samples = _samples(session, [g.sample_mention_id for g in groups_rows])
    groups = sorted(
        (
            StormGroup(
                id=g.group_id,
                label=g.label,
                count=len(by_group.get(g.group_id, [])),
                mention_ids=by_group.get(g.group_id, []),
                sample=samples.get(g.sample_mention_id or 0, ""),
            )
            for g in groups_rows
            if by_group.get(g.group_id)
        ),
        key=lambda g: (-g.count, g.id),
    )
    account = session.get(Account, storm.account_id) if storm.account_id is not None else None
    claimed_by = session.get(User, storm.claimed_by_id) if storm.claimed_by_id else None
    usual = storm.usual_per_hour
    return StormPublic(
        id=storm.id,
        kind=storm.kind,
        state=storm.state,
        account_id=storm.account_id,
        account=account.name if account is not None else None,
        started_at=storm.started_at,
        last_at=storm.last_at,
        over_at=storm.over_at,
        rate_per_hour=round(storm.rate_per_hour, 1),
        usual_per_hour=round(usual, 1),
        ratio=round(storm.rate_per_hour / usual, 1) if usual > 0 else 0.0,
        count=len(members),
        angry=storm.angry,
        open=open_count,
        phrases=_phrases(storm.phrases),
        hashtags=_phrases(storm.hashtags),
        networks=dict(storm.networks),
        languages=dict(storm.languages),
        groups=groups,
        mention_ids=[int(m[0]) for m in members],
        claimed_by=UserRef(id=claimed_by.id, name=claimed_by.name) if claimed_by else None,
        claimed_team=storm.claimed_team,
        statement=storm.statement,
    )


def _samples(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Mention.id, Mention.text).where(Mention.id.in_(wanted)))
    return {int(i): one_line(text, SAMPLE_CHARS) for i, text in rows}


def list_storms(session: Session, *, state: str, limit: int, offset: int) -> StormsPublic:
    """Storms newest first: the open ones (rising or ongoing) or all."""
    if state not in LIST_STATES:
        raise Invalid(f"state must be one of {', '.join(LIST_STATES)}, not {state!r}.")
    query = select(Storm)
    counted = select(func.count()).select_from(Storm)
    if state == "open":
        query = query.where(Storm.state != StormState.OVER)
        counted = counted.where(Storm.state != StormState.OVER)
    storms = session.scalars(
        query.order_by(Storm.started_at.desc(), Storm.id.desc()).limit(limit).offset(offset)
    ).all()
    return StormsPublic(
        data=[storm_public(session, s) for s in storms], count=int(session.scalar(counted) or 0)
    )
