"""The on-call order editor (a manager's, from the roster's team menu): who is paged first,
second… for a team. "Follows the rota" shows the order the server derives from the rota;
"Manual order" lets the manager add, remove and move people; "Reset to the rota" goes back.
Also how long a page waits for its person before it passes on. Save asks the server; its
refusal shows in the dialog, which stays open as it was."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.client.team import paging_words as words
from app.models.on_call_schemas import OnCallPublic
from app.models.schemas import UserRef
from app.ui.qt import theme
from app.ui.qt.theme import Role

_USER = Qt.ItemDataRole.UserRole


class OnCallDialog(QDialog):
    # User ids in order ([] follows the rota again) and the minutes before a page passes on.
    # The desk asks the server, then shows its answer (show_on_call) or refusal (show_problem).
    saveRequested = Signal(list, int)

    def __init__(
        self, on_call: OnCallPublic, members: Sequence[UserRef], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.on_call = on_call
        self.members = sorted(members, key=lambda m: m.name.lower())
        self.setWindowTitle(words.ORDER_TITLE.format(team=on_call.team))
        self.setMinimumSize(460, 380)
        self.heading = heading = QLabel(words.ORDER_HEADING.format(team=on_call.team))
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)  # the team's name, as written
        self._kept: list[UserRef] = []  # the manual order while "follows the rota" is chosen
        self.follows_rota = QRadioButton(words.FOLLOWS_ROTA)
        self.follows_rota.setToolTip(words.FOLLOWS_ROTA_HELP)
        self.manual = QRadioButton(words.MANUAL_ORDER)
        modes = QHBoxLayout()
        modes.addWidget(self.follows_rota)
        modes.addWidget(self.manual)
        modes.addStretch(1)
        self.order = QListWidget()
        self.order.setAccessibleName("On-call order")
        self.person = QComboBox()
        self.person.setAccessibleName("Person to add")
        self.add_button = QPushButton(words.ADD_PERSON)
        self.remove_button = QPushButton(words.REMOVE_PERSON)
        self.up_button = QPushButton(words.MOVE_UP)
        self.down_button = QPushButton(words.MOVE_DOWN)
        self.reset_button = QPushButton(words.RESET_TO_ROTA)
        self.add_button.clicked.connect(self.add_selected_person)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.reset_button.clicked.connect(self.reset_to_rota)
        self.manual.toggled.connect(self._mode_changed)
        add_row = QHBoxLayout()
        add_row.addWidget(self.person, 1)
        add_row.addWidget(self.add_button)
        move_row = QHBoxLayout()
        move_row.addWidget(self.up_button)
        move_row.addWidget(self.down_button)
        move_row.addWidget(self.remove_button)
        move_row.addStretch(1)
        move_row.addWidget(self.reset_button)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 24 * 60)
        self.minutes.setSuffix(words.MINUTES_SUFFIX)
        self.minutes.setAccessibleName(words.PASS_ON_AFTER)
        minutes_row = QHBoxLayout()
        minutes_row.addWidget(QLabel(words.PASS_ON_AFTER))
        minutes_row.addWidget(self.minutes)
        minutes_row.addStretch(1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(theme.text_style(Role.PENDING_TEXT))
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(modes)
        layout.addWidget(self.order, 1)
        layout.addWidget(self.note)
        layout.addLayout(add_row)
        layout.addLayout(move_row)
        layout.addLayout(minutes_row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.show_on_call(on_call)

    # --- filled from the server -----------------------------------------------------------

    def show_on_call(self, on_call: OnCallPublic) -> None:
        self.on_call = on_call
        self._kept = []
        self.minutes.setValue(on_call.escalate_after_minutes)
        self._fill(on_call.order)
        self.save_button.setEnabled(True)
        (self.manual if on_call.source == "manual" else self.follows_rota).setChecked(True)
        self._mode_changed()

    def show_problem(self, sentence: str) -> None:
        self.problem.setText(sentence)
        self.save_button.setEnabled(True)

    def _fill(self, people: Sequence[UserRef]) -> None:
        self.order.clear()
        for person in people:
            item = QListWidgetItem(person.name)
            item.setData(_USER, person.id)
            self.order.addItem(item)
        if self.order.count():
            self.order.setCurrentRow(0)
        self._refresh_choices()

    # --- editing --------------------------------------------------------------------------

    def _people(self) -> list[UserRef]:
        return [
            UserRef(id=int(self.order.item(row).data(_USER)), name=self.order.item(row).text())
            for row in range(self.order.count())
        ]

    def order_ids(self) -> list[int]:
        return [int(self.order.item(row).data(_USER)) for row in range(self.order.count())]

    def _refresh_choices(self) -> None:
        taken = set(self.order_ids())
        self.person.clear()
        for member in self.members:
            if member.id not in taken:
                self.person.addItem(member.name, member.id)
        manual = self.manual.isChecked()
        self.add_button.setEnabled(manual and self.person.count() > 0)
        if not manual and self.on_call.source == "manual":
            note = words.ROTA_AFTER_SAVE
        elif self.order.count() == 0:
            note = words.ORDER_EMPTY
        else:
            note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _mode_changed(self, *_: object) -> None:
        """Manual: the list is the manager's to change (starting from what it shows);
        following the rota: the server's order, read-only."""
        manual = self.manual.isChecked()
        if self.on_call.source == "manual":
            # Back to the rota: the manual order is put aside (the rota's shows once saved),
            # and comes back if the manager changes their mind before saving.
            if not manual and self.order.count():
                self._kept = self._people()
                self._fill([])
            elif manual and self._kept:
                self._fill(self._kept)
                self._kept = []
        for widget in (
            self.person,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.reset_button,
            self.order,
        ):
            widget.setEnabled(manual)
        if not manual and self.on_call.source == "rota":
            self._fill(self.on_call.order)
        self._refresh_choices()
        self.problem.setText("")

    def add_selected_person(self) -> None:
        user_id = self.person.currentData()
        if user_id is None:
            return
        item = QListWidgetItem(self.person.currentText())
        item.setData(_USER, int(user_id))
        self.order.addItem(item)
        self.order.setCurrentItem(item)
        self._refresh_choices()

    def remove_current(self) -> None:
        row = self.order.currentRow()
        if row >= 0:
            self.order.takeItem(row)
            self._refresh_choices()

    def move_current(self, step: int) -> None:
        row = self.order.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.order.count():
            return
        item = self.order.takeItem(row)
        self.order.insertItem(target, item)
        self.order.setCurrentRow(target)

    def reset_to_rota(self) -> None:
        self.follows_rota.setChecked(True)

    def _save(self) -> None:
        self.problem.setText("")
        self.save_button.setEnabled(False)  # until the server answers
        ids = self.order_ids() if self.manual.isChecked() else []
        self.saveRequested.emit(ids, self.minutes.value())
