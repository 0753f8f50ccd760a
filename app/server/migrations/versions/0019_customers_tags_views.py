"""Customers (one per network and handle, linked across networks), tags on mentions, a
team's fixed tag list and each user's saved views.

Revision ID: 0019_customers_tags_views
Revises: 0018_routing_targets
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0019_customers_tags_views"
down_revision: str | None = "0018_routing_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
