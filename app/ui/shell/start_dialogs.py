"""The dialogs before the console starts: first run (solo / team server / demo), the server
token (also Console ▸ Sign in…; checked with the server before it is kept), where to keep the
token when there is no usable keyring, and the passphrase of the encrypted token file."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.qt import theme
from app.ui.qt.async_slots import async_slot
from app.ui.qt.theme import Role


class StartChoice(StrEnum):
    SOLO = "solo"
    TEAM = "team"
    DEMO = "demo"


@dataclass(frozen=True, slots=True)
class FirstRunAnswer:
    choice: StartChoice
    server_url: str = ""
    token: str = ""


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    label.setFont(font)
    return label


def _explain(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class FirstRunDialog(QDialog):
    """Shown once when nothing is configured and no flag said how to start."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Responder Console")
        self.setAccessibleName("First run")
        self.setMinimumWidth(520)
        self.solo = QRadioButton("&Just me, on this computer (solo)")
        self.solo.setAccessibleDescription("Starts a private server for you on this computer.")
        self.team = QRadioButton("Join my &team's server")
        self.demo = QRadioButton("Try it with &demo mentions")
        self.solo.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.solo, self.team, self.demo):
            group.addButton(button)
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("https://responder.example.com")
        self.server_url.setAccessibleName("Team server address")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("the token your manager gave you")
        self.token.setAccessibleName("Your access token")
        form = QFormLayout()
        form.addRow("Server &address:", self.server_url)
        form.addRow("Access &token:", self.token)
        self._team_form = QWidget()
        self._team_form.setLayout(form)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        self.error.setAccessibleName("Problem")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        start = buttons.button(QDialogButtonBox.StandardButton.Ok)
        start.setText("Start")
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading("How do you want to work?"))
        layout.addWidget(
            _explain(
                "Solo keeps everything on this computer. A team server shares mentions, "
                "ownership and handoffs with your colleagues. The demo plays sample mentions, "
                "clearly marked DEMO, so you can try every feature safely."
            )
        )
        layout.addWidget(self.solo)
        layout.addWidget(self.team)
        layout.addWidget(self._team_form)
        layout.addWidget(self.demo)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        group.buttonToggled.connect(lambda *_: self._sync())
        self._sync()

    def _sync(self) -> None:
        self._team_form.setEnabled(self.team.isChecked())
        self.error.setText("")

    def _accept_if_valid(self) -> None:
        if self.team.isChecked():
            url = self.server_url.text().strip()
            if not url.startswith(("http://", "https://")):
                self.error.setText("Enter the server address, starting with https:// or http://.")
                self.server_url.setFocus()
                return
            if not self.token.text().strip():
                self.error.setText("Enter the access token your manager gave you.")
                self.token.setFocus()
                return
        self.accept()

    def answer(self) -> FirstRunAnswer:
        if self.team.isChecked():
            return FirstRunAnswer(
                StartChoice.TEAM, self.server_url.text().strip(), self.token.text().strip()
            )
        return FirstRunAnswer(StartChoice.DEMO if self.demo.isChecked() else StartChoice.SOLO)


# Asks the server about a token before it is kept: None when accepted, else a sentence for
# the user ("That token is not accepted by …"); the dialog then stays open.
TokenCheck = Callable[[str, str], Awaitable[str | None]]


class TokenDialog(QDialog):
    """Sign in (at start-up, Console ▸ Sign in…, or when the server stops accepting the
    token): the server's address and the access token. With a `check`, OK asks the server
    first; a refused token is said here and the dialog stays open."""

    def __init__(
        self,
        server_url: str,
        problem: str = "",
        parent: QWidget | None = None,
        *,
        check: TokenCheck | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to the team server")
        self.setAccessibleName("Sign in")
        self.setMinimumWidth(560)
        self._check = check
        self.server_url = QLineEdit(server_url)
        self.server_url.setReadOnly(True)
        self.server_url.setAccessibleName("Team server address")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName("Your access token")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._try_token)
        self.buttons.rejected.connect(self.reject)
        self.error = _explain(problem)
        self.error.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        self.error.setAccessibleName("Problem")
        self.error.setVisible(bool(problem))
        layout = QVBoxLayout(self)
        layout.addWidget(_heading("Sign in"))
        layout.addWidget(_explain("Paste the access token your manager gave you for this server."))
        form = QFormLayout()
        form.addRow("Server &address:", self.server_url)
        form.addRow("Access &token:", self.token)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # The address is shown, not asked: what the rep types goes into the token.
        self.token.setFocus()

    def _say(self, problem: str) -> None:
        self.error.setText(problem)
        self.error.setVisible(bool(problem))

    def _try_token(self) -> None:
        if not self.value():
            self._say("Enter the access token your manager gave you.")
            self.token.setFocus()
            return
        if self._check is None:
            self.accept()
            return
        self._checking()

    @async_slot
    async def _checking(self) -> None:
        self.buttons.setEnabled(False)
        self._say(f"Checking the token with {self.server()}…")
        try:
            problem = await self._check(self.server(), self.value()) if self._check else None
        finally:
            self.buttons.setEnabled(True)
        if problem:
            self._say(problem)
            self.token.selectAll()
            self.token.setFocus()
            return
        self._say("")
        self.accept()

    def server(self) -> str:
        return self.server_url.text().strip()

    def value(self) -> str:
        return self.token.text().strip()


class TokenStorageChoice(StrEnum):
    ENCRYPTED_FILE = "encrypted_file"
    THIS_SESSION = "this_session"


class NoKeyringDialog(QDialog):
    """No usable keyring here: say so plainly and offer an encrypted file (with a passphrase)
    or keeping the token for this session only. Storing it in clear is not an option."""

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Where should your token be kept?")
        self.setMinimumWidth(540)
        self.encrypted = QRadioButton("Keep it in a file &encrypted with a passphrase")
        self.session_only = QRadioButton("Keep it for this &session only (ask again next time)")
        self.encrypted.setChecked(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("Passphrase again")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        form.addRow("&Again:", self.confirm)
        self._form = QWidget()
        self._form.setLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading("No keyring on this computer"))
        layout.addWidget(
            _explain(
                "Your access token is normally kept in the system keyring, but this computer "
                f"has none that can keep it safely. {reason}\n\n"
                "The console never stores the token in clear text. Choose one:"
            )
        )
        layout.addWidget(self.encrypted)
        layout.addWidget(self._form)
        layout.addWidget(self.session_only)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.encrypted.toggled.connect(self._form.setEnabled)

    def _accept_if_valid(self) -> None:
        if self.encrypted.isChecked():
            if len(self.passphrase.text()) < 8:
                self.error.setText("Use a passphrase of at least 8 characters.")
                return
            if self.passphrase.text() != self.confirm.text():
                self.error.setText("The two passphrases differ.")
                return
        self.accept()

    def choice(self) -> TokenStorageChoice:
        if self.encrypted.isChecked():
            return TokenStorageChoice.ENCRYPTED_FILE
        return TokenStorageChoice.THIS_SESSION


class PassphraseDialog(QDialog):
    """Unlocks the encrypted token file."""

    def __init__(self, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock your token")
        self.setMinimumWidth(420)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_explain("Enter the passphrase of your encrypted token file."))
        if problem:
            error = _explain(problem)
            error.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
            layout.addWidget(error)
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        layout.addLayout(form)
        layout.addWidget(buttons)
