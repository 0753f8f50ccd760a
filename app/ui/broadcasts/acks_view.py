"""The acknowledgements view: recent broadcasts, each with who has acknowledged it and which
on-duty people have not yet, updated live as acknowledgements arrive. One column, so it reads
well in a narrow dock: the broadcast, then "Acknowledged" and "Not yet" lines under it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.models.schemas import BroadcastPublic
from app.ui.broadcasts.banner import SEVERITY_LOOK
from app.ui.qt import theme
from app.ui.qt.plain import plain_tooltip
from app.ui.qt.theme import Role


class BroadcastAcksView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.broadcasts: dict[int, BroadcastPublic] = {}
        self.heading = QLabel("No broadcasts yet.")
        self.heading.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Broadcast acknowledgements")
        self.tree.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)

    def update_broadcast(self, broadcast: BroadcastPublic) -> None:
        self.broadcasts[broadcast.id] = broadcast
        self._render()

    def acked_names(self, broadcast_id: int) -> list[str]:
        broadcast = self.broadcasts.get(broadcast_id)
        return [a.user.name for a in broadcast.acks] if broadcast else []

    def _render(self) -> None:
        self.tree.clear()
        newest = sorted(self.broadcasts.values(), key=lambda b: (b.created_at, b.id), reverse=True)
        for broadcast in newest:
            _, _, word = SEVERITY_LOOK[broadcast.severity]
            when = broadcast.created_at.astimezone().strftime("%a %H:%M")
            top = QTreeWidgetItem([f"{word} · {broadcast.author.name} · {when}"])
            top.setData(0, Qt.ItemDataRole.UserRole, broadcast.id)
            top.setToolTip(0, plain_tooltip(broadcast.text))
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            acked = ", ".join(a.user.name for a in broadcast.acks) or "nobody yet"
            # The sender owes no acknowledgement of their own note.
            waiting_for = [p for p in broadcast.pending if p.id != broadcast.author.id]
            pending = ", ".join(p.name for p in waiting_for) or "nobody"
            text = QTreeWidgetItem([" ".join(broadcast.text.split())])
            text.setToolTip(0, plain_tooltip(broadcast.text))
            done = QTreeWidgetItem([f"✓ Acknowledged ({len(broadcast.acks)}): {acked}"])
            done.setForeground(0, QBrush(theme.color(Role.DONE_TEXT)))
            waiting = QTreeWidgetItem([f"… Not yet ({len(waiting_for)}): {pending}"])
            if waiting_for:
                waiting.setForeground(0, QBrush(theme.color(Role.PENDING_TEXT)))
            top.addChildren([text, done, waiting])
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        total = len(self.broadcasts)
        self.heading.setText(
            f"{total} recent broadcast(s); who has acknowledged them, live."
            if total
            else "No broadcasts yet."
        )

    def pending_names(self, broadcast_id: int) -> list[str]:
        broadcast = self.broadcasts.get(broadcast_id)
        if broadcast is None:
            return []
        return [p.name for p in broadcast.pending if p.id != broadcast.author.id]
