"""On-call pages in a running console against a real server (offscreen): an urgent mention with
nobody on duty pages the first on-call manager — the banner, the notification and the tray's
entries appear; acknowledging and going on duty from the banner, or acknowledging from the tray,
goes through the server; a colleague who acknowledges first takes the banner away with a status
line naming him; "My paging…" shows the server's refusal of a URL in the dialog and keeps what
was typed; a manager sets a team's on-call order from the console."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.client.team import paging_words as words
from app.models.enums import Duty
from app.models.on_call_schemas import PagePublic
from app.ui.shell.actions import Action, Menu
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.ui.team_harness import TeamTestConsole

pytestmark = pytest.mark.slow

Factory = Callable[[str, str], TeamTestConsole]

URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own for each test: pages follow who is on duty and who was paged."""
    with start_live_server(tmp_path / "server") as live:
        yield live


def _visible(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]


def _action(menu: QMenu, text: str) -> QAction:
    for action in menu.actions():
        if action.text() == text:
            return action
    raise AssertionError(f"no {text!r} in {[a.text() for a in menu.actions()]}")


def _duty(server: LiveServer, user_id: int) -> str:
    users = server.get("/api/v1/users")["data"]
    return str(next(u["duty"] for u in users if u["id"] == user_id))


def _paged(console: TeamTestConsole) -> PagePublic:
    """Wait until the console shows a page for its user; return it."""
    console.wait_until(
        console.team_bridge.pagesChanged, lambda: console.team.page_banner.page is not None
    )
    page = console.team.page_banner.page
    assert page is not None
    return page


def test_a_page_shows_as_banner_notification_and_tray_entries_and_is_acknowledged_on_duty(
    server: LiveServer, team_console_factory: Factory
) -> None:
    # Upper-case names sort before the first admin ("admin"): Ana is paged first.
    ana_id, ana_token = server.create_user("Ana", role="manager")
    ana = team_console_factory(server.base_url, ana_token)
    team, window = ana.team, ana.window
    assert team.page_banner.isHidden()
    tray = window.notifier.menu
    assert words.TRAY_ACKNOWLEDGE not in _visible(tray)

    quiet_id, mention_id = server.ingest(
        [mention_json("ui-pg-0", "A question about my invoice"), mention_json("ui-pg-1", URGENT)]
    )
    page = _paged(ana)
    banner = team.page_banner
    # The banner: what arrived, the mention it names, both acknowledgements (she is off duty).
    assert banner.isVisible()
    assert banner.title.text() == "You are paged: 1 urgent mention, nobody on duty"
    assert banner.mention_buttons[0].text().startswith(f"#{mention_id} @customerui-pg-1: This")
    assert banner.watch_button.isVisible()
    assert banner.acknowledge_button.isVisible()
    # The notification, whatever her duty.
    assert words.page_title(page) in window.notifier.alerts_shown
    title, message = window.notifier.messages_shown[-1]
    assert title == words.page_title(page)
    assert f"#{mention_id} @customerui-pg-1: This is dangerous" in message
    # The tray's first entries, and the icon's mark.
    assert _visible(tray)[:3] == [
        "⚑ You are paged: 1 urgent mention, nobody on duty",
        words.TRAY_ACKNOWLEDGE_AND_GO_ON_DUTY,
        words.TRAY_ACKNOWLEDGE,
    ]
    assert team.remote.paged
    assert words.TRAY_TOOLTIP_LINE in team.remote.tooltip(0)
    # The same entries in the Duty menu, where there is no tray.
    duty_menu = window.menu(Menu.DUTY)
    assert words.TRAY_ACKNOWLEDGE in _visible(duty_menu)

    # A mention the page names opens in the stream.
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(mention_id) is not None)
    ana.inside(banner.mention_buttons[0].click)
    selected = window.selected_row()
    assert selected is not None
    assert selected.id == mention_id
    assert ana.inside(lambda: window.select_mention(quiet_id))
    quiet = window.selected_row()
    assert quiet is not None
    assert quiet.id == quiet_id

    # Acknowledge and go on duty, from the banner.
    ana.inside(banner.watch_button.click)
    ana.wait_until(ana.team_bridge.pagesChanged, lambda: team.page_banner.isHidden())
    ana.wait_until(
        ana.bridge.viewerChanged,
        lambda: (
            ana.session.viewer.user is not None and ana.session.viewer.user.duty is Duty.ON_DUTY
        ),
    )
    assert _duty(server, ana_id) == "on_duty"
    assert window.statusBar().currentMessage() == (
        "You have the page: 1 urgent mention to answer. You are on duty now."
    )
    assert words.TRAY_ACKNOWLEDGE not in _visible(tray)
    assert not team.remote.paged
    # The watch starts with the mention the page named first: shown in the stream.
    shown = window.selected_row()
    assert shown is not None
    assert shown.id == mention_id
    acked = server.get("/api/v1/pages?state=all")["data"]
    assert [(p["id"], p["state"], p["took_watch"]) for p in acked] == [
        (page.id, "acknowledged", True)
    ]


def test_the_tray_acknowledges_the_page(server: LiveServer, team_console_factory: Factory) -> None:
    _, ana_token = server.create_user("Ana", role="manager")
    ana = team_console_factory(server.base_url, ana_token)
    tray = ana.window.notifier.menu

    server.ingest([mention_json("ui-pg-2", URGENT)])
    page = _paged(ana)
    ana.inside(_action(tray, words.TRAY_ACKNOWLEDGE).trigger)
    ana.wait_until(ana.team_bridge.pagesChanged, lambda: ana.team.page_banner.isHidden())
    mine = server.get("/api/v1/pages?state=all")["data"]
    assert [(p["id"], p["state"], p["took_watch"]) for p in mine] == [
        (page.id, "acknowledged", False)
    ]
    assert ana.session.viewer.user is not None
    assert ana.session.viewer.user.duty is Duty.OFF_DUTY  # acknowledged, not on duty
    assert ana.window.statusBar().currentMessage() == (
        "You have the page: 1 urgent mention to answer."
    )
    assert words.TRAY_ACKNOWLEDGE not in _visible(tray)


def test_a_colleague_who_acknowledges_first_takes_the_banner_away(
    server: LiveServer, team_console_factory: Factory
) -> None:
    _, ana_token = server.create_user("Ana", role="manager")
    bo_id, bo_token = server.create_user("Bo", role="manager")
    ana = team_console_factory(server.base_url, ana_token)
    tray = ana.window.notifier.menu

    server.ingest([mention_json("ui-pg-3", URGENT)])
    page = _paged(ana)
    # Bo (any manager may) acknowledges Ana's page and takes the watch.
    answer = httpx.post(
        f"{server.base_url}/api/v1/pages/{page.id}/ack",
        json={"take_watch": True},
        headers=server.headers(bo_token),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    taken = PagePublic.model_validate(answer.json())
    assert taken.acknowledged_by is not None
    assert taken.acknowledged_by.id == bo_id
    assert taken.acknowledged_at is not None
    at = taken.acknowledged_at.astimezone().strftime("%H:%M")
    ana.wait_until(ana.team_bridge.pagesChanged, lambda: ana.team.page_banner.isHidden())
    assert ana.window.statusBar().currentMessage() == f"Bo took the page at {at} and is on duty."
    assert words.TRAY_ACKNOWLEDGE not in _visible(tray)
    assert not ana.team.remote.paged

    # Ana's late click (the banner still up in a second console) says who won.
    outcome = ana.act(ana.team.paging.acknowledge(page.id, take_watch=True))
    assert outcome.message == f"Bo already took it at {at}."
    assert ana.window.statusBar().currentMessage() == outcome.message


def test_my_paging_shows_the_servers_refusal_in_the_dialog_and_loses_nothing(
    server: LiveServer, team_console_factory: Factory
) -> None:
    _, token = server.create_user("Cy", role="manager")
    console = team_console_factory(server.base_url, token)
    paging = console.team.paging
    duty_menu = console.window.menu(Menu.DUTY)
    assert console.window.action(Action.MY_PAGING) in duty_menu.actions()

    dialog = console.act(paging.open_paging())
    assert dialog.isVisible()
    assert dialog.save_button.isEnabled()
    assert dialog.urls.item(0).text() == words.NO_URLS
    dialog.replace.setChecked(True)
    dialog.new_urls.setPlainText("json://hooks.example.com/page?token=s3cret\nnot a notifier url")
    dialog.quiet.setChecked(True)
    dialog.quiet_start.setText("22:30")
    dialog.quiet_end.setText("06:45")
    dialog.time_zone.setText("Europe/Paris")
    console.inside(dialog.save_button.click)
    console.run(console.quiet())
    # Refused by the server: said in the dialog, by position, without echoing the URL.
    assert dialog.isVisible()
    assert dialog.problem.text().startswith("Not saved: Paging URL 2 is not one the notifier")
    assert "not a notifier url" not in dialog.problem.text()
    assert dialog.new_urls.toPlainText().endswith("not a notifier url")  # nothing lost
    assert dialog.quiet_start.text() == "22:30"
    assert dialog.save_button.isEnabled()

    dialog.new_urls.setPlainText("json://hooks.example.com/page?token=s3cret")
    console.inside(dialog.save_button.click)
    console.run(console.quiet())
    assert not dialog.isVisible()
    assert console.window.statusBar().currentMessage() == words.SAVED
    stored: dict[str, Any] = server.get("/api/v1/users/me/paging", token)
    assert stored["quiet_hours"] == {"start": "22:30", "end": "06:45"}
    assert stored["time_zone"] == "Europe/Paris"
    [shown] = stored["urls"]
    assert "s3cret" not in shown

    # Opened again: the URL masked; saving the quiet hours alone keeps the URL.
    dialog = console.act(paging.open_paging())
    assert dialog.urls.item(0).text() == shown
    dialog.quiet.setChecked(False)
    console.inside(dialog.save_button.click)
    console.run(console.quiet())
    again: dict[str, Any] = server.get("/api/v1/users/me/paging", token)
    assert again["urls"] == [shown]
    assert again["quiet_hours"] is None


def test_a_manager_sets_and_resets_a_teams_on_call_order(
    server: LiveServer, team_console_factory: Factory
) -> None:
    ana_id, ana_token = server.create_user("Ana", role="manager", teams=["support"])
    bo_id, _ = server.create_user("Bo", role="manager", teams=["support"])
    console = team_console_factory(server.base_url, ana_token)
    console.wait_until(
        console.team_bridge.rosterChanged, lambda: console.team.duty.watch.roster is not None
    )
    roster = console.team.duty.watch.roster
    assert roster is not None
    team_id = next(t.team_id for t in roster.teams if t.team == "support")
    assert team_id is not None

    dialog = console.act(console.team.paging.open_on_call(team_id))
    assert dialog is not None
    assert dialog.follows_rota.isChecked()
    assert dialog.order_ids() == [ana_id, bo_id]  # no rota: the managers by name
    dialog.manual.setChecked(True)
    dialog.order.setCurrentRow(1)
    dialog.move_current(-1)
    dialog.minutes.setValue(3)
    console.inside(dialog.save_button.click)
    console.run(console.quiet())
    assert not dialog.isVisible()
    on_call = server.get(f"/api/v1/teams/{team_id}/on-call")
    assert on_call["source"] == "manual"
    assert [p["id"] for p in on_call["order"]] == [bo_id, ana_id]
    assert on_call["escalate_after_minutes"] == 3
    assert console.window.statusBar().currentMessage() == (
        "On-call order of support saved: Bo, Ana."
    )

    dialog = console.act(console.team.paging.open_on_call(team_id))
    assert dialog is not None
    assert dialog.manual.isChecked()
    console.inside(dialog.reset_button.click)
    console.inside(dialog.save_button.click)
    console.run(console.quiet())
    assert server.get(f"/api/v1/teams/{team_id}/on-call")["source"] == "rota"
