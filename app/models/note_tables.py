"""The tables of working on a mention together (services/notes.py, services/presence.py):
internal notes with the users they @mention, and who is viewing or typing on a mention. Kept
beside tables.py, on its Base."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.tables import Base, BigId, utcnow

__all__ = ["Base", "Note", "NoteMention", "Presence"]


class Note(Base):
    """A note a colleague left on a mention: internal to the brand, never sent to a network."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_mention_id", "mention_id", "id"),
        # A console's retry of a note whose answer it lost adds nothing (services/notes.py).
        Index("ux_notes_author_client_id", "author_id", "client_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mention_id: Mapped[int] = mapped_column(BigId, ForeignKey("mentions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoteMention(Base):
    """A user a note @mentions (the "Mentions of me" filter reads it by user)."""

    __tablename__ = "note_mentions"
    __table_args__ = (Index("ix_note_mentions_user_id", "user_id"),)

    note_id: Mapped[int] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class Presence(Base):
    """A user's live state on a mention (`viewing` or `typing`); it lapses at `expires_at`,
    30 s after the console last refreshed it. A row, not process memory: several server
    processes answer the same consoles. Lapsed rows are deleted by the upkeep."""

    __tablename__ = "presence"
    __table_args__ = (Index("ix_presence_expires_at", "expires_at"),)

    mention_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16))
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(default=utcnow)
