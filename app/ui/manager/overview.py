"""The manager overview: five small plots (pyqtgraph) — mentions per hour by priority band
over the last day, first-response time per day (median and p90) over the week, open handoffs
by team, who is on duty per team now, and people on duty per hour over the week (hours with
nobody in red); below the summary, each team's first responses in time against its
response-time targets (today, yesterday, the past week) and the week's storms. It draws an
`Overview` computed by app/client/manager/overview.py, nothing else."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.client.manager import routing_words
from app.client.manager.attainment import TeamAttainment
from app.client.manager.overview import (
    NONE_YET,
    CoverageTrend,
    Overview,
    ResponseTrend,
    count_ticks,
    coverage_trend,
    coverage_words,
    response_trend,
)
from app.client.team import storm_words
from app.ui.qt import theme
from app.ui.qt.theme import Role

# Band colours (distinct in lightness too, so they read in grey): urgent, raised, routine.
BAND_COLOURS = {
    "urgent": Role.CHART_URGENT,
    "raised": Role.CHART_RAISED,
    "routine": Role.CHART_ROUTINE,
}


def _c(role: Role) -> str:
    return theme.name(role)


def _plot(title: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color=_c(Role.CHART_TEXT), size="10pt")
    plot.setLabel("left", left, color=_c(Role.CHART_TEXT))
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    # 170: the three rows, the summary, the targets' table and the storms fit the dialog's
    # least height (700) without the legend running into the coverage plot.
    plot.setMinimumSize(300, 170)
    return plot


def _ticks(plot: pg.PlotWidget, labels: list[str], every: int = 1) -> None:
    axis = plot.getAxis("bottom")
    axis.setTicks([[(i, text) for i, text in enumerate(labels) if i % every == 0]])


def _count_axis(plot: pg.PlotWidget, side: str, top: int, *, low: float = 0.0) -> list[int]:
    """An axis that counts people or mentions: whole-number ticks from 0 to a round top
    (`count_ticks`), never 0.2 of a mention. `low` leaves room below 0 (coverage's red strip)."""
    ticks = count_ticks(top)
    plot.getAxis(side).setTicks([[(n, str(n)) for n in ticks]])
    if side == "left":
        plot.setYRange(low, ticks[-1], padding=0.05 if low == 0 else 0)
    else:
        plot.setXRange(low, ticks[-1], padding=0.05)
    return ticks


def _none_yet(plot: pg.PlotWidget, x: float, y: float) -> pg.TextItem:
    """An empty series says so in its plot instead of drawing an empty frame."""
    note = pg.TextItem(NONE_YET, color=_c(Role.CHART_NOTE), anchor=(0.5, 0.5))
    note.setPos(x, y)
    plot.addItem(note)
    return note


class OverviewDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Manager overview")
        self.setMinimumSize(900, 700)
        self.resize(1100, 820)
        self.summary = QLabel("Loading…")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        # Brand accounts' names and what the storms were about: shown as written.
        self.storms = QLabel("")
        self.storms.setWordWrap(True)
        self.storms.setTextFormat(Qt.TextFormat.PlainText)
        self.storms.setAccessibleName("Storms of the past week")
        self.targets_heading = QLabel("")
        self.targets_heading.setWordWrap(True)
        self.targets_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.targets = _attainment_table()
        self.per_hour = _plot("Mentions per hour, last 24 h, by priority", "mentions")
        self.handoffs = _plot("Open handoffs by receiving team", "handoffs")
        self.duty = _plot("On duty now (green) / team size (grey)", "")
        self.duty.setLabel("bottom", "people", color=_c(Role.CHART_TEXT))
        self.responses = _plot("First response per day, past week: median / p90", "minutes")
        self.coverage = _plot(
            "People on duty per hour, past week (red strip: nobody on duty)", "people"
        )
        swatches = "  ".join(
            f'<span style="color:{_c(role)}">■</span> {name}' for name, role in BAND_COLOURS.items()
        )
        self.legend = QLabel(
            f"Priority: {swatches}.   First response: "
            f'<span style="color:{_c(Role.CHART_MEDIAN)}">●</span> median  '
            f'<span style="color:{_c(Role.CHART_P90)}">●</span> p90.   Coverage: '
            f'<span style="color:{_c(Role.CHART_COVERED)}">■</span> people on duty  '
            f'<span style="color:{_c(Role.CHART_GAP)}">■</span> nobody on duty.'
        )
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self.per_hour, 0, 0)
        grid.addWidget(self.responses, 0, 1)
        grid.addWidget(self.handoffs, 1, 0)
        grid.addWidget(self.duty, 1, 1)
        grid.addWidget(self.coverage, 2, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.targets_heading)
        layout.addWidget(self.targets)
        layout.addWidget(self.storms)
        layout.addLayout(grid, 1)
        layout.addWidget(self.legend)
        self.setAccessibleName("Manager overview")
        self._show_attainment((), loaded=False)

    def show_overview(self, overview: Overview) -> None:
        hourly = overview.hourly
        self.per_hour.clear()
        x = list(range(len(hourly.starts)))
        base = [0] * len(x)
        for name, values in (
            ("urgent", hourly.urgent),
            ("raised", hourly.raised),
            ("routine", hourly.routine),
        ):
            if not hourly.empty:  # zero-height bars would draw as dashes along the axis
                self.per_hour.addItem(
                    pg.BarGraphItem(
                        x=x, height=values, y0=list(base), width=0.8, brush=_c(BAND_COLOURS[name])
                    )
                )
            base = [b + v for b, v in zip(base, values, strict=True)]
        labels = [start.astimezone().strftime("%H:00") for start in hourly.starts]
        _ticks(self.per_hour, labels, every=3)
        self.per_hour.setXRange(-0.5, max(len(x) - 0.5, 0.5), padding=0)
        ticks = _count_axis(self.per_hour, "left", max(base, default=0))
        if hourly.empty:
            _none_yet(self.per_hour, (len(x) - 1) / 2, ticks[-1] / 2)

        self.handoffs.clear()
        teams = [name for name, _ in overview.handoffs_by_team]
        counts = [count for _, count in overview.handoffs_by_team]
        if counts:
            self.handoffs.addItem(
                pg.BarGraphItem(
                    x=list(range(len(counts))),
                    height=counts,
                    width=0.6,
                    brush=_c(Role.CHART_VOLUME),
                )
            )
        _ticks(self.handoffs, teams)
        self.handoffs.setXRange(-0.5, max(len(counts) - 0.5, 0.5), padding=0)
        ticks = _count_axis(self.handoffs, "left", max(counts, default=0))
        if overview.no_open_handoffs:
            _none_yet(self.handoffs, 0, ticks[-1] / 2)

        # Horizontal bars: team names are long and many; they read down the left axis.
        self.duty.clear()
        names = [name for name, _, _ in overview.on_duty_by_team]
        members = [total for _, _, total in overview.on_duty_by_team]
        on = [count for _, count, _ in overview.on_duty_by_team]
        if names:
            ys = list(range(len(names)))
            self.duty.addItem(
                pg.BarGraphItem(x0=0, y=ys, height=0.7, width=members, brush=_c(Role.CHART_MEMBERS))
            )
            self.duty.addItem(
                pg.BarGraphItem(x0=0, y=ys, height=0.7, width=on, brush=_c(Role.CHART_COVERED))
            )
        self.duty.getAxis("left").setTicks([list(enumerate(names))])
        self.duty.getPlotItem().invertY(True)
        self.duty.setYRange(-0.5, max(len(names) - 0.5, 0.5), padding=0.05)
        ticks = _count_axis(self.duty, "bottom", max(members, default=0))
        if overview.no_teams:
            _none_yet(self.duty, ticks[-1] / 2, 0)

        urgent = sum(hourly.urgent)
        open_handoffs = sum(counts)
        uncovered = [name for name, count, _ in overview.on_duty_by_team if count == 0]
        lines = [
            f"{hourly.total} mentions in the last 24 h ({urgent} urgent); "
            f"{open_handoffs} open handoffs.",
        ]
        if uncovered:
            lines.append("Teams with nobody on duty: " + ", ".join(uncovered) + ".")
        on_duty_alone, alone = overview.not_in_team
        if alone > 0:
            lines.append(f"Not in a team: {on_duty_alone} of {alone} on duty.")
        if overview.history is not None:
            trend = response_trend(overview.history)
            gaps = coverage_trend(overview.history)
            self._show_responses(trend)
            self._show_coverage(gaps)
            lines.append(_history_line(trend, gaps))
        lines.extend(overview.problems)
        self.summary.setText("\n".join(lines))
        self._show_attainment(overview.attainment, loaded=overview.history is not None)
        self.storms.setText(storm_lines(overview))

    def _show_attainment(self, teams: tuple[TeamAttainment, ...], *, loaded: bool) -> None:
        """One row per team with targets: today, yesterday, the past week in time."""
        self.targets_heading.setVisible(loaded)
        self.targets.setVisible(loaded and bool(teams))
        self.targets_heading.setText(
            routing_words.ATTAINMENT_HEADING if teams else routing_words.NO_TARGETS_YET
        )
        self.targets.setRowCount(len(teams))
        for row, team in enumerate(teams):
            cells = (team.team, team.today.words(), team.yesterday.words(), team.week.words())
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(team.line())  # plain text: a team's name as written
                if column > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.targets.setItem(row, column, item)
        shown = min(len(teams), 5)  # more teams scroll
        header = self.targets.horizontalHeader().sizeHint().height()
        rows = self.targets.verticalHeader().defaultSectionSize() * shown
        self.targets.setFixedHeight(header + rows + 2 * self.targets.frameWidth() + 2)

    def _show_responses(self, trend: ResponseTrend) -> None:
        self.responses.clear()
        x = list(range(len(trend.days)))
        for values, colour in (
            (trend.median_minutes, _c(Role.CHART_MEDIAN)),
            (trend.p90_minutes, _c(Role.CHART_P90)),
        ):
            y = [math.nan if v is None else v for v in values]
            self.responses.plot(
                x,
                y,
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=7,
                symbolBrush=colour,
                symbolPen=colour,
                connect="finite",
            )
        _ticks(self.responses, [day.astimezone().strftime("%a %d") for day in trend.days])
        self.responses.setXRange(-0.5, max(len(x) - 0.5, 0.5), padding=0)
        self.responses.setYRange(0, max([v for v in trend.p90_minutes if v] or [1.0]) * 1.1)
        if trend.empty:
            _none_yet(self.responses, (len(x) - 1) / 2, 0.55)

    def _show_coverage(self, trend: CoverageTrend) -> None:
        self.coverage.clear()
        x = list(range(len(trend.starts)))
        top = max([*trend.on_duty, 1])
        on = [count if not gap else 0 for count, gap in zip(trend.on_duty, trend.gaps, strict=True)]
        if x:
            self.coverage.addItem(
                pg.BarGraphItem(x=x, height=on, width=1.0, brush=_c(Role.CHART_COVERED), pen=None)
            )
            # Hours with nobody: a red strip under the axis, so the green bars still read.
            gap_x = [i for i, gap in enumerate(trend.gaps) if gap]
            if gap_x:
                strip = 0.12 * top
                self.coverage.addItem(
                    pg.BarGraphItem(
                        x=gap_x,
                        y0=-strip,
                        height=[strip] * len(gap_x),
                        width=1.0,
                        brush=_c(Role.CHART_GAP),
                        pen=None,
                    )
                )
        # One tick a day, at local midnight (or at the window's first hour).
        local = [start.astimezone() for start in trend.starts]
        ticks = [(i, t.strftime("%a %d")) for i, t in enumerate(local) if t.hour == 0]
        if not ticks and local:
            ticks = [(0, local[0].strftime("%a %d %H:00"))]
        self.coverage.getAxis("bottom").setTicks([ticks])
        self.coverage.setXRange(-0.5, max(len(x) - 0.5, 0.5), padding=0)
        counts = _count_axis(self.coverage, "left", top, low=-0.14 * top)
        self.coverage.setYRange(-0.14 * top, counts[-1] * 1.05, padding=0)
        if trend.empty:
            _none_yet(self.coverage, 0, counts[-1] / 2)


def _attainment_table() -> QTableWidget:
    table = QTableWidget(0, len(routing_words.ATTAINMENT_COLUMNS))
    table.setAccessibleName("First responses in time per team")
    table.setHorizontalHeaderLabels(list(routing_words.ATTAINMENT_COLUMNS))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(routing_words.ATTAINMENT_COLUMNS)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(150)
    table.setWordWrap(False)
    return table


def storm_lines(overview: Overview, most: int = 6) -> str:
    """The period's storms, newest first, one line each."""
    storms = overview.storms
    if not storms:
        return storm_words.NO_STORM_IN_PERIOD
    lines = [storm_words.STORMS_IN_PERIOD.format(count=len(storms))]
    lines.extend(f"• {storm_words.overview_entry(storm)}" for storm in storms[:most])
    if len(storms) > most:
        lines.append(f"… and {len(storms) - most} earlier")
    return "\n".join(lines)


def _history_line(trend: ResponseTrend, coverage: CoverageTrend) -> str:
    known = [v for v in trend.median_minutes if v is not None]
    if known:
        latest = known[-1]
        first = f"First response: median {latest:g} min on the last day with answers"
    else:
        first = "No mention was answered in the past week"
    unanswered = (
        f"; {trend.unanswered} mentions of the week still unanswered" if trend.unanswered else ""
    )
    return f"{first}{unanswered}. {coverage_words(coverage)}"
