"""Saved views: a person's own tabs of the stream, kept on the server. A view holds the
stream's state as the console keeps it (the tab's mode, network, priority, status, search and
tag, the sort) and the columns shown; this module turns one into the other."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError, Offline
from app.models.customer_schemas import (
    SavedViewCreate,
    SavedViewPublic,
    SavedViewUpdate,
)

# The stream's state keys a view keeps as its filters (MentionStream.view_state, and the
# search and the tag).
FILTER_KEYS = ("mode", "network", "priority", "status", "q", "tag")
NEWEST = "newest"


@dataclass(frozen=True, slots=True)
class StreamView:
    """A saved view as the stream applies it."""

    id: int
    name: str
    state: dict[str, str]  # the stream's view state (its keys as MentionStream.view_state)
    columns: tuple[str, ...]


def view_of(public: SavedViewPublic) -> StreamView:
    state = {
        key: str(value)
        for key, value in public.filters.items()
        if key in FILTER_KEYS and isinstance(value, str | int) and not isinstance(value, bool)
    }
    column, _, order = public.sort.partition(":")
    if public.sort == NEWEST or not order:
        state.update(sort_column="", sort_order="descending")
    else:
        state.update(sort_column=column, sort_order=order)
    return StreamView(public.id, public.name, state, tuple(public.columns))


def saved_form(name: str, state: Mapping[str, str], columns: Sequence[str]) -> SavedViewCreate:
    """What the server keeps of the stream's `state` under `name`."""
    filters: dict[str, str | int | bool | list[str] | None] = {
        key: state[key] for key in FILTER_KEYS if state.get(key)
    }
    column = state.get("sort_column", "")
    sort = f"{column}:{state.get('sort_order', 'descending')}" if column else NEWEST
    return SavedViewCreate(name=name, filters=filters, sort=sort, columns=list(columns))


@dataclass(frozen=True, slots=True)
class ViewOutcome:
    ok: bool
    view: StreamView | None
    message: str


class SavedViewBook:
    """The caller's saved views on the server."""

    def __init__(self, api: ResponderApi) -> None:
        self._api = api

    async def load(self) -> list[StreamView] | None:
        """The views, oldest first; None when they cannot be read now (offline)."""
        try:
            return [view_of(v) for v in (await self._api.saved_views()).data]
        except ApiError:
            return None

    async def save(
        self, name: str, state: Mapping[str, str], columns: Sequence[str]
    ) -> ViewOutcome:
        try:
            form = saved_form(name, state, columns)
            public = await self._api.create_view(form)
        except ValueError as exc:  # the name is empty or too long
            return ViewOutcome(False, None, _first_problem(exc))
        except Offline:
            return ViewOutcome(
                False, None, "Offline: views are kept on the server; save it once back."
            )
        except ApiError as exc:
            return ViewOutcome(False, None, exc.detail)
        return ViewOutcome(True, view_of(public), f"Saved the view “{public.name}”.")

    async def rename(self, view_id: int, name: str) -> ViewOutcome:
        try:
            public = await self._api.update_view(view_id, SavedViewUpdate(name=name))
        except ValueError as exc:
            return ViewOutcome(False, None, _first_problem(exc))
        except ApiError as exc:
            return ViewOutcome(False, None, exc.detail)
        return ViewOutcome(True, view_of(public), f"Renamed the view to “{public.name}”.")

    async def delete(self, view_id: int) -> ViewOutcome:
        try:
            await self._api.delete_view(view_id)
        except ApiError as exc:
            return ViewOutcome(False, None, exc.detail)
        return ViewOutcome(True, None, "Deleted the view.")


def _first_problem(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return str(found[0].get("msg", exc))
    return str(exc)
