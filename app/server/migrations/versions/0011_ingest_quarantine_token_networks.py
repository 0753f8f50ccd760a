"""Ingest at the edges: quarantined items (what an account's ingest received but could not
store, with the reason) and the networks an ingest token may post mentions as.

Revision ID: 0011_quarantine
Revises: 0010_composer
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_quarantine"
down_revision: str | None = "0010_composer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NETWORKS = ("mastodon", "bluesky", "x", "feed", "webhook", "demo")


def upgrade() -> None:
    op.create_table(
        "quarantined_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("account_name", sa.String(length=120), nullable=False),
        sa.Column(
            "network",
            sa.Enum(*_NETWORKS, name="network", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["dismissed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_quarantined_items_received_at", "quarantined_items", ["received_at"], unique=False
    )
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("networks", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("networks")
    op.drop_index("ix_quarantined_items_received_at", table_name="quarantined_items")
    op.drop_table("quarantined_items")
