"""Internal notes on mentions (with the users they @mention) and who is viewing or typing on
a mention.

Revision ID: 0020_notes_presence
Revises: 0019_customers_tags_views
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_notes_presence"
down_revision: str | None = "0019_customers_tags_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_MENTION_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", _MENTION_ID, nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notes_mention_id", "notes", ["mention_id", "id"])
    op.create_index("ux_notes_author_client_id", "notes", ["author_id", "client_id"], unique=True)
    op.create_table(
        "note_mentions",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["note_id"], ["notes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("note_id", "user_id"),
    )
    op.create_index("ix_note_mentions_user_id", "note_mentions", ["user_id"])
    op.create_table(
        "presence",
        sa.Column("mention_id", _MENTION_ID, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("mention_id", "user_id"),
    )
    op.create_index("ix_presence_expires_at", "presence", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_presence_expires_at", table_name="presence")
    op.drop_table("presence")
    op.drop_index("ix_note_mentions_user_id", table_name="note_mentions")
    op.drop_table("note_mentions")
    op.drop_index("ux_notes_author_client_id", table_name="notes")
    op.drop_index("ix_notes_mention_id", table_name="notes")
    op.drop_table("notes")
