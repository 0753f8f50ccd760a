"""The manager overview: three small plots (pyqtgraph) — mentions per hour by priority band
over the last day, open handoffs by team, and who is on duty per team now. It draws an
`Overview` computed by app/client/overview.py and nothing else."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.client.overview import Overview

# Band colours (distinct in lightness too, so they read in grey): urgent, raised, routine.
BAND_COLOURS = {"urgent": "#C62828", "raised": "#F9A825", "routine": "#90A4AE"}


def _plot(title: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color="#202020", size="10pt")
    plot.setLabel("left", left, color="#202020")
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMinimumSize(300, 200)
    return plot


def _ticks(plot: pg.PlotWidget, labels: list[str], every: int = 1) -> None:
    axis = plot.getAxis("bottom")
    axis.setTicks([[(i, text) for i, text in enumerate(labels) if i % every == 0]])


class OverviewDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Manager overview")
        self.setMinimumSize(900, 600)
        self.resize(980, 640)
        self.summary = QLabel("Loading…")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.per_hour = _plot("Mentions per hour, last 24 h, by priority", "mentions")
        self.handoffs = _plot("Open handoffs by receiving team", "handoffs")
        self.duty = _plot("On duty now (green) / team size (grey)", "")
        self.duty.setLabel("bottom", "people", color="#202020")
        swatches = "  ".join(
            f'<span style="color:{colour}">■</span> {name}' for name, colour in BAND_COLOURS.items()
        )
        self.legend = QLabel(
            f"Priority: {swatches}. First-response times and coverage over the past week need "
            "server history that is not available yet."
        )
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self.per_hour, 0, 0, 1, 2)
        grid.addWidget(self.handoffs, 1, 0)
        grid.addWidget(self.duty, 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        layout.addWidget(self.legend)
        self.setAccessibleName("Manager overview")

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
            self.per_hour.addItem(
                pg.BarGraphItem(
                    x=x, height=values, y0=list(base), width=0.8, brush=BAND_COLOURS[name]
                )
            )
            base = [b + v for b, v in zip(base, values, strict=True)]
        labels = [start.astimezone().strftime("%H:00") for start in hourly.starts]
        _ticks(self.per_hour, labels, every=3)

        self.handoffs.clear()
        teams = [name for name, _ in overview.handoffs_by_team]
        counts = [count for _, count in overview.handoffs_by_team]
        if counts:
            self.handoffs.addItem(
                pg.BarGraphItem(
                    x=list(range(len(counts))), height=counts, width=0.6, brush="#1565C0"
                )
            )
        _ticks(self.handoffs, teams)

        # Horizontal bars: team names are long and many; they read down the left axis.
        self.duty.clear()
        names = [name for name, _, _ in overview.on_duty_by_team]
        members = [total for _, _, total in overview.on_duty_by_team]
        on = [count for _, count, _ in overview.on_duty_by_team]
        if names:
            ys = list(range(len(names)))
            self.duty.addItem(
                pg.BarGraphItem(x0=0, y=ys, height=0.7, width=members, brush="#CFD8DC")
            )
            self.duty.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.7, width=on, brush="#2E7D32"))
        self.duty.getAxis("left").setTicks([list(enumerate(names))])
        self.duty.getPlotItem().invertY(True)

        urgent = sum(hourly.urgent)
        open_handoffs = sum(counts)
        uncovered = [name for name, count, _ in overview.on_duty_by_team if count == 0]
        lines = [
            f"{hourly.total} mentions in the last 24 h ({urgent} urgent); "
            f"{open_handoffs} open handoffs.",
        ]
        if uncovered:
            lines.append("Teams with nobody on duty: " + ", ".join(uncovered) + ".")
        lines.extend(overview.problems)
        self.summary.setText("\n".join(lines))
