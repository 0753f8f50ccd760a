"""Internal notes on a mention: any user leaves one; `@Name` in it names a colleague (an active
user, matched case-insensitively, the longest name winning: "@Ana Lopez" over "@Ana"), who is
notified. Notes are internal to the brand: every console hears `note.added`, and no note is
ever sent to a network. The "Mentions of me" filter finds the mentions whose notes name the
caller (`mentioned_condition`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.models.enums import EventType
from app.models.note_tables import Note, NoteMention
from app.models.schemas import NotePublic
from app.models.tables import Mention, User
from app.server.auth import Principal
from app.server.errors import Conflict, Invalid, NotFound
from app.server.event_log import record_event
from app.server.views import user_ref, users_by_id


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def named_users(body: str, users: Iterable[tuple[int, str]]) -> list[int]:
    """The ids of the users `body` @mentions, in order of first mention, each once. An `@`
    counts at the start or after a non-word character (not in "ana@example.com"); the name
    after it matches case-insensitively and must end at a word's end; of several names that
    match there, the longest wins."""
    people = sorted(((uid, name) for uid, name in users if name), key=lambda u: -len(u[1]))
    found: list[int] = []
    for at, char in enumerate(body):
        if char != "@" or (at > 0 and _is_word(body[at - 1])):
            continue
        start = at + 1
        for user_id, name in people:
            end = start + len(name)
            if body[start:end].lower() != name.lower():
                continue
            if end < len(body) and _is_word(body[end]) and _is_word(name[-1]):
                continue
            if user_id not in found:
                found.append(user_id)
            break
    return found


def note_publics(session: Session, notes: Sequence[Note]) -> list[NotePublic]:
    if not notes:
        return []
    ids = [n.id for n in notes]
    named: dict[int, list[int]] = {i: [] for i in ids}
    for note_id, user_id in session.execute(
        select(NoteMention.note_id, NoteMention.user_id)
        .where(NoteMention.note_id.in_(ids))
        .order_by(NoteMention.note_id, NoteMention.user_id)
    ):
        named[note_id].append(user_id)
    # Users are never deleted (only deactivated), so every author is found.
    authors = users_by_id(session, {n.author_id for n in notes})
    return [
        NotePublic(
            id=n.id,
            mention_id=n.mention_id,
            author=user_ref(authors[n.author_id]),
            body=n.body,
            created_at=n.created_at,
            client_id=n.client_id,
            mentioned_user_ids=named[n.id],
        )
        for n in notes
    ]


def notes_of(session: Session, mention_id: int) -> list[NotePublic]:
    """A mention's notes, oldest first (read as a conversation)."""
    notes = session.scalars(
        select(Note).where(Note.mention_id == mention_id).order_by(Note.created_at, Note.id)
    ).all()
    return note_publics(session, notes)


def add_note(
    session: Session,
    mention_id: int,
    body: str,
    *,
    by: Principal,
    now: datetime,
    client_id: str | None = None,
) -> NotePublic:
    """Add a note and tell every console (`note.added`, with `notify`: the users it names,
    the author aside). A `client_id` the author used before returns that note, unchanged
    and untold again (a console's retry after a lost answer)."""
    assert by.user_id is not None
    if not body.strip():
        raise Invalid("A note must not be blank.")
    require_mention(session, mention_id)
    if client_id is not None:
        known = session.scalar(
            select(Note).where(Note.author_id == by.user_id, Note.client_id == client_id)
        )
        if known is not None:
            if known.mention_id != mention_id:
                raise Conflict(
                    "This note id was used for a note on another mention.", code="note_id_taken"
                )
            return note_publics(session, [known])[0]
    people = session.execute(select(User.id, User.name).where(User.active.is_(True))).all()
    named = named_users(body, ((row.id, row.name) for row in people))
    note = Note(
        mention_id=mention_id,
        author_id=by.user_id,
        body=body,
        client_id=client_id,
        created_at=now,
    )
    session.add(note)
    session.flush()
    session.add_all(NoteMention(note_id=note.id, user_id=user_id) for user_id in named)
    session.flush()
    public = note_publics(session, [note])[0]
    record_event(
        session,
        EventType.NOTE_ADDED,
        {
            "note": public.model_dump(mode="json"),
            "notify": [user_id for user_id in public.mentioned_user_ids if user_id != by.user_id],
        },
        at=now,
        mention_id=mention_id,
        actor_id=by.user_id,
    )
    return public


def mentioned_condition(user_id: int) -> ColumnElement[bool]:
    """Mentions with a note that @mentions `user_id` (the "Mentions of me" filter)."""
    return Mention.id.in_(
        select(Note.mention_id)
        .join(NoteMention, NoteMention.note_id == Note.id)
        .where(NoteMention.user_id == user_id)
    )


def require_mention(session: Session, mention_id: int) -> None:
    """404 unless the mention exists (without loading it)."""
    if session.scalar(select(Mention.id).where(Mention.id == mention_id)) is None:
        raise NotFound(f"No mention with id {mention_id}.")
