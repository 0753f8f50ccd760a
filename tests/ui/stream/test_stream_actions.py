"""The stream's actions in a console against a real server: Claim on several selected mentions
goes to the server as one request and one sentence sums it up; Open in browser and Copy link
act on the shown mention's post and are offered only when it has one; the View menu's
"Highest priority first" and the header share one order."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

from app.client.connection.api import ResponderApi
from app.client.stream.bulk import BulkDone
from app.client.stream.narrowing import PRIORITY_FIRST, SortColumn, StreamSort
from app.models.bulk_schemas import MOST_IN_ONE_REQUEST
from app.ui.shell.actions import Action
from app.ui.stream.filter import FilterMode
from app.ui.stream.links import LINK_COPIED
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _show_all(console: Console, ids: list[int]) -> None:
    console.wait_until(
        console.bridge.rowsChanged,
        lambda: all(console.session.row(i) is not None for i in ids),
    )
    console.window.model.flush()
    console.window.set_filter_mode(FilterMode.ALL)


def test_claim_on_several_mentions_sums_up_in_one_sentence(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, ana_token = live_server.create_user("ana-bulk", role="rep")
    _, mara_token = live_server.create_user("mara-bulk", role="rep")
    ids = live_server.ingest(
        [mention_json(f"bulk-{n}", f"Where is my parcel {n}?") for n in range(4)]
    )
    ana = console_factory(live_server.base_url, ana_token)
    _show_all(ana, ids)

    async def mara_claims() -> None:
        async with ResponderApi(live_server.base_url, mara_token) as mara:
            seen = await mara.mention(ids[1])
            await mara.claim(ids[1], seen.version)

    ana.run(mara_claims())
    view, proxy = ana.window.view, ana.window.proxy
    assert ana.window.select_mention(ids[3])
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for mention_id in ids[:3]:
        row = proxy.proxy_row_of_mention(mention_id)
        assert row is not None
        selection.select(proxy.index(row, 0), flags)
    assert sorted(r.id for r in ana.window.stream.action_rows()) == sorted(ids)
    assert ana.window.detail.mention_id == ids[3]  # the detail keeps the current one

    ana.window.action(Action.CLAIM).trigger()
    [task] = ana.ui.mention_actions.running
    done = ana.run(task)
    assert isinstance(done, BulkDone)
    assert done.sentence == "3 claimed; 1 belongs to mara-bulk — left as they were."
    assert done.sentence in ana.window.notice_banner.label.text()
    for mention_id in (ids[0], ids[2], ids[3]):
        mine = ana.session.row(mention_id)
        assert mine is not None
        assert mine.assignee_name == "ana-bulk"


class _Browser(QObject):
    """Stands in for the desktop's browser: Qt hands it the URLs openUrl is asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_open_and_copy_the_post_link_only_when_there_is_one(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, token = live_server.create_user("lin-links", role="rep")
    linked = {**mention_json("link-1", "See my post"), "url": "https://social.example/@c/1"}
    with_link, without = live_server.ingest([linked, mention_json("link-2", "No link here")])
    console = console_factory(live_server.base_url, token)
    _show_all(console, [with_link, without])
    window = console.window
    open_link, copy_link = window.action(Action.OPEN_LINK), window.action(Action.COPY_LINK)
    assert not open_link.isEnabled()  # nothing shown yet

    assert window.select_mention(with_link)
    assert open_link.isEnabled()
    assert copy_link.isEnabled()
    browser = _Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")  # type: ignore[arg-type]
    try:
        open_link.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert browser.opened == ["https://social.example/@c/1"]
    copy_link.trigger()
    assert QGuiApplication.clipboard().text() == "https://social.example/@c/1"
    assert window.statusBar().currentMessage() == LINK_COPIED

    assert window.select_mention(without)
    assert not open_link.isEnabled()
    assert not copy_link.isEnabled()


def test_the_priority_toggle_and_the_header_share_one_order(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, token = live_server.create_user("ord-toggle", role="rep")
    console = console_factory(live_server.base_url, token)
    window, stream = console.window, console.window.stream
    toggle = window.action(Action.SORT_PRIORITY)
    toggle.trigger()
    assert stream.sort == PRIORITY_FIRST
    stream.sort_by_column(SortColumn.PRIORITY)  # a header click reverses it
    assert stream.sort == StreamSort(SortColumn.PRIORITY, descending=False)
    assert not toggle.isChecked()
    stream.sort_by_column(SortColumn.PRIORITY)
    assert toggle.isChecked()
    stream.restore_view_state({"sort_column": "author", "sort_order": "ascending"})
    assert not toggle.isChecked()
    toggle.trigger()
    assert stream.sort == PRIORITY_FIRST
    assert window.view.horizontalHeader().sortIndicatorSection() == 1


def test_select_all_then_resolve_is_refused_above_the_limit(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, token = live_server.create_user("sel-all", role="rep")
    ids = live_server.ingest(
        [mention_json(f"many-{n}", f"Outage again {n}") for n in range(MOST_IN_ONE_REQUEST + 1)]
    )
    console = console_factory(live_server.base_url, token)
    _show_all(console, ids)
    console.window.view.selectAll()
    assert len(console.window.stream.action_rows()) > MOST_IN_ONE_REQUEST
    console.window.action(Action.RESOLVE).trigger()
    assert console.ui.mention_actions.running == ()
    assert "one action takes at most" in console.window.notice_banner.label.text()
    assert all(console.session.row(i).status.is_open for i in ids)  # type: ignore[union-attr]
