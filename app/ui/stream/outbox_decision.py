"""The box in the selected mention's pane that asks the rep about a queued action a colleague's
change stopped: the sentence naming what changed and what waits on it, "Do it anyway" (when it
can work) and "Drop". The words and the choice come from app/client/stream/decisions.py."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.client.stream.decisions import OutboxDecision


class OutboxDecisionBox(QFrame):
    """Hidden unless the shown mention has an action waiting for the rep's decision."""

    decided = Signal(int, bool)  # the outbox seq, do it anyway (False: drop it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Your action needs a decision")
        self._decision: OutboxDecision | None = None
        self.sentence = QLabel()
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)  # it quotes colleagues' names
        self.sentence.setWordWrap(True)
        self.do_anyway_button = QPushButton("Do it anyway")
        self.do_anyway_button.setAccessibleName("Send your action again on the mention as it is")
        self.drop_button = QPushButton("Drop")
        self.drop_button.setAccessibleName("Drop your action")
        self.do_anyway_button.clicked.connect(lambda: self._decide(True))
        self.drop_button.clicked.connect(lambda: self._decide(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.do_anyway_button)
        buttons.addWidget(self.drop_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.sentence)
        layout.addLayout(buttons)
        self.hide()

    @property
    def decision(self) -> OutboxDecision | None:
        return self._decision

    def show_decision(self, decision: OutboxDecision | None) -> None:
        self._decision = decision
        if decision is None:
            self.hide()
            return
        self.sentence.setText(decision.sentence)
        self.do_anyway_button.setVisible(decision.can_do_anyway)
        self.do_anyway_button.setEnabled(True)
        self.drop_button.setEnabled(True)
        self.show()

    def _decide(self, do_anyway: bool) -> None:
        if self._decision is None:
            return
        # One answer per question: the next outbox change shows what is left to decide.
        self.do_anyway_button.setEnabled(False)
        self.drop_button.setEnabled(False)
        self.decided.emit(self._decision.seq, do_anyway)
