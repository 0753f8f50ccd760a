"""The rota editor: a manager's table of a team's weekly shifts (weekday, start, end, person),
checked here before it replaces the team's rota on the server (`PUT /teams/{id}/rota`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.schemas import UserRef
from app.models.team_schemas import RotaPublic, RotaShiftCreate, RotaUpdate
from app.ui.qt import theme
from app.ui.qt.theme import Role

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_END = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
COLUMNS = ("Weekday", "Start", "End", "Person")
_W = TypeVar("_W", bound=QWidget)


def _normal_time(text: str) -> str:
    """'9:30' → '09:30', so a short hour is not a mistake."""
    text = text.strip()
    return f"0{text}" if re.match(r"^\d:\d\d$", text) else text


class RotaDialog(QDialog):
    def __init__(
        self, rota: RotaPublic, people: Sequence[UserRef], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.rota = rota
        self.people = sorted(people, key=lambda p: p.name.lower())
        self.setWindowTitle(f"Rota — {rota.team}")
        self.setMinimumSize(560, 380)
        heading = QLabel(
            f"Weekly shifts of {rota.team}, in {rota.time_zone} time. The rota puts each person "
            "on duty at the start and off at the end; an end at or before the start runs past "
            "midnight. An empty table switches the rota off."
        )
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)  # the team's name, as it was written
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Rota shifts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 120)
        self.table.setColumnWidth(1, 80)
        self.table.setColumnWidth(2, 80)
        self.add_button = QPushButton("Add shift")
        self.remove_button = QPushButton("Remove shift")
        self.add_button.clicked.connect(lambda: self.add_shift())
        self.remove_button.clicked.connect(self.remove_selected)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        for shift in rota.shifts:
            self.add_shift(shift.weekday, shift.start, shift.end, shift.user.id)

    def add_shift(
        self, weekday: int = 0, start: str = "09:00", end: str = "17:00", user_id: int | None = None
    ) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        day = QComboBox()
        day.addItems(list(WEEKDAYS))
        day.setCurrentIndex(weekday)
        person = QComboBox()
        for ref in self.people:
            person.addItem(ref.name, ref.id)
        if user_id is not None and (index := person.findData(user_id)) >= 0:
            person.setCurrentIndex(index)
        self.table.setCellWidget(row, 0, day)
        for column, text in ((1, start), (2, end)):
            edit = QLineEdit(text)
            edit.setPlaceholderText("HH:MM")
            edit.textChanged.connect(lambda _text: self.problem.setText(""))
            self.table.setCellWidget(row, column, edit)
        self.table.setCellWidget(row, 3, person)
        return row

    def remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def _cell(self, row: int, column: int, kind: type[_W]) -> _W:
        widget = self.table.cellWidget(row, column)
        if not isinstance(widget, kind):
            raise TypeError(f"rota cell {row},{column} is not a {kind.__name__}")
        return widget

    def rota_update(self) -> RotaUpdate:
        """The table as the server's request; ValueError names the first bad row."""
        shifts: list[RotaShiftCreate] = []
        for row in range(self.table.rowCount()):
            day, person = self._cell(row, 0, QComboBox), self._cell(row, 3, QComboBox)
            start_edit, end_edit = self._cell(row, 1, QLineEdit), self._cell(row, 2, QLineEdit)
            start, end = _normal_time(start_edit.text()), _normal_time(end_edit.text())
            if not _TIME.match(start):
                raise ValueError(f"Shift {row + 1}: the start '{start}' is not a time like 09:00.")
            if not _END.match(end):
                raise ValueError(f"Shift {row + 1}: the end '{end}' is not a time like 17:30.")
            if person.currentData() is None:
                raise ValueError(f"Shift {row + 1}: choose the person on duty.")
            shifts.append(
                RotaShiftCreate(
                    weekday=day.currentIndex(), start=start, end=end, user_id=person.currentData()
                )
            )
        return RotaUpdate(time_zone=self.rota.time_zone, shifts=shifts)

    def _accept_if_valid(self) -> None:
        try:
            self.rota_update()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        self.accept()
