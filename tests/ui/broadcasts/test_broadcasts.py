"""Broadcasts between real consoles: a manager's note shows as a banner on an on-duty rep's
console at once, the rep's acknowledgement shows live on the manager's, and an off-duty rep
sees it when coming on duty."""

from __future__ import annotations

from collections.abc import Callable

from app.models.enums import Duty, Severity
from app.ui.broadcasts.banner import SEVERITY_LOOK
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole

Factory = Callable[[str, str], TeamTestConsole]


def _on_duty(console: TeamTestConsole) -> None:
    console.act(console.session.set_duty(Duty.ON_DUTY))


def test_a_broadcast_reaches_an_on_duty_console_and_the_ack_shows_on_the_managers(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, boss_token = live_server.create_user("bc-boss", role="manager")
    _, rep_token = live_server.create_user("bc-ana", teams=["support"])
    boss = team_console_factory(live_server.base_url, boss_token)
    rep = team_console_factory(live_server.base_url, rep_token)
    _on_duty(rep)
    banner = rep.team.broadcast_banner
    assert banner.isHidden()

    outcome = boss.act(
        boss.team.broadcasts.send_broadcast("Refunds approved for late orders.", Severity.URGENT)
    )
    assert outcome.message.startswith("Broadcast sent")
    rep.wait_until(rep.team_bridge.broadcastBanner, lambda: banner.isVisible())
    assert banner.text.text() == "Refunds approved for late orders."
    assert "URGENT broadcast from bc-boss" in banner.title.text()
    assert banner.accessibleName() == "URGENT broadcast from bc-boss"
    assert rep.team.remote.unread == 1
    assert rep.window.notifier.alerts_shown[-1] == "URGENT broadcast from bc-boss"
    # The sender owes no acknowledgement: no banner on the manager's console.
    assert boss.team.broadcast_banner.isHidden()
    broadcast_id = banner.broadcast.id if banner.broadcast else -1
    assert "bc-ana" in [p.name for p in boss.desk.broadcasts.broadcasts[broadcast_id].pending]

    banner.button.click()  # Acknowledge
    rep.wait_until(rep.team_bridge.broadcastBanner, lambda: banner.isHidden())
    assert rep.team.remote.unread == 0
    boss.wait_until(
        boss.team_bridge.broadcastAcks,
        lambda: "bc-ana" in boss.team.acks_view.acked_names(broadcast_id),
    )
    acked = boss.desk.broadcasts.broadcasts[broadcast_id]
    assert "bc-ana" not in [p.name for p in acked.pending]
    assert boss.team.acks_dock.isVisible()


def test_an_off_duty_rep_sees_the_broadcast_when_coming_on_duty(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, boss_token = live_server.create_user("bc-boss2", role="manager")
    _, rep_token = live_server.create_user("bc-ben", teams=["billing"])
    boss = team_console_factory(live_server.base_url, boss_token)
    rep = team_console_factory(live_server.base_url, rep_token)
    banner = rep.team.broadcast_banner

    boss.act(boss.team.broadcasts.send_broadcast("Store opening hours changed.", Severity.INFO))
    rep.wait_until(
        rep.team_bridge.broadcastAcks,
        lambda: any("opening hours" in b.text for b in rep.desk.broadcasts.broadcasts.values()),
    )
    assert banner.isHidden()  # off duty: held

    _on_duty(rep)
    rep.wait_until(rep.team_bridge.broadcastBanner, lambda: banner.isVisible())
    owed_texts = [b.text for b in rep.desk.broadcasts.showing()]
    assert "Store opening hours changed." in owed_texts
    assert SEVERITY_LOOK[Severity.INFO][2] in banner.title.text() or banner.waiting > 0


def test_a_rep_cannot_send_and_an_empty_note_is_refused_with_a_message(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, rep_token = live_server.create_user("bc-carl")
    rep = team_console_factory(live_server.base_url, rep_token)
    refused = rep.act(rep.team.broadcasts.send_broadcast("Hello all", Severity.INFO))
    assert refused.result.value == "failed"
    assert rep.window.notice_banner.isVisible()
    empty = rep.act(rep.team.broadcasts.send_broadcast("   ", Severity.INFO))
    assert "empty" in empty.message
