"""The handoff panel: hand the selected mention on, and the open handoffs to me, to my teams
and from me, each with its waiting time (ticking) and Accept / Decline for the ones I may
answer. It only renders and emits requests; the handoff desk carries them out."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.client.handoffs.board import BOX_TITLES, Box, HandoffBoard, waiting_text
from app.client.stream.rows import MentionRow
from app.models.enums import HandoffStatus
from app.models.schemas import HandoffPublic
from app.ui.qt.plain import plain_tooltip

TICK_MS = 1000
_ID_ROLE = Qt.ItemDataRole.UserRole


def target_name(handoff: HandoffPublic) -> str:
    if handoff.to_user is not None:
        return handoff.to_user.name
    return f"team {handoff.to_team}" if handoff.to_team else "?"


class HandoffPanel(QWidget):
    handOffRequested = Signal(int)  # mention id
    acceptRequested = Signal(int)  # handoff id
    declineRequested = Signal(int)  # handoff id
    openRequested = Signal(int)  # mention id

    def __init__(
        self,
        board: HandoffBoard,
        row_of: Callable[[int], MentionRow | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.board = board
        self.mention_id: int | None = None
        self._row_of = row_of  # the stream's rows know the handles
        self.setAccessibleName("Handoffs")
        title = QLabel("Handoffs")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.hand_off_button = QPushButton("Hand &off…")
        self.hand_off_button.setToolTip("Hand the selected mention to a person or a team")
        self.hand_off_button.setEnabled(False)
        self.summary = QLabel("")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.summary, 1)
        head.addWidget(self.hand_off_button)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Open handoffs")
        self.tree.setHeaderLabels(["Mention", "From → to", "Waiting", "Note"])
        self.tree.setColumnWidth(0, 118)
        self.tree.setColumnWidth(1, 132)
        self.tree.setColumnWidth(2, 58)
        # Room for a few handoffs without squeezing the mention and the composer above.
        self.tree.setMinimumHeight(110)
        self.tree.setMaximumHeight(190)
        self.tree.setUniformRowHeights(True)
        # Mnemonics chosen not to clash with the menus (C, M, V, D, H) or the detail pane.
        self.accept_button = QPushButton("Acce&pt")
        self.decline_button = QPushButton("Declin&e…")
        self.open_button = QPushButton("Open men&tion")
        for button in (self.accept_button, self.decline_button, self.open_button):
            button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.decline_button)
        buttons.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.groups: dict[Box, QTreeWidgetItem] = {}
        for box in Box:
            group = QTreeWidgetItem([BOX_TITLES[box]])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            group.setExpanded(True)
            self.groups[box] = group
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_: self._open())
        self.hand_off_button.clicked.connect(self._hand_off)
        self.accept_button.clicked.connect(self._accept)
        self.decline_button.clicked.connect(self._decline)
        self.open_button.clicked.connect(self._open)
        self.show_handoffs([])

    # --- rendering -----------------------------------------------------------------------

    def mention_label(self, mention_id: int) -> str:
        """How a mention is named in the list: "#12 @sam_k"."""
        row = self._row_of(mention_id)
        return f"#{mention_id} {row.handle}" if row else f"#{mention_id}"

    def set_mention(self, mention_id: int | None) -> None:
        self.mention_id = mention_id
        self.hand_off_button.setEnabled(mention_id is not None)

    def show_handoffs(self, _handoffs: list[HandoffPublic]) -> None:
        selected = self.selected()
        for box, group in self.groups.items():
            group.takeChildren()
            items = self.board.box(box)
            for handoff in items:
                group.addChild(self._item(box, handoff))
            group.setText(0, f"{BOX_TITLES[box]} ({len(items)})")
        waiting = self.board.waiting_for_me()
        self.summary.setText(f"— {waiting} waiting for you" if waiting else "")
        if selected is not None:
            self.select_handoff(selected.id)
        self._update_buttons()

    def _item(self, box: Box, handoff: HandoffPublic) -> QTreeWidgetItem:
        arrow = f"{handoff.from_user.name} → {target_name(handoff)}"
        if handoff.status is HandoffStatus.ESCALATED and handoff.escalated_to is not None:
            arrow += f" (escalated to {handoff.escalated_to.name})"
        note = " ".join(handoff.note.split()) or "(no note)"
        item = QTreeWidgetItem(
            [
                self.mention_label(handoff.mention_id),
                arrow,
                waiting_text(self.board.waiting_seconds(handoff)),
                note,
            ]
        )
        item.setData(0, _ID_ROLE, handoff.id)
        item.setData(1, _ID_ROLE, box.value)
        item.setToolTip(3, plain_tooltip(handoff.note))
        item.setToolTip(1, plain_tooltip(arrow))
        return item

    def tick(self) -> None:
        """Advance every waiting time (once a second)."""
        for box in self.groups:
            for item in self.items(box):
                handoff = self.board.handoffs.get(int(item.data(0, _ID_ROLE)))
                if handoff is not None:
                    item.setText(2, waiting_text(self.board.waiting_seconds(handoff)))

    def items(self, box: Box) -> list[QTreeWidgetItem]:
        group = self.groups[box]
        children = (group.child(i) for i in range(group.childCount()))
        return [item for item in children if item is not None]

    # --- selection and requests ----------------------------------------------------------

    def selected(self) -> HandoffPublic | None:
        item = self.tree.currentItem()
        if item is None or item.parent() is None:
            return None
        return self.board.handoffs.get(int(item.data(0, _ID_ROLE)))

    def select_handoff(self, handoff_id: int, box: Box | None = None) -> bool:
        for group_box in self.groups:
            if box is not None and group_box is not box:
                continue
            for item in self.items(group_box):
                if int(item.data(0, _ID_ROLE)) == handoff_id:
                    self.tree.setCurrentItem(item)
                    return True
        return False

    def _selected_box(self) -> Box | None:
        item = self.tree.currentItem()
        if item is None or item.parent() is None:
            return None
        return Box(str(item.data(1, _ID_ROLE)))

    def _update_buttons(self) -> None:
        handoff = self.selected()
        answerable = self._selected_box() in (Box.TO_ME, Box.TO_MY_TEAMS)
        self.accept_button.setEnabled(handoff is not None and answerable)
        self.decline_button.setEnabled(handoff is not None and answerable)
        self.open_button.setEnabled(handoff is not None)

    def _hand_off(self) -> None:
        if self.mention_id is not None:
            self.handOffRequested.emit(self.mention_id)

    def _accept(self) -> None:
        handoff = self.selected()
        if handoff is not None:
            self.acceptRequested.emit(handoff.id)

    def _decline(self) -> None:
        handoff = self.selected()
        if handoff is not None:
            self.declineRequested.emit(handoff.id)

    def _open(self) -> None:
        handoff = self.selected()
        if handoff is not None:
            self.openRequested.emit(handoff.mention_id)
