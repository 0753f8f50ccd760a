"""The main window against a real server process: claiming from the list, a lost race that
says who has the mention, live updates from another console, urgent alerts and shortcuts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence

from app.client.connection.api import ResponderApi
from app.client.stream.actions import ActionOutcome, ActionResult, MentionAction
from app.models.enums import Duty
from app.ui.shell.actions import RESERVED, SHORTCUTS, Action
from app.ui.shell.main_window import MainWindow
from app.ui.stream.filter import FilterMode
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _shown_ids(window: MainWindow) -> list[int]:
    return [window.proxy.row_at(r).id for r in range(window.proxy.rowCount())]


def test_claim_from_the_list_and_live_update_elsewhere(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    dana_id, dana_token = live_server.create_user("dana-ui", role="rep")
    _, lee_token = live_server.create_user("lee-ui", role="rep")
    [mention_id] = live_server.ingest([mention_json("ui-1", "My router keeps rebooting")])
    dana = console_factory(live_server.base_url, dana_token)
    lee = console_factory(live_server.base_url, lee_token)
    for console in (dana, lee):
        console.window.model.flush()
        assert mention_id in _shown_ids(console.window)  # the default filter: unassigned

    assert dana.window.select_mention(mention_id)
    assert dana.window.detail.mention_id == mention_id
    dana.window.action(Action.CLAIM).trigger()
    outcome = dana.run(dana.ui.mention_actions.running[0])
    assert isinstance(outcome, ActionOutcome)
    assert outcome.result is ActionResult.DONE

    # Lee's console learns it from the event stream, without asking.
    def lee_sees_dana() -> bool:
        row = lee.session.row(mention_id)
        return row is not None and row.assignee_name == "dana-ui"

    lee.wait_until(lee.bridge.rowsChanged, lee_sees_dana, timeout=5)
    lee.window.model.flush()
    assert mention_id not in _shown_ids(lee.window)
    lee.window.set_filter_mode(FilterMode.ALL)
    assert mention_id in _shown_ids(lee.window)
    dana.window.set_filter_mode(FilterMode.MINE)
    dana.window.model.flush()
    assert _shown_ids(dana.window) == [mention_id]
    assert "dana-ui" in dana.window.detail.meta.text()
    assert dana.session.row(mention_id) is not None
    assert dana.session.viewer.user_id == dana_id


def test_a_lost_claim_says_who_has_it(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, ana_token = live_server.create_user("ana-ui", role="rep")
    _, bo_token = live_server.create_user("bo-ui", role="rep")
    [mention_id] = live_server.ingest([mention_json("ui-2", "Cancel my contract now")])
    ana = console_factory(live_server.base_url, ana_token)
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(mention_id) is not None)

    async def bo_claims() -> None:
        async with ResponderApi(live_server.base_url, bo_token) as bo:
            seen = await bo.mention(mention_id)
            await bo.claim(mention_id, seen.version)

    ana.run(bo_claims())
    # Ana acts on her (possibly stale) row: the answer must name Bo.
    task = ana.ui.mention_actions.run(MentionAction.CLAIM, mention_id)
    outcome = ana.run(task)
    assert isinstance(outcome, ActionOutcome)
    assert outcome.result is ActionResult.CONFLICT, outcome.message
    assert "bo-ui has it now" in ana.window.notice_banner.label.text()
    assert ana.window.notice_banner.isVisibleTo(ana.window)


def test_urgent_mentions_alert_unless_off_duty(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, sam_token = live_server.create_user("sam-ui", role="rep")
    sam = console_factory(live_server.base_url, sam_token)
    outcome = sam.run(sam.session.set_duty(Duty.ON_DUTY))
    assert isinstance(outcome, ActionOutcome)
    angry = (
        "WORST SERVICE EVER!!! Your charger EXPLODED and burned my hand. My lawyer will sue, "
        "I want a refund NOW and I'm telling the press. Absolutely disgusting."
    )
    alerts_before = len(sam.window.notifier.alerts_shown)
    live_server.ingest([mention_json("ui-urgent-1", angry)])
    sam.wait_until(
        sam.bridge.urgentMention,
        lambda: len(sam.window.notifier.alerts_shown) > alerts_before,
    )
    assert sam.window.notifier.count >= 1
    assert "urgent unassigned" in sam.window.urgent_label.text()
    assert sam.window.windowTitle().startswith("(")

    sam.run(sam.session.set_duty(Duty.OFF_DUTY))
    alerts_off = len(sam.window.notifier.alerts_shown)
    live_server.ingest([mention_json("ui-urgent-2", angry + " Again!")])
    sam.wait_until(sam.bridge.rowsChanged, lambda: sam.session.unassigned_urgent_count() >= 2)
    assert len(sam.window.notifier.alerts_shown) == alerts_off


def test_tray_menu_changes_duty(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, ria_token = live_server.create_user("ria-ui", role="rep")
    ria = console_factory(live_server.base_url, ria_token)
    menu = ria.window.notifier.menu
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Show the console",
        "On duty",
        "Away",
        "Off duty",
        "Quit",
    ]
    ria.window.notifier.duty_actions[Duty.AWAY].trigger()

    def away() -> bool:
        user = ria.session.viewer.user
        return user is not None and user.duty is Duty.AWAY

    ria.wait_until(ria.bridge.viewerChanged, away)
    assert ria.window.notifier.duty_actions[Duty.AWAY].isChecked()
    assert "Away" in ria.window.duty_label.text()


def test_shortcuts_are_unique_and_avoid_system_ones(qapp: QObject) -> None:
    keys = [QKeySequence(a.keys).toString() for a in SHORTCUTS]
    assert len(keys) == len(set(keys))
    reserved = {QKeySequence(k).toString() for k in RESERVED}
    # Ctrl+F / Ctrl+Q keep their usual meaning (search, quit), so they are not clashes.
    assert not (set(keys) - {"Ctrl+F", "Ctrl+Q"}) & reserved
