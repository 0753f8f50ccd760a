"""Routing and response clocks in a rep's running console, against a real team server: a
mention the team's round robin gives her arrives as hers, the owner's tooltip and the detail
pane say why ("billing (keyword “refund”) · round robin"), the Due column appears with the
time left, sorting by Due puts the soonest first, and when the server announces the target
missed (its upkeep round, run here at a later moment on the server's own database) the row
turns late and the tray tells her — the owner — at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from PySide6.QtGui import QPalette

from app.client.stream.narrowing import SortColumn
from app.client.stream.response_clock import ClockState, read_clock
from app.server.db import open_database
from app.server.services.response_targets import announce_breaches
from app.ui.qt import theme
from app.ui.qt.theme import Role
from app.ui.stream.filter import FilterMode
from app.ui.stream.model import Column
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _as(live_server: LiveServer, token: str, method: str, path: str, body: object) -> None:
    response = httpx.request(
        method,
        f"{live_server.base_url}/api/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_a_routed_mention_arrives_as_mine_with_its_reason_and_clock(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _boss_id, boss = live_server.create_user("rt-boss", role="manager", teams=["billing"])
    ana_id, ana_token = live_server.create_user("rt-ana", role="rep", teams=["billing"])
    teams = live_server.get("/api/v1/teams", boss)["data"]
    billing = next(t["id"] for t in teams if t["name"] == "billing")
    _as(live_server, ana_token, "PUT", f"/users/{ana_id}/duty", {"duty": "on_duty"})
    _as(
        live_server,
        boss,
        "PUT",
        f"/teams/{billing}/routing",
        {"mode": "round_robin", "capacity": 5, "keywords": ["refund"]},
    )
    _as(
        live_server,
        boss,
        "PUT",
        f"/teams/{billing}/sla",
        {"first_response_minutes": {"urgent": 30, "high": 30, "normal": 30, "low": 30}},
    )
    ana = console_factory(live_server.base_url, ana_token)
    window = ana.window
    assert window.view.isColumnHidden(Column.DUE)  # no clock yet: no column

    before = datetime.now(UTC)
    (mine,) = live_server.ingest([mention_json("rt-1", "I want a refund for my order")])
    (other,) = live_server.ingest([mention_json("rt-2", "Nice shop")])
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(other) is not None)
    window.model.flush()
    window.set_filter_mode(FilterMode.ALL)
    row = ana.session.row(mine)
    assert row is not None
    assert row.assignee_name == "rt-ana"
    assert row.routed_reason == "billing (keyword “refund”) · round robin"
    assert row.sla_due_at is not None
    assert timedelta(minutes=29) < row.sla_due_at - before < timedelta(minutes=31)

    # The Due column is on show, with the time left; the owner's tooltip says why.
    assert not window.view.isColumnHidden(Column.DUE)
    model = window.model
    index = model.index_of(mine, Column.DUE)
    assert model.data(index) in {"29m", "30m"}
    owner_tip = model.data(model.index_of(mine, Column.OWNER), 3)  # ToolTipRole
    assert "rt-ana: billing (keyword “refund”) · round robin" in owner_tip
    assert model.data(model.index_of(other, Column.DUE)) == ""  # no team: no clock

    # Sorting by Due: the mention with a clock first.
    window.stream.sort_by_column(SortColumn.DUE)
    window.model.flush()
    assert window.proxy.row_at(0).id == mine

    # The detail pane says why and how long.
    window.stream.select_mention(mine)
    detail = window.detail
    assert detail.routing.isVisible()
    assert detail.routing.text() == "Routing: rt-ana: billing (keyword “refund”) · round robin"
    assert detail.clock_line.text().startswith("First response due by")

    # 31 minutes later the server's upkeep round finds it missed and says so.
    db = open_database(live_server.database_url)
    try:
        with db.write() as session:
            assert announce_breaches(session, datetime.now(UTC) + timedelta(minutes=31)) == [mine]
    finally:
        db.dispose()
    notifier = window.notifier
    ana.wait_until(
        ana.bridge.responseMissed,
        lambda: any("Response time missed" in t for t in notifier.alerts_shown),
    )
    title, message = notifier.messages_shown[-1]
    assert title == "Response time missed: @customerrt-1"
    assert "(yours)" in message
    assert "refund" in message
    late = ana.session.row(mine)
    assert late is not None
    assert late.sla_breached
    reading = read_clock(late, datetime.now(UTC))
    assert reading is not None
    assert reading.state is ClockState.LATE
    # The row and the detail pane show it late, in the late colour.
    window.model.flush()
    assert window.model.data(window.model.index_of(mine, Column.DUE)).startswith("late")
    window.stream.select_mention(mine)
    assert detail.clock_line.text().startswith("First-response target missed")
    late_colour = detail.clock_line.palette().color(QPalette.ColorRole.WindowText)
    assert late_colour == theme.color(Role.CLOCK_LATE, detail.clock_line.palette())
