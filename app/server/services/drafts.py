"""Drafts synced per mention and per user, so a rep can continue on another workstation.

Every save moves the draft's `revision` on. A save against an older revision than the server
holds (two workstations typing apart, one of them offline) never overwrites: the server keeps
it beside the stored copy as the `conflict`, and both copies go back to the rep to choose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models.composer import DraftCopy, DraftPublic, DraftUpdate
from app.models.tables import ReplyDraft
from app.server.auth import Principal
from app.server.errors import NotFound
from app.server.services.mentions import get_mention


def draft_public(draft: ReplyDraft, *, saved: bool = True) -> DraftPublic:
    conflict = None
    if draft.conflict_body is not None and draft.conflict_at is not None:
        conflict = DraftCopy(
            body=draft.conflict_body, device=draft.conflict_device or "", at=draft.conflict_at
        )
    return DraftPublic(
        mention_id=draft.mention_id,
        user_id=draft.user_id,
        body=draft.body,
        revision=draft.revision,
        device=draft.device,
        updated_at=draft.updated_at,
        saved=saved,
        conflict=conflict,
    )


def _stored(session: Session, mention_id: int, user_id: int, *, lock: bool) -> ReplyDraft | None:
    query = select(ReplyDraft).where(
        ReplyDraft.mention_id == mention_id, ReplyDraft.user_id == user_id
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def read_draft(session: Session, mention_id: int, *, by: Principal) -> DraftPublic:
    assert by.user_id is not None
    get_mention(session, mention_id)
    draft = _stored(session, mention_id, by.user_id, lock=False)
    if draft is None:
        raise NotFound(f"You have no saved draft for mention {mention_id}.", code="no_draft")
    return draft_public(draft)


def save_draft(
    session: Session, mention_id: int, request: DraftUpdate, *, by: Principal, now: datetime
) -> DraftPublic:
    """Save the caller's draft; a stale save is kept as the conflict copy (`saved` false)."""
    assert by.user_id is not None
    get_mention(session, mention_id, for_update=True)  # serialises saves of one mention
    draft = _stored(session, mention_id, by.user_id, lock=True)
    if draft is None:
        draft = ReplyDraft(
            mention_id=mention_id,
            user_id=by.user_id,
            body=request.body,
            revision=1,
            device=request.device,
            updated_at=now,
        )
        session.add(draft)
        session.flush()
        return draft_public(draft)
    if request.base_revision != draft.revision and not request.resolves_conflict:
        if request.body == draft.body:
            return draft_public(draft)  # the same text reached the server twice: no conflict
        draft.conflict_body = request.body
        draft.conflict_device = request.device
        draft.conflict_at = now
        session.flush()
        return draft_public(draft, saved=False)
    if request.resolves_conflict:
        draft.conflict_body = None
        draft.conflict_device = None
        draft.conflict_at = None
    draft.body = request.body
    draft.device = request.device
    draft.revision += 1
    draft.updated_at = now
    session.flush()
    return draft_public(draft)


def delete_draft(session: Session, mention_id: int, *, by: Principal) -> None:
    """The reply went out (or the rep threw the draft away): forget every copy."""
    assert by.user_id is not None
    session.execute(
        delete(ReplyDraft).where(
            ReplyDraft.mention_id == mention_id, ReplyDraft.user_id == by.user_id
        )
    )
