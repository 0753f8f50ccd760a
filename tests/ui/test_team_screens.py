"""Renders every team screen to PNG so a person can look at them (set RESPONDER_SHOTS_DIR to
keep them): the tray icon in each coverage state, the broadcast banner per severity, the
handoff panel, roster, follow-ups and acknowledgements docks, and the team dialogs. The asserts
catch the mechanical failures: empty images, blank panes, clipped labels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from app.client.handoffs.board import Box
from app.models.enums import Duty, Severity
from app.models.schemas import BroadcastPublic, UserRef
from app.ui.broadcasts.banner import BroadcastBanner
from app.ui.broadcasts.dialog import BroadcastDialog
from app.ui.handoffs.dialogs import DeclineDialog, HandoffChoice, HandoffDialog
from app.ui.stream.filter import FilterMode
from app.ui.team.tray import coverage_pixmap
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole
from tests.ui.test_screens import assert_labels_fit, demo_mentions, save, shots_dir

pytestmark = pytest.mark.slow

Factory = Callable[[str, str], TeamTestConsole]


def test_render_the_tray_icon_states(qapp: object, tmp_path: Path) -> None:
    states = [("covered", 0, 0), ("thin", 3, 0), ("nobody", 12, 2), ("unknown", 0, 1)]
    sheet = QPixmap(4 * 80 + 10, 2 * 80 + 10)
    sheet.fill(QColor("#FFFFFF"))
    painter = QPainter(sheet)
    for column, (level, urgent, unread) in enumerate(states):
        painter.drawPixmap(QPoint(10 + column * 80, 10), coverage_pixmap(level, urgent, unread))
        painter.drawPixmap(
            QPoint(10 + column * 80 + 16, 100), coverage_pixmap(level, urgent, unread, size=32)
        )
    painter.fillRect(0, 90, sheet.width(), 2, QColor("#303030"))
    painter.end()
    dark = QPixmap(sheet.width(), 90)
    dark.fill(QColor("#202124"))
    painter = QPainter(dark)
    for column, (level, urgent, unread) in enumerate(states):
        painter.drawPixmap(QPoint(10 + column * 80, 10), coverage_pixmap(level, urgent, unread))
    painter.end()
    out = shots_dir(tmp_path)
    assert sheet.save(str(out / "team-tray-icons.png"))
    assert dark.save(str(out / "team-tray-icons-dark.png"))


def test_render_the_broadcast_banner_per_severity(qapp: object, tmp_path: Path) -> None:
    boss = UserRef(id=1, name="Maya (manager)")
    now = datetime.now(UTC)
    for severity in Severity:
        banner = BroadcastBanner()
        banner.resize(900, 10)
        owed = [
            BroadcastPublic(
                id=i,
                author=boss,
                text="Approved: full refunds for orders delayed by the storm. No need to ask "
                "a manager first — say sorry, refund, and tag the mention 'storm'.",
                severity=severity,
                created_at=now,
                acks=[],
                pending=[],
            )
            for i in range(1, 3)
        ]
        banner.show_owed(owed)
        banner.adjustSize()
        banner.resize(900, banner.sizeHint().height())
        assert_labels_fit(banner)
        save(banner, shots_dir(tmp_path) / f"team-banner-{severity.value}.png")


def test_render_the_team_console(
    live_server: LiveServer, team_console_factory: Factory, tmp_path: Path
) -> None:
    out = shots_dir(tmp_path)
    _, maya_token = live_server.create_user("Maya", role="manager", teams=["support"])
    ana_id, ana_token = live_server.create_user("Ana", teams=["support"])
    ben_id, ben_token = live_server.create_user("Ben", teams=["billing"])
    live_server.create_user("Chloé", teams=["communications"])
    live_server.create_user("Dev", teams=["product", "support"])
    ids = live_server.ingest(demo_mentions())
    maya = team_console_factory(live_server.base_url, maya_token)
    ana = team_console_factory(live_server.base_url, ana_token)
    ben = team_console_factory(live_server.base_url, ben_token)
    for console in (maya, ana, ben):
        console.act(console.session.set_duty(Duty.ON_DUTY))
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(ids[-1]) is not None)
    ben.wait_until(ben.bridge.rowsChanged, lambda: ben.session.row(ids[-1]) is not None)

    ana.act(
        ana.team.handoffs.hand_off(
            ids[0],
            HandoffChoice(ben_id, None, "Charged twice for order #5521; I said we'd check today."),
        )
    )
    maya.act(
        maya.team.handoffs.hand_off(
            ids[1], HandoffChoice(None, "billing", "Invoice address wrong on a B2B order.")
        )
    )
    ben.act(
        ben.team.handoffs.hand_off(ids[2], HandoffChoice(ana_id, None, "Shipping, not billing."))
    )
    maya.act(
        maya.team.broadcasts.send_broadcast(
            "Approved: full refunds for storm-delayed orders. No manager sign-off needed.",
            Severity.URGENT,
        )
    )
    ben.wait_until(ben.team_bridge.broadcastBanner, lambda: ben.team.broadcast_banner.isVisible())
    ana.wait_until(ana.team_bridge.broadcastBanner, lambda: ana.team.broadcast_banner.isVisible())
    ana.act(ana.team.broadcasts.acknowledge(ana.desk.broadcasts.showing()[0].id))
    maya.wait_until(
        maya.team_bridge.broadcastAcks,
        lambda: any(b.acks for b in maya.desk.broadcasts.broadcasts.values()),
    )
    panel = ben.team.handoff_panel
    ben.wait_until(
        ben.team_bridge.handoffsChanged,
        lambda: len(panel.items(Box.TO_ME)) == 1 and len(panel.items(Box.TO_MY_TEAMS)) == 1,
    )

    ben.inside(lambda: select_first_handed(ben))
    ben.run(ben.window.detail_loaded())
    ben.inside(lambda: shoot_consoles(maya, ben, out))

    overview = maya.run(maya.team.manager.show_overview())
    assert overview.summary.text().startswith(f"{len(ids)} mentions in the last 24 h")
    assert "3 open handoffs" in overview.summary.text()
    maya.inside(lambda: save(overview, out / "team-overview.png"))


def select_first_handed(console: TeamTestConsole) -> None:
    console.window.set_filter_mode(FilterMode.HANDED_TO_ME)
    console.window.model.flush()
    assert console.window.proxy.rowCount() == 2
    console.window.view.selectRow(0)


def shoot_consoles(maya: TeamTestConsole, ben: TeamTestConsole, out: Path) -> None:
    """The grabs, run inside the loop (TeamTestConsole.inside)."""
    panel = ben.team.handoff_panel
    # Ben: a rep with handoffs waiting and an urgent broadcast to acknowledge.
    panel.select_handoff(panel.items(Box.TO_ME)[0].data(0, Qt.ItemDataRole.UserRole))
    assert panel.accept_button.isEnabled()
    assert_labels_fit(ben.window)
    save(ben.window, out / "team-rep-console.png")
    panel.resize(520, 300)
    save(panel, out / "team-handoff-panel.png")

    # Maya: a manager with roster and acknowledgements docks.
    maya.team.roster_dock.show()
    maya.team.acks_dock.show()
    maya.team.acks_dock.raise_()
    assert maya.team.acks_view.tree.topLevelItemCount() == 1
    save(maya.window, out / "team-manager-console.png")
    maya.team.roster_view.resize(480, 420)
    save(maya.team.roster_view, out / "team-roster.png")
    maya.team.acks_view.resize(640, 200)
    save(maya.team.acks_view, out / "team-broadcast-acks.png")
    maya.team.coverage_banner.say(
        "Urgent, nobody on duty — An urgent mention arrived and nobody is on duty: "
        "@sam_burned “This is dangerous, my child got hurt, lawsuit and press coming”."
    )
    maya.team.coverage_banner.resize(900, maya.team.coverage_banner.sizeHint().height())
    save(maya.team.coverage_banner, out / "team-coverage-banner.png")

    # Dialogs.
    dialog = HandoffDialog(
        "mention #12 (@sam_k)", maya.team.handoffs.people(), maya.desk.watch.team_names
    )
    dialog.note.setPlainText("Customer threatens to go to the press; legal should look.")
    assert_labels_fit(dialog)
    save(dialog, out / "team-dialog-handoff.png")
    broadcast = BroadcastDialog()
    broadcast.text.setPlainText("Outage on checkout since 14:05 — tell customers we're on it.")
    assert_labels_fit(broadcast)
    save(broadcast, out / "team-dialog-broadcast.png")
    decline = DeclineDialog("Mention #12 (@sam_k)")
    save(decline, out / "team-dialog-decline.png")
    for widget in (dialog, broadcast, decline):
        widget.deleteLater()
    assert isinstance(ben.window, QWidget)
