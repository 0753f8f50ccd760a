"""Internal notes on mentions (with the users they @mention) and who is viewing or typing on
a mention.

Revision ID: 0020_notes_presence
Revises: 0019_customers_tags_views
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0020_notes_presence"
down_revision: str | None = "0019_customers_tags_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
