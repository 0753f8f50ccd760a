"""The mention stream as a feature: the filter bar, the table and the selected mention's detail,
kept in step with the session's rows and with who is looking (for "Mine", "My team", "Handed to
me"). Selecting a mention shows what the stream knows at once, then loads its thread and
history.

The mention under the cursor stays put: only the rep changes which mention is shown. Arrivals,
re-sorts and filter switches keep it selected; when it leaves the current filter (claimed while
viewing "Unassigned"), the list keeps its row, marked "No longer in this view", and the detail
pane says so, until the rep selects another mention. Every action, the composer and the
handoffs act on the mention the detail pane shows (`selected_row`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from app.client.stream.narrowing import (
    NEWEST_FIRST,
    PRIORITY_FIRST,
    Narrowing,
    PriorityBand,
    SortColumn,
    StreamSort,
    next_sort,
)
from app.client.stream.rows import MentionRow
from app.client.stream.viewer import Viewer
from app.common.tasks import TaskKeeper
from app.models.customer_schemas import fold_tag
from app.models.enums import MentionStatus, Network
from app.ui.stream.detail_pane import MentionDetailPane
from app.ui.stream.filter import (
    FILTER_TITLES,
    FilterMode,
    MentionFilterProxy,
    StreamFilter,
)
from app.ui.stream.filter_bar import FilterBar
from app.ui.stream.model import Column, MentionStreamModel
from app.ui.stream.stream_view import StreamView

if TYPE_CHECKING:
    from app.models.schemas import MentionDetail

_EMPTY_TEXT = {
    FilterMode.UNASSIGNED: "Nothing waiting: every open mention has an owner.",
    FilterMode.MINE: "You have no open mentions. Claim one from Unassigned (Ctrl+1).",
    FilterMode.TEAM: "Your team has no open mentions.",
    FilterMode.HANDED_TO_ME: "Nobody has handed you a mention.",
    FilterMode.ALL: "No mentions yet. New ones appear here as they arrive.",
}

# The detail pane's line when the shown mention left the current filter.
LEFT_VIEW_PREFIX = "No longer in"


def left_view_text(mode: FilterMode) -> str:
    return (
        f"{LEFT_VIEW_PREFIX} \u201c{FILTER_TITLES[mode]}\u201d: it stays selected here until "
        "you choose another mention."
    )


_E = TypeVar("_E", bound=StrEnum)


class _SavedView:
    """Reads saved values as their enums: a missing or unknown value keeps what is shown now;
    "" is "any" where a choice may be empty."""

    def __init__(self, state: dict[str, str]) -> None:
        self._state = state

    def read(self, kind: type[_E], key: str, current: _E) -> _E:
        value = self._state.get(key)
        if value is None:
            return current
        try:
            return kind(value)
        except ValueError:
            return current

    def choice(self, kind: type[_E], key: str, current: _E | None) -> _E | None:
        if self._state.get(key) == "":
            return None
        return self.read(kind, key, current)  # type: ignore[type-var]


# The first saved views (before header sorts) said only newest or priority first.
_SAVED_ORDERS = {"newest": NEWEST_FIRST, "priority": PRIORITY_FIRST}


LoadDetail = Callable[[int], Coroutine[Any, Any, "MentionDetail | None"]]


class MentionStream(QObject):
    # The detail pane shows another mention (MentionRow): the rep selected it. The composer and
    # the handoffs follow this, never the list's own selection.
    mentionShown = Signal(object)
    # The stream's order changed (StreamSort): the header's indicator and the "Highest
    # priority first" toggle show it; the proxy holds it.
    sortChanged = Signal(object)

    def __init__(self, load_detail: LoadDetail, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._load_detail = load_detail
        self.viewer = Viewer(None, frozenset(), frozenset())
        self.mentioned_me: frozenset[int] = frozenset()  # whose notes name me (set_mentioned_me)
        # Done with the first rows shown (screenshots wait for it).
        self.loaded: asyncio.Future[int] = asyncio.get_event_loop().create_future()
        self._tasks = TaskKeeper("stream")
        self._detail_task: asyncio.Task[None] | None = None
        self.model = MentionStreamModel(self)
        self.proxy = MentionFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = StreamView(self.proxy)
        self.filter_bar = FilterBar()
        self.detail = MentionDetailPane(clock=self.model.now)

        for changed in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
            self.proxy.dataChanged,  # the kept selected mention left the filter
            self.model.modelReset,
            self.model.rowsInserted,
        ):
            changed.connect(self.update_shown)
        self.filter_bar.modeChosen.connect(self.set_filter_mode)
        self.filter_bar.searchSettled.connect(self.apply_filter)
        self.filter_bar.narrowingChosen.connect(self.apply_filter)
        self.view.columnClicked.connect(self.sort_by_column)
        self.sortChanged.connect(self.view.show_sort)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(self._selection_changed)
        selection.currentRowChanged.connect(self._selection_changed)
        self.proxy.modelReset.connect(self._reselect)
        self.update_shown()

    # --- rows ----------------------------------------------------------------------------

    def load_details_with(self, load_detail: LoadDetail) -> None:
        """Where the selected mention's detail comes from, once the session is there (the
        window may show before it: the detail pane stays empty until then)."""
        self._load_detail = load_detail

    def load_rows(self, rows: list[MentionRow]) -> None:
        self.model.load(rows)
        self._show_clocks_for(rows)
        if rows and not self.loaded.done():
            self.loaded.set_result(len(rows))

    def _show_clocks_for(self, rows: list[MentionRow]) -> None:
        """The Due column appears with the first mention that has a response clock (and
        stays for the session)."""
        if self.view.isColumnHidden(Column.DUE) and any(r.sla_due_at for r in rows):
            self.view.show_clocks(True)

    def update_rows(self, rows: list[MentionRow]) -> None:
        self.model.enqueue(rows)
        self._show_clocks_for(rows)
        selected = self.detail.mention_id
        if selected is not None:
            for row in rows:
                if row.id == selected:
                    self.detail.show_row(row, self.viewer.user_id)
            self._say_left_view()
        if not self.loaded.done():
            self.loaded.set_result(len(rows))

    def update_shown(self, *_: object) -> None:
        """The count above the stream, and the sentence inside it when it is empty."""
        shown = self.proxy.rowCount()
        # The count is what the filter found; a selected mention kept after it left is not.
        self.filter_bar.set_shown(self.proxy.accepted_count(), self.proxy.stream_filter.narrowed)
        if shown:
            self.view.empty_label.hide()
            return
        mode = self.filter_bar.mode()
        text = _EMPTY_TEXT[mode] if self.model.rowCount() else _EMPTY_TEXT[FilterMode.ALL]
        if self.filter_bar.search_text():
            text = "No mention matches the search."
        elif self.proxy.stream_filter.narrowing.active:
            text = "No mention here matches the network, priority, status and tag chosen."
        self.view.say_empty(text)

    # --- filters -------------------------------------------------------------------------

    def set_viewer(self, viewer: Viewer) -> None:
        self.viewer = viewer
        role = viewer.user.role if viewer.user is not None else None
        self.detail.set_viewer(viewer.user_id, role is not None and role.is_manager)
        self.apply_filter()

    def set_mentioned_me(self, mention_ids: frozenset[int], unread: int = 0) -> None:
        """The mentions whose notes name me (the "Mentions of me" tab), and how many such
        notes I have not seen (its badge)."""
        tabs = self.filter_bar.tabs
        index = self.filter_bar.modes.index(FilterMode.MENTIONS_OF_ME)
        title = FILTER_TITLES[FilterMode.MENTIONS_OF_ME]
        tabs.setTabText(index, f"{title} ({unread})" if unread else title)
        tabs.setTabToolTip(index, f"Mentions of me: a colleague's note names you ({unread} unread)")
        if mention_ids != self.mentioned_me:
            self.mentioned_me = mention_ids
            if self.filter_bar.mode() is FilterMode.MENTIONS_OF_ME:
                self.apply_filter()

    def set_filter_mode(self, mode: FilterMode) -> None:
        if self.filter_bar.show_mode(mode):
            return  # re-enters through modeChosen
        self.apply_filter()

    @property
    def sort(self) -> StreamSort:
        return self.proxy.stream_sort

    def set_sort(self, sort: StreamSort) -> None:
        if sort != self.proxy.stream_sort:
            self.apply_filter(sort)

    def set_priority_first(self, on: bool) -> None:
        """The View menu's toggle: highest priority first, or back to newest first (turning it
        off leaves any other column's sort alone)."""
        if on:
            self.set_sort(PRIORITY_FIRST)
        elif self.proxy.stream_sort == PRIORITY_FIRST:
            self.set_sort(NEWEST_FIRST)

    def sort_by_column(self, column: SortColumn) -> None:
        """A header click: sort by that column; the same column again reverses."""
        self.set_sort(next_sort(self.proxy.stream_sort, column))

    # --- view state (saved with the console's settings) ------------------------------------

    def view_state(self) -> dict[str, str]:
        """What the rep chose to look at, as plain strings the settings file can hold."""
        sort, narrowing = self.proxy.stream_sort, self.filter_bar.narrowing()
        return {
            "mode": self.filter_bar.mode().value,
            "sort_column": sort.column.value if sort.column else "",
            "sort_order": "descending" if sort.descending else "ascending",
            "network": narrowing.network.value if narrowing.network else "",
            "priority": narrowing.band.value if narrowing.band else "",
            "status": narrowing.status.value if narrowing.status else "",
            "tag": narrowing.tag or "",
        }

    def restore_view_state(self, state: dict[str, str]) -> None:
        """Apply a saved `view_state`; unknown keys and values (an older or newer console
        wrote them) are ignored, each on its own."""
        saved, now = _SavedView(state), self.filter_bar.narrowing()
        self.filter_bar.show_narrowing(
            Narrowing(
                network=saved.choice(Network, "network", now.network),
                band=saved.choice(PriorityBand, "priority", now.band),
                status=saved.choice(MentionStatus, "status", now.status),
                tag=fold_tag(state["tag"]) or None if "tag" in state else now.tag,
            )
        )
        sort = _SAVED_ORDERS.get(state.get("order", ""), self.proxy.stream_sort)
        order = state.get("sort_order")
        if order in ("ascending", "descending"):
            column = saved.choice(SortColumn, "sort_column", sort.column)
            if column is not None or state.get("sort_column") == "":
                sort = StreamSort(column, descending=order == "descending")
        self.filter_bar.show_mode_quietly(saved.read(FilterMode, "mode", self.filter_bar.mode()))
        self.apply_filter(sort)

    def apply_view(self, state: dict[str, str], columns: Sequence[str]) -> None:
        """A saved view's tab is current: show what it keeps — the mode it filters by, its
        network, priority, status, tag and search, its sort and its columns — on its tab."""
        saved = _SavedView(state)
        self.filter_bar.use_view_mode(saved.read(FilterMode, "mode", FilterMode.ALL))
        self.filter_bar.show_narrowing(
            Narrowing(
                network=saved.choice(Network, "network", None),
                band=saved.choice(PriorityBand, "priority", None),
                status=saved.choice(MentionStatus, "status", None),
                tag=fold_tag(state.get("tag", "")) or None,
            )
        )
        self.filter_bar.show_search(state.get("q", ""))
        column = saved.choice(SortColumn, "sort_column", None)
        sort = StreamSort(column, descending=state.get("sort_order") != "ascending")
        self.show_columns(columns)
        self.apply_filter(sort)

    def visible_columns(self) -> list[str]:
        """The names of the stream's columns shown now (a saved view keeps them)."""
        return [c.name.lower() for c in Column if not self.view.isColumnHidden(c)]

    def show_columns(self, names: Sequence[str] | None) -> None:
        """Show these columns only (the text always); None: every column (the Due column
        once a mention has a response clock), as the built-in tabs show them."""
        clocks = any(r.sla_due_at for r in self.model.rows_oldest_first())
        for column in Column:
            if names is None or not names or column is Column.TEXT:
                hidden = column is Column.DUE and not clocks
            else:
                hidden = column.name.lower() not in names
            self.view.setColumnHidden(column, hidden)

    def apply_filter(self, sort: StreamSort | None = None) -> None:
        before = self.proxy.stream_sort
        self.proxy.set_filter(
            StreamFilter(
                mode=self.filter_bar.mode(),
                search=self.filter_bar.search_text(),
                user_id=self.viewer.user_id,
                team_member_ids=self.viewer.team_member_ids,
                handed_to_me=self.viewer.handed_to_me,
                mentioned_me=self.mentioned_me,
                narrowing=self.filter_bar.narrowing(),
                sort=before if sort is None else sort,
            )
        )
        self.update_shown()
        self._say_left_view()
        if self.proxy.stream_sort != before:
            self.sortChanged.emit(self.proxy.stream_sort)

    def _say_left_view(self) -> None:
        """Tell the rep when the shown mention is no longer one the current filter shows."""
        row = self.detail.row
        outside = row is not None and not self.proxy.stream_filter.accepts(row)
        self.detail.say_left_view(left_view_text(self.filter_bar.mode()) if outside else "")

    # --- selection and detail ------------------------------------------------------------

    def selected_row(self) -> MentionRow | None:
        """The mention the detail pane shows, as last known: what every action acts on."""
        return self.detail.row

    def action_rows(self) -> list[MentionRow]:
        """What an ownership action acts on: every selected mention when the rep selected
        several, else the one the detail pane shows."""
        selected = self.view.selected_rows()
        if len(selected) > 1:
            return selected
        row = self.selected_row()
        return [row] if row is not None else []

    def select_mention(self, mention_id: int) -> bool:
        return self.view.select_mention(mention_id)

    def open_mention(self, mention_id: int) -> bool:
        """Select a mention (switching to All when the filter hides it)."""
        if self.select_mention(mention_id):
            return True
        self.set_filter_mode(FilterMode.ALL)
        self.model.flush()
        return self.select_mention(mention_id)

    def _reselect(self) -> None:
        """After a reset (a filter switch, a re-sort, a reload), select the shown mention
        again: the proxy keeps it pinned in every view while it is the shown one."""
        selected = self.detail.mention_id
        if selected is not None:
            self.select_mention(selected)

    def _selection_changed(self, *_: object) -> None:
        """The current row moved (arrows, j/k, a click) or the selection changed: the detail
        pane follows the current mention while it is selected."""
        row = self.view.selected_row()
        if row is None:
            return  # nothing selected in the list (a reset): the detail keeps its mention
        self.proxy.pin(row.id)
        if row.id == self.detail.mention_id:
            # Selected again (after a reset): the detail's row is the newer one, since
            # `update_rows` shows changes at once while the model waits for its next flush.
            self._say_left_view()
            return
        self.detail.show_row(row, self.viewer.user_id)
        self._say_left_view()
        self.mentionShown.emit(row)
        if self._detail_task is not None:
            self._detail_task.cancel()
        self._detail_task = self._tasks.spawn(self._show_detail(row.id))

    async def _show_detail(self, mention_id: int) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            detail = await self._load_detail(mention_id)
            if self.detail.mention_id == mention_id:
                self.detail.show_detail(detail)

    async def detail_loaded(self) -> None:
        """Wait for the selected mention's thread and history (for screenshots and tests)."""
        if self._detail_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._detail_task

    def refresh_detail(self, mention_id: int) -> None:
        """Load the shown mention's thread and history again (its history grew)."""
        if mention_id == self.detail.mention_id:
            self._tasks.spawn(self._reload_detail(mention_id))

    async def _reload_detail(self, mention_id: int) -> None:
        detail = await self._load_detail(mention_id)
        if self.detail.mention_id == mention_id:
            self.detail.show_detail(detail)

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()
