"""The mention under the cursor stays put: a claim that takes it out of Unassigned, mentions
arriving, a re-sort and filter switches leave the selection, the detail pane and the next
action on the mention the rep chose (the real console against a real server)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QCursor

from app.client.composer.service import ComposerService
from app.client.stream.actions import ActionOutcome, ActionResult
from app.ui.shell.actions import Action
from app.ui.shell.main_window import MainWindow
from app.ui.stream.filter import FilterMode
from app.ui.stream.stream import LEFT_VIEW_PREFIX
from tests.support.composer import FakeClock
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _selected_id(window: MainWindow) -> int | None:
    """The row the list itself has selected (not the detail pane's idea of it)."""
    index = window.view.currentIndex()
    if not index.isValid() or not window.view.selectionModel().isRowSelected(index.row()):
        return None
    return window.proxy.row_at(index.row()).id


def _act(console: Console, action: Action) -> ActionOutcome:
    """Trigger the window's action (as its shortcut does) and await its outcome."""
    before = set(console.ui.mention_actions.running)
    console.window.action(action).trigger()
    [task] = [t for t in console.ui.mention_actions.running if t not in before]
    outcome = console.run(task)
    assert isinstance(outcome, ActionOutcome)
    return outcome


def _wait_row(console: Console, mention_id: int, check: Callable[[object], bool]) -> None:
    def holds() -> bool:
        row = console.session.row(mention_id)
        return row is not None and check(row)

    console.wait_until(console.bridge.rowsChanged, holds)
    console.window.model.flush()


def test_a_claim_in_unassigned_keeps_the_claimed_mention_selected(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    me, token = live_server.create_user("kai-sel", role="rep")
    first, second, third = live_server.ingest(
        [mention_json(f"sel-{i}", f"Order {i} is late") for i in range(3)]
    )
    kai = console_factory(live_server.base_url, token)
    kai.window.model.flush()
    assert kai.window.select_mention(second)

    outcome = _act(kai, Action.CLAIM)
    assert outcome.result is ActionResult.DONE, outcome.message
    _wait_row(kai, second, lambda r: r.assignee_id == me)  # type: ignore[attr-defined]

    # It left Unassigned, but it is still the one shown, selected and acted on.
    assert kai.window.detail.mention_id == second
    assert _selected_id(kai.window) == second
    assert kai.window.selected_row() is not None
    assert kai.window.selected_row().id == second  # type: ignore[union-attr]
    assert kai.window.detail.left_view.isVisibleTo(kai.window.detail)
    assert kai.window.detail.left_view.text().startswith(LEFT_VIEW_PREFIX)
    assert kai.session.row(first).assignee_id is None  # type: ignore[union-attr]
    assert kai.session.row(third).assignee_id is None  # type: ignore[union-attr]

    outcome = _act(kai, Action.RELEASE)
    assert outcome.result is ActionResult.DONE, outcome.message
    _wait_row(kai, second, lambda r: r.assignee_id is None)  # type: ignore[attr-defined]
    assert kai.window.detail.mention_id == second
    assert _selected_id(kai.window) == second
    assert not kai.window.detail.left_view.isVisibleTo(kai.window.detail)

    # Choosing another row lets the claimed-and-left one go.
    _act(kai, Action.CLAIM)
    _wait_row(kai, second, lambda r: r.assignee_id == me)  # type: ignore[attr-defined]
    assert kai.window.select_mention(first)
    kai.window.model.flush()
    assert kai.window.detail.mention_id == first
    shown = [kai.window.proxy.row_at(r).id for r in range(kai.window.proxy.rowCount())]
    assert second not in shown


def test_arrivals_and_a_re_sort_keep_the_selection_under_the_pointer(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, token = live_server.create_user("noa-sel", role="rep")
    ids = live_server.ingest([mention_json(f"arr-{i}", f"Where is parcel {i}?") for i in range(40)])
    noa = console_factory(live_server.base_url, token)
    noa.window.model.flush()
    view = noa.window.view
    view.doItemsLayout()  # the scroll range, now rather than at the next paint
    bar = view.verticalScrollBar()
    assert bar.maximum() >= 5
    bar.setValue(5)  # the rep scrolled down a little and points at a row
    target_row = view.rowAt(0) + 2
    chosen = noa.window.proxy.row_at(target_row).id
    point = view.visualRect(noa.window.proxy.index(target_row, 0)).center()
    assert noa.window.select_mention(chosen)
    assert view.indexAt(point).row() == target_row
    QCursor.setPos(view.viewport().mapToGlobal(point))

    def under_pointer() -> int:
        return noa.window.proxy.row_at(view.indexAt(point).row()).id

    angry = "WORST SERVICE EVER!!! Refund NOW or my lawyer sues. Disgusting, broken, EXPLODED."
    fresh = live_server.ingest([mention_json(f"arr-new-{i}", angry) for i in range(3)])
    _wait_row(noa, fresh[-1], lambda _r: True)
    assert noa.window.detail.mention_id == chosen
    assert _selected_id(noa.window) == chosen
    assert under_pointer() == chosen  # the arrivals wait above, nothing moved under it

    noa.window.action(Action.SORT_PRIORITY).setChecked(True)  # a re-sort
    assert noa.window.detail.mention_id == chosen
    assert _selected_id(noa.window) == chosen
    point = view.visualRect(view.currentIndex()).center()
    QCursor.setPos(view.viewport().mapToGlobal(point))
    assert under_pointer() == chosen
    more = live_server.ingest([mention_json(f"arr-more-{i}", angry) for i in range(3)])
    _wait_row(noa, more[-1], lambda _r: True)
    assert noa.window.detail.mention_id == chosen
    assert _selected_id(noa.window) == chosen
    assert noa.window.selected_row().id == chosen  # type: ignore[union-attr]
    assert under_pointer() == chosen
    assert chosen in ids


def test_filter_switches_keep_my_claimed_mention_selected(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    me, token = live_server.create_user("ivo-sel", role="rep")
    ids = live_server.ingest([mention_json(f"flt-{i}", f"Modem {i} is down") for i in range(3)])
    chosen = ids[0]
    ivo = console_factory(live_server.base_url, token)
    ivo.window.model.flush()
    assert ivo.window.select_mention(chosen)
    _act(ivo, Action.CLAIM)
    _wait_row(ivo, chosen, lambda r: r.assignee_id == me)  # type: ignore[attr-defined]

    for mode in (FilterMode.MINE, FilterMode.ALL, FilterMode.UNASSIGNED, FilterMode.MINE):
        ivo.window.set_filter_mode(mode)
        assert ivo.window.detail.mention_id == chosen, mode
        assert _selected_id(ivo.window) == chosen, mode
    # In Mine it belongs: no "left this view" line.
    assert not ivo.window.detail.left_view.isVisibleTo(ivo.window.detail)


def test_the_composer_stays_on_the_claimed_mention(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    me, token = live_server.create_user("uma-sel", role="rep")
    first, second = live_server.ingest(
        [mention_json("cmp-0", "Order one is late"), mention_json("cmp-1", "Order two is late")]
    )
    uma = Console(
        qloop,
        live_server.base_url,
        token,
        tmp_path / "composer.sqlite3",
        composer=lambda session, store, worker: ComposerService(
            session, store, worker, device="sel-desk", clock=FakeClock(), save_delay=0.01
        ),
    )
    panel = uma.ui.composer
    assert panel is not None
    try:
        uma.window.model.flush()
        assert uma.window.select_mention(first)
        uma.run(panel.opened())
        assert panel.presenter.row is not None
        assert panel.presenter.row.id == first

        _act(uma, Action.CLAIM)
        _wait_row(uma, first, lambda r: r.assignee_id == me)  # type: ignore[attr-defined]
        uma.run(panel.opened())
        assert panel.presenter.row is not None
        assert panel.presenter.row.id == first
        assert second != first
    finally:
        uma.run(panel.aclose())
        uma.close()
