"""Saved views as tabs beside the built-in ones: each person's own filters, sort and columns,
kept on the server. The "+" beside the tabs saves what the stream shows now under a name; a
view's tab menu renames or deletes it. Choosing a view's tab shows what it keeps; a built-in
tab shows every column again."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from app.client.customers.views import SavedViewBook, StreamView, ViewOutcome
from app.common.tasks import TaskKeeper
from app.ui.qt.notices import Notices
from app.ui.stream.filter import FilterMode
from app.ui.stream.stream import MentionStream


class SavedViewsDesk(QObject):
    def __init__(
        self, book: SavedViewBook, stream: MentionStream, *, notices: Notices, window: QWidget
    ) -> None:
        super().__init__(window)
        self._book = book
        self._stream = stream
        self._notices = notices
        self._window = window
        self._tasks = TaskKeeper("saved-views")
        self.views: dict[int, StreamView] = {}
        self._loaded_for: int | None = None
        self.name_dialog: QInputDialog | None = None
        bar = stream.filter_bar
        bar.viewChosen.connect(self.view_chosen)
        bar.modeChosen.connect(self.mode_chosen)
        bar.saveViewRequested.connect(self.save_requested)
        bar.renameViewRequested.connect(self.rename_requested)
        bar.deleteViewRequested.connect(self.delete_requested)

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()

    # --- loading ---------------------------------------------------------------------------

    def user_known(self, user_id: int | None) -> None:
        """Who is signed in (the viewer changed): their views, once per person."""
        if user_id is not None and user_id != self._loaded_for:
            self._tasks.spawn(self.load(user_id), name="load-views")

    async def load(self, user_id: int | None = None) -> bool:
        views = await self._book.load()
        if views is None:
            return False
        self._loaded_for = user_id if user_id is not None else self._loaded_for
        self._show(views)
        return True

    def _show(self, views: list[StreamView]) -> None:
        self.views = {view.id: view for view in views}
        self._stream.filter_bar.show_views([(view.id, view.name) for view in views])

    # --- choosing --------------------------------------------------------------------------

    def view_chosen(self, view_id: int) -> None:
        view = self.views.get(view_id)
        if view is not None:
            self._stream.apply_view(view.state, view.columns)

    def mode_chosen(self, _mode: FilterMode) -> None:
        self._stream.show_columns(None)

    # --- saving, renaming, deleting --------------------------------------------------------

    def _ask_name(self, title: str, label: str, text: str, then: Any) -> None:
        dialog = QInputDialog(self._window)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(text)
        dialog.textValueSelected.connect(then)
        self.name_dialog = dialog
        dialog.open()

    def save_requested(self) -> None:
        self._ask_name(
            "Save view",
            "Name of the view (it keeps the filters, search, sort and columns shown now):",
            "",
            lambda name: self._tasks.spawn(self.save(name), name="save-view"),
        )

    async def save(self, name: str) -> ViewOutcome:
        state = {**self._stream.view_state(), "q": self._stream.filter_bar.search_text()}
        outcome = await self._book.save(name, state, self._stream.visible_columns())
        if outcome.view is None:
            self._notices.warn(outcome.message)
            return outcome
        self._show([*self.views.values(), outcome.view])
        self._stream.filter_bar.show_view(outcome.view.id)
        self._notices.say(outcome.message)
        return outcome

    def rename_requested(self, view_id: int) -> None:
        view = self.views.get(view_id)
        if view is None:
            return
        self._ask_name(
            "Rename view",
            "New name of the view:",
            view.name,
            lambda name: self._tasks.spawn(self.rename(view_id, name), name="rename-view"),
        )

    async def rename(self, view_id: int, name: str) -> ViewOutcome:
        outcome = await self._book.rename(view_id, name)
        if outcome.view is None:
            self._notices.warn(outcome.message)
            return outcome
        self.views[view_id] = outcome.view
        self._show(list(self.views.values()))
        self._notices.say(outcome.message)
        return outcome

    def delete_requested(self, view_id: int) -> None:
        self._tasks.spawn(self.delete(view_id), name="delete-view")

    async def delete(self, view_id: int) -> ViewOutcome:
        outcome = await self._book.delete(view_id)
        if not outcome.ok:
            self._notices.warn(outcome.message)
            return outcome
        self.views.pop(view_id, None)
        self._show(list(self.views.values()))
        self._notices.say(outcome.message)
        return outcome
