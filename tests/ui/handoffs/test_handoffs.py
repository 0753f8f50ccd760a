"""Handoffs between real consoles: hand a mention to a person, who accepts it from the panel
and becomes its owner; decline with a reason returns it to the sender; "handed to me" knows
handoffs made before the console started; the mention's history shows the handoff."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.client.handoffs.board import Box
from app.client.stream.session import ActionResult
from app.models.enums import Duty
from app.ui.handoffs.dialogs import DeclineDialog, HandoffChoice, HandoffDialog
from app.ui.stream.filter import FilterMode
from tests.support.live_server import LiveServer, mention_json
from tests.ui.team_harness import TeamTestConsole

Factory = Callable[[str, str], TeamTestConsole]


def _mention(server: LiveServer, external_id: str) -> int:
    return server.ingest([mention_json(external_id, "My parcel never arrived, please help")])[0]


def _has_row(console: TeamTestConsole, mention_id: int) -> None:
    console.wait_until(
        console.bridge.rowsChanged, lambda: console.session.row(mention_id) is not None
    )


def test_hand_to_a_person_who_accepts_from_the_panel(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, ana_token = live_server.create_user("ho-ana", teams=["support"])
    ben_id, ben_token = live_server.create_user("ho-ben", teams=["billing"])
    ana = team_console_factory(live_server.base_url, ana_token)
    ben = team_console_factory(live_server.base_url, ben_token)
    ben.act(ben.session.set_duty(Duty.ON_DUTY))
    mention_id = _mention(live_server, "ho-1")
    _has_row(ana, mention_id)

    ana.window.set_filter_mode(FilterMode.ALL)
    ana.window.model.flush()
    assert ana.window.select_mention(mention_id)
    assert ana.team.handoff_panel.hand_off_button.isEnabled()
    assert any(p[0].id == ben_id for p in ana.team.handoffs.people())
    outcome = ana.act(
        ana.team.handoffs.hand_off(
            mention_id, HandoffChoice(ben_id, None, "Refund question, card charged twice")
        )
    )
    assert outcome.result is ActionResult.DONE, outcome.message
    assert len(ana.team.handoff_panel.items(Box.FROM_ME)) == 1

    panel = ben.team.handoff_panel
    ben.wait_until(ben.team_bridge.handoffsChanged, lambda: len(panel.items(Box.TO_ME)) == 1)
    item = panel.items(Box.TO_ME)[0]
    assert item.text(0) == f"#{mention_id} @customerho-1"
    assert item.text(1) == "ho-ana → ho-ben"
    assert item.text(3) == "Refund question, card charged twice"
    assert item.text(2).endswith(" s") or "min" in item.text(2)
    assert mention_id in ben.session.viewer.handed_to_me
    assert ben.window.notifier.alerts_shown[-1] == f"ho-ana handed you mention #{mention_id}"

    panel.tree.setCurrentItem(item)
    assert panel.accept_button.isEnabled()
    panel.accept_button.click()
    ben.wait_until(
        ben.bridge.rowsChanged,
        lambda: (row := ben.session.row(mention_id)) is not None and row.assignee_id == ben_id,
    )
    ben.run(ben.quiet())
    assert panel.items(Box.TO_ME) == []
    ana.wait_until(ana.team_bridge.handoffsChanged, lambda: not ana.desk.handoffs.handoffs)
    # The handoff is part of the mention's history.
    detail = ana.run(ana.session.mention_detail(mention_id))
    assert detail is not None
    assert any(h.to_user is not None and h.to_user.id == ben_id for h in detail.handoffs)
    assert any(e.type.value == "handoff.updated" for e in detail.history)


def test_decline_with_a_reason_returns_it_to_the_sender(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, cleo_token = live_server.create_user("ho-cleo", teams=["support"])
    dan_id, dan_token = live_server.create_user("ho-dan", teams=["legal"])
    cleo = team_console_factory(live_server.base_url, cleo_token)
    dan = team_console_factory(live_server.base_url, dan_token)
    mention_id = _mention(live_server, "ho-2")
    _has_row(cleo, mention_id)

    cleo.act(cleo.team.handoffs.hand_off(mention_id, HandoffChoice(dan_id, None, "Looks legal?")))
    dan.wait_until(dan.team_bridge.handoffsChanged, lambda: bool(dan.desk.handoffs.handoffs))
    handoff_id = next(iter(dan.desk.handoffs.handoffs))

    empty = dan.act(dan.team.handoffs.decline(handoff_id, "  "))
    assert empty.result is ActionResult.FAILED
    declined = dan.act(dan.team.handoffs.decline(handoff_id, "Not legal: a delivery question."))
    assert declined.result is ActionResult.DONE, declined.message

    cleo.wait_until(cleo.team_bridge.handoffAnswered, lambda: cleo.window.notice_banner.isVisible())
    assert "Not legal: a delivery question." in cleo.window.notice_banner.label.text()
    assert "It is back with you" in cleo.window.notice_banner.label.text()
    assert cleo.team.handoff_panel.items(Box.FROM_ME) == []


def test_handed_to_me_knows_handoffs_made_before_the_console_started(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, eve_token = live_server.create_user("ho-eve", teams=["support"])
    fay_id, fay_token = live_server.create_user("ho-fay", teams=["product"])
    eve = team_console_factory(live_server.base_url, eve_token)
    mention_id = _mention(live_server, "ho-3")
    _has_row(eve, mention_id)
    eve.act(eve.team.handoffs.hand_off(mention_id, HandoffChoice(fay_id, None, "")))

    fay = team_console_factory(live_server.base_url, fay_token)  # starts after the handoff
    assert mention_id in fay.session.viewer.handed_to_me
    assert len(fay.team.handoff_panel.items(Box.TO_ME)) == 1


def test_a_team_handoff_lists_under_to_my_teams(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, gus_token = live_server.create_user("ho-gus", teams=["support"])
    _, hal_token = live_server.create_user("ho-hal", teams=["stores"])
    gus = team_console_factory(live_server.base_url, gus_token)
    hal = team_console_factory(live_server.base_url, hal_token)
    mention_id = _mention(live_server, "ho-4")
    _has_row(gus, mention_id)
    assert "stores" in gus.desk.watch.team_names
    gus.act(
        gus.team.handoffs.hand_off(
            mention_id, HandoffChoice(None, "stores", "Store manager needed")
        )
    )
    panel = hal.team.handoff_panel
    hal.wait_until(hal.team_bridge.handoffsChanged, lambda: len(panel.items(Box.TO_MY_TEAMS)) == 1)
    assert panel.items(Box.TO_MY_TEAMS)[0].text(1) == "ho-gus → team stores"


@pytest.mark.usefixtures("qapp")
def test_the_dialogs_refuse_incomplete_input_with_a_message() -> None:
    dialog = HandoffDialog("mention #1", [], [], None)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.problem.text() == "Choose a person or a team."
    assert dialog.result() == 0
    decline = DeclineDialog("Mention #1")
    box = decline.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "Say why" in decline.problem.text()
