"""Saved views: each person's own views of the stream (filters, sort, columns), kept on the
server so they follow the person to another desk. Nobody else reads or changes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.customer_schemas import (
    VIEWS_PER_USER,
    SavedViewCreate,
    SavedViewPublic,
    SavedViewsPublic,
    SavedViewUpdate,
)
from app.models.customer_tables import SavedView
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden, Invalid, NotFound


def _owner(by: Principal) -> int:
    if by.user_id is None:
        raise Forbidden("Saved views belong to a person: use a user's token.", code="not_a_user")
    return by.user_id


def _public(view: SavedView) -> SavedViewPublic:
    return SavedViewPublic(
        id=view.id,
        name=view.name,
        filters=dict(view.filters or {}),
        sort=view.sort,
        columns=list(view.columns or []),
        created_at=view.created_at,
        updated_at=view.updated_at,
    )


def list_views(session: Session, *, by: Principal) -> SavedViewsPublic:
    """The caller's views, in the order they were made (their tabs' order)."""
    views = session.scalars(
        select(SavedView).where(SavedView.user_id == _owner(by)).order_by(SavedView.id)
    ).all()
    return SavedViewsPublic(data=[_public(v) for v in views], count=len(views))


def _own_view(session: Session, view_id: int, user_id: int) -> SavedView:
    view = session.scalar(
        select(SavedView).where(SavedView.id == view_id, SavedView.user_id == user_id)
    )
    if view is None:  # someone else's view is not there for the caller either
        raise NotFound(f"You have no saved view with id {view_id}.")
    return view


def _refuse_taken_name(session: Session, user_id: int, name: str, *, but: int | None) -> None:
    query = select(SavedView.id).where(
        SavedView.user_id == user_id, func.lower(SavedView.name) == name.lower()
    )
    if but is not None:
        query = query.where(SavedView.id != but)
    if session.scalar(query) is not None:
        raise Conflict(f"You already have a view named “{name}”.", code="view_name_taken")


def create_view(
    session: Session, request: SavedViewCreate, *, by: Principal, now: datetime
) -> SavedViewPublic:
    user_id = _owner(by)
    count = session.scalar(select(func.count()).where(SavedView.user_id == user_id)) or 0
    if count >= VIEWS_PER_USER:
        raise Invalid(f"At most {VIEWS_PER_USER} saved views; delete one first.", code="too_many")
    _refuse_taken_name(session, user_id, request.name, but=None)
    view = SavedView(
        user_id=user_id,
        name=request.name,
        filters=dict(request.filters),
        sort=request.sort,
        columns=list(request.columns),
        created_at=now,
        updated_at=now,
    )
    session.add(view)
    session.flush()
    return _public(view)


def update_view(
    session: Session, view_id: int, request: SavedViewUpdate, *, by: Principal, now: datetime
) -> SavedViewPublic:
    """Rename a view or change what it shows: fields left out keep their value."""
    user_id = _owner(by)
    view = _own_view(session, view_id, user_id)
    if request.name is not None:
        _refuse_taken_name(session, user_id, request.name, but=view.id)
        view.name = request.name
    if request.filters is not None:
        view.filters = dict(request.filters)
    if request.sort is not None:
        view.sort = request.sort
    if request.columns is not None:
        view.columns = list(request.columns)
    view.updated_at = now
    session.flush()
    return _public(view)


def delete_view(session: Session, view_id: int, *, by: Principal) -> None:
    view = _own_view(session, view_id, _owner(by))
    session.delete(view)
    session.flush()
