"""Working on a mention together: internal notes (with @mentions of colleagues) and who is
viewing or typing on a mention."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.models.schemas import (
    NoteCreate,
    NotePublic,
    PresencePublic,
    PresencesPublic,
    PresenceUpdate,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    MentionIdPath,
    NowDep,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.services import notes as note_service
from app.server.services import presence as presence_service

router = APIRouter(tags=["working together"], responses=ERRORS)


@router.post(
    "/mentions/{mention_id}/notes", response_model=NotePublic, status_code=status.HTTP_201_CREATED
)
async def add_note(
    mention_id: MentionIdPath, body: NoteCreate, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> NotePublic:
    """Leave an internal note on a mention (plain text, never sent to any network). `@Name`
    names an active colleague (case-insensitive; the longest name wins, e.g. "@Ana Lopez"):
    their console notifies them. Every console hears `note.added` (data: `note` and `notify`,
    the ids of the users it names, the author aside); the note shows in the mention's detail
    (`notes`) and history. With `client_id`, sending the same note again (a retry) returns
    the note already added: nothing is added or told twice."""
    client_id = str(body.client_id) if body.client_id is not None else None
    return await in_write_transaction(
        db,
        lambda s: note_service.add_note(
            s, mention_id, body.body, by=user, now=now, client_id=client_id
        ),
    )


@router.post("/mentions/{mention_id}/presence", response_model=PresencePublic)
async def report_presence(
    mention_id: MentionIdPath,
    body: PresenceUpdate,
    user: CurrentUser,
    db: DatabaseDep,
    now: NowDep,
) -> PresencePublic:
    """Say you are `viewing` or `typing` on the mention, or have `left` it. Refresh the state
    every 10 s while it holds: it lapses 30 s after its last refresh (`expires_at`). Every
    console hears `presence.changed` when your state changes (a refresh says nothing)."""
    return await in_write_transaction(
        db,
        lambda s: presence_service.set_presence(s, mention_id, body.state, by=user, now=now),
    )


@router.get("/presence", response_model=PresencesPublic)
def live_presence(user: CurrentUser, session: ReadSessionDep, now: NowDep) -> PresencesPublic:
    """Every state that has not lapsed, on every mention (a console loads it on connect and
    follows `presence.changed` after)."""
    return presence_service.live_presence(session, now)
