"""Customers (one per network and handle, linked across networks), tags on mentions, a
team's fixed tag list and each user's saved views.

Existing mentions get their customers here: one per network and handle (folded to lower case
as ingest folds it, app/models/customer_schemas.py).

Revision ID: 0019_customers_tags_views
Revises: 0018_routing_targets
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.models.customer_schemas import handle_key

revision: str = "0019_customers_tags_views"
down_revision: str | None = "0018_routing_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 1000
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _network_enum() -> sa.Enum:
    return sa.Enum(
        "mastodon",
        "bluesky",
        "x",
        "feed",
        "webhook",
        "demo",
        name="network",
        native_enum=False,
        create_constraint=False,
        length=32,
    )


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "customer_identities",
        sa.Column("handle_key", sa.String(length=200), nullable=False),
        sa.Column("network", _network_enum(), nullable=False),
        sa.Column("customer_id", _BIG_ID, nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("handle_key", "network"),
    )
    op.create_index("ix_customer_identities_customer", "customer_identities", ["customer_id"])
    op.create_table(
        "mention_tags",
        sa.Column("mention_id", _BIG_ID, nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("mention_id", "tag"),
    )
    op.create_index("ix_mention_tags_tag", "mention_tags", ["tag"])
    op.create_table(
        "team_tags",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("fixed", sa.Boolean(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("sort", sa.String(length=32), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_views_user", "saved_views", ["user_id"])
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("customer_id", _BIG_ID, nullable=True))
        batch.add_column(
            sa.Column("tags", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.create_foreign_key(
            "fk_mentions_customer_id_customers",
            "customers",
            ["customer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_mentions_customer", ["customer_id", "created_at"])
    _backfill_customers()


def _backfill_customers() -> None:
    """One customer per (network, folded handle) of the mentions stored so far, and every
    mention linked to its customer. Handles are folded here in Python, as ingest folds them
    (SQL's lower() folds only ASCII on SQLite)."""
    bind = op.get_bind()
    newest = sa.text(
        "SELECT m.network, m.author_handle, m.author_display_name, g.first_at "
        "FROM mentions m JOIN ("
        "  SELECT max(id) AS last_id, min(created_at) AS first_at FROM mentions"
        "  GROUP BY network, author_handle"
        ") g ON g.last_id = m.id ORDER BY m.id DESC"
    )
    customers: dict[tuple[str, str], int] = {}
    customer_rows: list[dict[str, Any]] = []
    identity_rows: list[dict[str, Any]] = []
    by_handle: list[dict[str, Any]] = []
    for network, handle, display_name, first_at in bind.execute(newest):
        key = (str(network), handle_key(str(handle)))
        customer_id = customers.get(key)
        if customer_id is None:  # the newest spelling of the handle names the customer
            customer_id = customers[key] = len(customers) + 1
            customer_rows.append({"id": customer_id, "created_at": first_at})
            identity_rows.append(
                {
                    "network": key[0],
                    "handle_key": key[1],
                    "customer_id": customer_id,
                    "handle": handle,
                    "display_name": display_name or "",
                    "created_at": first_at,
                }
            )
        by_handle.append({"network": key[0], "author_handle": handle, "customer_id": customer_id})
    if not customers:
        return
    meta = sa.MetaData()
    customer_table = sa.Table(
        "customers",
        meta,
        sa.Column("id", _BIG_ID),
        sa.Column("created_at"),  # passed on as the database gave it
    )
    identity_table = sa.Table(
        "customer_identities",
        meta,
        sa.Column("network", sa.String()),
        sa.Column("handle_key", sa.String()),
        sa.Column("customer_id", _BIG_ID),
        sa.Column("handle", sa.String()),
        sa.Column("display_name", sa.String()),
        sa.Column("created_at"),
    )
    backfill = op.create_table(
        "customer_backfill",
        sa.Column("network", sa.String(length=32), nullable=False),
        sa.Column("author_handle", sa.String(length=200), nullable=False),
        sa.Column("customer_id", _BIG_ID, nullable=False),
        sa.PrimaryKeyConstraint("network", "author_handle"),
    )
    for table, rows in (
        (customer_table, customer_rows),
        (identity_table, identity_rows),
        (backfill, by_handle),
    ):
        for start in range(0, len(rows), _CHUNK):
            bind.execute(table.insert(), rows[start : start + _CHUNK])
    bind.execute(
        sa.text(
            "UPDATE mentions SET customer_id = (SELECT b.customer_id FROM customer_backfill b "
            "WHERE b.network = mentions.network AND b.author_handle = mentions.author_handle)"
        )
    )
    op.drop_table("customer_backfill")
    if bind.dialect.name == "postgresql":  # ids were given here: the sequence goes on after
        bind.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('customers', 'id'), "
                "(SELECT max(id) FROM customers))"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_index("ix_mentions_customer")
        batch.drop_constraint("fk_mentions_customer_id_customers", type_="foreignkey")
        batch.drop_column("tags")
        batch.drop_column("customer_id")
    op.drop_index("ix_saved_views_user", table_name="saved_views")
    op.drop_table("saved_views")
    op.drop_table("team_tags")
    op.drop_index("ix_mention_tags_tag", table_name="mention_tags")
    op.drop_table("mention_tags")
    op.drop_index("ix_customer_identities_customer", table_name="customer_identities")
    op.drop_table("customer_identities")
    op.drop_table("customers")
