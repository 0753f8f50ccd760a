"""Tables of routing and response-time targets (services/routing.py, services/sla.py): how a
team's new mentions reach its people, and how soon each priority must be answered. Kept
beside tables.py, on its Base."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.models.enums import RoutingMode
from app.models.tables import Base, _enum, utcnow

__all__ = ["Base", "TeamResponseTargets", "TeamRouting"]


class TeamRouting(Base):
    """A team's routing, once a manager has saved it (no row: the team routes nothing).
    A new mention belongs to the team when it matches every list that is not empty
    (`languages`, `networks`, `keywords`: any one of them; `priorities`: its level); with
    every list empty the team takes any mention no more particular team matched. `mode`
    says who gets it; `capacity` is how many open mentions each person may hold before new
    ones wait. `last_user_id`: whom round robin gave the last one to."""

    __tablename__ = "team_routing"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[RoutingMode] = mapped_column(
        _enum(RoutingMode, "routing_mode"), default=RoutingMode.MANUAL
    )
    capacity: Mapped[int] = mapped_column(Integer, default=10)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    networks: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    priorities: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class TeamResponseTargets(Base):
    """A team's first-response targets in minutes per priority level (`urgent`, `high`,
    `normal`, `low`; a level left out has none), counted in the team's rota hours when it has
    a rota, else around the clock."""

    __tablename__ = "team_response_targets"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    first_response_minutes: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
