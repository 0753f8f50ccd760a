"""Tables of customers, tags and saved views (services/customers.py, services/tags.py,
services/saved_views.py): who wrote a mention, across networks; the words people file mentions
under; each person's own tabs of the stream. Kept beside tables.py, on its Base."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.customer_schemas import TAG_MAX_LENGTH, VIEW_NAME_MAX_LENGTH
from app.models.enums import Network
from app.models.limits import MENTION_LIMITS
from app.models.tables import Base, BigId, _enum, utcnow

__all__ = ["Base", "Customer", "CustomerIdentity", "MentionTag", "SavedView", "TeamTags"]


class Customer(Base):
    """A person who writes to the brand: one per (network, handle) when first seen at ingest;
    a rep links identities on other networks to it (`customer_identities`). A customer linked
    into another one is deleted: its identities and mentions now belong to the other. Its
    name is the one its newest mention gives (people rename themselves), so ingest creates
    customers without reading or writing one."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerIdentity(Base):
    """One handle on one network, and whose it is. `handle_key` is the handle folded to
    lower case: "@Ana" and "@ana" on one network are one person."""

    __tablename__ = "customer_identities"
    __table_args__ = (Index("ix_customer_identities_customer", "customer_id"),)

    # The key in this order: ingest looks a batch's handles up with one `handle_key IN (…)`.
    handle_key: Mapped[str] = mapped_column(String(MENTION_LIMITS.handle), primary_key=True)
    network: Mapped[Network] = mapped_column(_enum(Network, "network"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("customers.id", ondelete="CASCADE"),
    )
    handle: Mapped[str] = mapped_column(String(MENTION_LIMITS.handle))
    display_name: Mapped[str] = mapped_column(String(MENTION_LIMITS.display_name), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MentionTag(Base):
    """A tag on a mention (folded to lower case), for the tag filter and the tags in use. The
    mention's own `tags` column holds the same list, so a mention is shown without a join."""

    __tablename__ = "mention_tags"
    __table_args__ = (Index("ix_mention_tags_tag", "tag"),)

    mention_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("mentions.id", ondelete="CASCADE"),
        primary_key=True,
    )
    tag: Mapped[str] = mapped_column(String(TAG_MAX_LENGTH), primary_key=True)


class TeamTags(Base):
    """A team's list of tags, once a manager has saved one. With `fixed` on, its mentions
    (and, for a mention with no team, its people) may carry only these tags."""

    __tablename__ = "team_tags"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class SavedView(Base):
    """One person's saved view of the stream: the console's filters (as the console wrote
    them), its sort and its columns, shown as a tab beside the built-in ones."""

    __tablename__ = "saved_views"
    __table_args__ = (Index("ix_saved_views_user", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(VIEW_NAME_MAX_LENGTH))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sort: Mapped[str] = mapped_column(String(32), default="newest")
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
