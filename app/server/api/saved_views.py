"""Saved views: the caller's own views of the stream (filters, sort, columns), shown by the
console as tabs beside the built-in ones."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.models.customer_schemas import (
    SavedViewCreate,
    SavedViewPublic,
    SavedViewsPublic,
    SavedViewUpdate,
)
from app.server.api.deps import ERRORS, CurrentUser, DatabaseDep, IdPath, NowDep, ReadSessionDep
from app.server.api.transaction import in_write_transaction
from app.server.services import saved_views as service

router = APIRouter(prefix="/me/views", tags=["saved views"], responses=ERRORS)


@router.get("", response_model=SavedViewsPublic)
def list_views(user: CurrentUser, session: ReadSessionDep) -> SavedViewsPublic:
    """The caller's saved views, oldest first."""
    return service.list_views(session, by=user)


@router.post("", response_model=SavedViewPublic, status_code=status.HTTP_201_CREATED)
async def create_view(
    body: SavedViewCreate, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> SavedViewPublic:
    """Save a view (at most 50; a name the caller already uses is 409 `view_name_taken`).
    `filters` is kept as the console wrote it (`status`, `assignee`, `network`, `q`, `tag`,
    `mentioned`, …: text, numbers, true/false or lists of text)."""
    return await in_write_transaction(db, lambda s: service.create_view(s, body, by=user, now=now))


@router.put("/{view_id}", response_model=SavedViewPublic)
async def update_view(
    view_id: IdPath, body: SavedViewUpdate, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> SavedViewPublic:
    """Rename a view or change what it shows (fields left out keep their value); another
    person's view is 404."""
    return await in_write_transaction(
        db, lambda s: service.update_view(s, view_id, body, by=user, now=now)
    )


@router.delete("/{view_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_view(view_id: IdPath, user: CurrentUser, db: DatabaseDep) -> Response:
    """Delete one of the caller's views."""
    await in_write_transaction(db, lambda s: service.delete_view(s, view_id, by=user))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
