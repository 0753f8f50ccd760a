"""Follow-ups: the check-backs promised when resolving (mine; everyone's for managers), those
due now first and marked as such, then the upcoming ones. Open one to see the mention; mark it
done when checked back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models.team_schemas import FollowupPublic
from app.ui.qt.plain import plain_tooltip

_ID_ROLE = Qt.ItemDataRole.UserRole


class FollowupsView(QWidget):
    openRequested = Signal(int)  # mention id
    doneRequested = Signal(int)  # mention id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("No follow-ups: none due, none planned.")
        self.heading.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Follow-ups due")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(["Due", "Customer", "Owner", "Mention"])
        self.tree.setColumnWidth(0, 110)
        self.tree.setColumnWidth(1, 150)
        self.tree.setColumnWidth(2, 100)
        self.open_button = QPushButton("Sho&w mention")
        self.done_button = QPushButton("Checked &back")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(lambda: self._emit(self.openRequested))
        self.done_button.clicked.connect(lambda: self._emit(self.doneRequested))
        self.tree.itemDoubleClicked.connect(lambda *_: self._emit(self.openRequested))

    def show_followups(self, followups: list[FollowupPublic]) -> None:
        self.tree.clear()
        for followup in sorted(followups, key=lambda f: f.due_at):
            mention = followup.mention
            text = " ".join(mention.text.split())
            when = followup.due_at.astimezone().strftime("%a %d %b %H:%M")
            item = QTreeWidgetItem(
                [
                    f"Due now ({when})" if followup.due else when,
                    mention.author.handle,
                    followup.owner.name if followup.owner else "—",
                    text[:120],
                ]
            )
            item.setToolTip(3, plain_tooltip(text))
            item.setData(0, _ID_ROLE, mention.id)
            self.tree.addTopLevelItem(item)
            if followup.due:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
        due = sum(1 for f in followups if f.due)
        upcoming = len(followups) - due
        if not followups:
            self.heading.setText("No follow-ups: none due, none planned.")
        else:
            self.heading.setText(
                f"{due} follow-up(s) due now, {upcoming} upcoming: check back with these customers."
            )
        has = bool(followups)
        self.open_button.setEnabled(has)
        self.done_button.setEnabled(has)

    def _emit(self, signal: SignalInstance) -> None:
        item = self.tree.currentItem() or self.tree.topLevelItem(0)
        if item is not None:
            signal.emit(int(item.data(0, _ID_ROLE)))
