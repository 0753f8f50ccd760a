"""The manager's dialogs: why a reply is denied (the rep reads it in their composer), and the
reply's text to edit before approving it (that text is what goes out)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.client.approvals.board import request_message, request_title
from app.models.approval_schemas import ApprovalPublic
from app.ui.qt import theme
from app.ui.qt.theme import Role


def _intro(approval: ApprovalPublic) -> QLabel:
    label = QLabel(f"{request_title(approval)}\n\n{request_message(approval)}")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # the rep's and the customer's words
    return label


class _AnswerDialog(QDialog):
    def __init__(
        self,
        approval: ApprovalPublic,
        *,
        title: str,
        button: str,
        text: str,
        name: str,
        missing: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.missing = missing
        self.text = QPlainTextEdit(text)
        self.text.setAccessibleName(name)
        self.text.setTabChangesFocus(True)
        self.problem = QLabel("")
        self.problem.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(button)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_intro(approval))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def _check(self) -> None:
        if not self.value():
            self.problem.setText(self.missing)
            return
        self.accept()


class DenyDialog(_AnswerDialog):
    def __init__(self, approval: ApprovalPublic, parent: QWidget | None = None) -> None:
        super().__init__(
            approval,
            title="Deny the reply",
            button="&Deny",
            text="",
            name="Reason for denying",
            missing="Say why: the rep reads it in their composer.",
            parent=parent,
        )
        self.text.setPlaceholderText("e.g. Offer a replacement parcel, not a refund.")


class EditApproveDialog(_AnswerDialog):
    def __init__(self, approval: ApprovalPublic, parent: QWidget | None = None) -> None:
        super().__init__(
            approval,
            title="Edit and approve the reply",
            button="&Approve this text",
            text=approval.body,
            name="Reply to approve",
            missing="The approved reply must not be empty.",
            parent=parent,
        )
