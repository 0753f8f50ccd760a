"""The manager overview of a server minutes old: every plot with nothing to show says "none
yet" instead of drawing an empty frame, the axes that count people, mentions or handoffs tick
in whole numbers, coverage is counted since the server began, and people in no team are
counted apart. Renders the dialog to a PNG (set RESPONDER_SHOTS_DIR to keep it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg

from app.client.manager.overview import NONE_YET, not_in_team
from app.client.stream.actions import ActionResult
from app.models.enums import Duty
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole
from tests.ui.test_screens import assert_labels_fit, save, shots_dir

Factory = Callable[[str, str], TeamTestConsole]


def _notes(plot: pg.PlotWidget) -> list[str]:
    return [
        item.toPlainText() for item in plot.getPlotItem().items if isinstance(item, pg.TextItem)
    ]


def _tick_values(plot: pg.PlotWidget, side: str) -> list[float]:
    ticks = plot.getAxis(side)._tickLevels  # what setTicks fixed
    assert ticks, f"{side} axis has no fixed ticks"
    return [value for value, _ in ticks[0]]


def _on_duty_alone(console: TeamTestConsole) -> int:
    return not_in_team(console.desk.watch.roster)[0]


def test_a_fresh_server_says_none_yet_with_whole_number_axes(
    live_server: LiveServer, team_console_factory: Factory, tmp_path: Path
) -> None:
    _, token = live_server.create_user("Noor", role="manager")  # in no team
    noor = team_console_factory(live_server.base_url, token)
    outcome = noor.act(noor.session.set_duty(Duty.ON_DUTY))
    assert outcome.result is ActionResult.DONE, outcome.message
    # The overview counts from the console's roster, which follows the duty event: the event
    # can arrive after the answer to the change (on a loaded machine it did, and Noor was
    # counted off duty). Open the overview once the roster has her on duty.
    noor.wait_until(noor.team_bridge.rosterChanged, lambda: _on_duty_alone(noor) == 1)

    dialog = noor.run(noor.team.manager.show_overview())
    text = dialog.summary.text()
    assert "not loaded" not in text, text
    assert "Past week:" not in text  # a server minutes old is not a week of gaps
    assert "Since the server began" in text or f"Hours with nobody on duty: {NONE_YET}" in text
    assert "Not in a team: 1 of 2 on duty." in text  # Noor, and the server's admin off duty

    for plot in (dialog.per_hour, dialog.handoffs, dialog.responses):
        assert _notes(plot) == [NONE_YET], plot.getPlotItem().titleLabel.text
    assert _notes(dialog.duty) == []  # the server's teams exist, with nobody in them yet
    assert _notes(dialog.coverage) == []  # the hour since the server began
    for plot, side in (
        (dialog.per_hour, "left"),
        (dialog.handoffs, "left"),
        (dialog.coverage, "left"),
        (dialog.duty, "bottom"),
    ):
        values = _tick_values(plot, side)
        assert values[0] == 0
        assert all(float(v).is_integer() for v in values), (side, values)
        assert values == sorted(set(values))
    # the count axes end on their last tick: 0 to 1 for nothing yet
    assert dialog.per_hour.getViewBox().viewRange()[1][1] >= 1

    noor.inside(lambda: assert_labels_fit(dialog))
    noor.inside(lambda: save(dialog, shots_dir(tmp_path) / "team-overview-empty.png"))
