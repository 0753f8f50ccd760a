"""Sign in (Console ▸ Sign in…, and the server refusing the token in use) against a real
server, with the modal dialog answered while the qasync loop runs: a token the server refuses
is said in the dialog, which stays open, and is not kept; one it accepts is kept in the token
store in use and the session connects with it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from app.client.connection.api import ResponderApi
from app.client.connection.credentials import MemoryTokenStore
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper
from app.desktop import SignIn, team_token
from app.ui.shell.actions import MENUS, Action, Menu
from app.ui.shell.start_dialogs import TokenDialog
from tests.support.live_server import LiveServer


class SignInScript:
    """Answers the Sign in dialog: first with a wrong token (and notes what the dialog says
    then), then with the good one."""

    def __init__(self, wrong: str, good: str) -> None:
        self.steps: list[Callable[[TokenDialog], bool]] = [self._type(wrong), self._refused]
        self.steps += [self._type(good)]
        self.problem_at_open = ""
        self.said_after_wrong = ""
        self.open_after_wrong = False
        self.refused = asyncio.Event()
        self._dialog: TokenDialog | None = None
        QTimer.singleShot(20, self._poll)

    def _type(self, token: str) -> Callable[[TokenDialog], bool]:
        def step(dialog: TokenDialog) -> bool:
            if not dialog.buttons.isEnabled():
                return False  # still checking
            if self._dialog is None:
                self.problem_at_open = dialog.error.text()
            self._dialog = dialog
            dialog.token.setText(token)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            return True

        return step

    def _refused(self, dialog: TokenDialog) -> bool:
        if "not accepted" not in dialog.error.text():
            return False
        self.said_after_wrong = dialog.error.text()
        self.open_after_wrong = dialog.isVisible()
        self.refused.set()
        return True

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, TokenDialog) and self.steps and self.steps[0](dialog):
            self.steps.pop(0)
        if self.steps:
            QTimer.singleShot(20, self._poll)


def test_sign_in_is_in_the_console_menu() -> None:
    console = next(spec for spec in MENUS if spec.menu is Menu.CONSOLE)
    assert Action.SIGN_IN in console.items
    assert Action.SIGN_IN.text.replace("&", "") == "Sign in…"


def test_a_refused_token_asks_again_and_an_accepted_one_is_kept_and_connects(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    _rep_id, good = live_server.create_user("sign-in-rep")
    url = live_server.base_url
    worker = BlockingWorker("sign-in-store")
    store = LocalStore(tmp_path / "cache.sqlite3")
    session = ConsoleSession(
        ResponderApi(url, "revoked-token", timeout=5), store, worker, backoff=Backoff(0.01, 0.01)
    )
    tokens = MemoryTokenStore()
    tasks = TaskKeeper("sign-in-test")
    window = QWidget()
    signer = SignIn(url, tokens, session, window, tasks)
    session.connection_changed.connect(signer.connection_changed)
    script = SignInScript("still-wrong", good)
    seen: list[ConnectionState] = []
    stored_after_wrong: list[str | None] = []

    async def story() -> None:
        online = asyncio.Event()

        def follow(change: tuple[ConnectionState, str]) -> None:
            seen.append(change[0])
            if change[0] is ConnectionState.ONLINE:
                online.set()

        session.connection_changed.connect(follow)
        await session.open()
        run = asyncio.create_task(session.run())
        try:
            await asyncio.wait_for(script.refused.wait(), 15)
            stored_after_wrong.append(await tokens.get(url))
            await asyncio.wait_for(online.wait(), 15)
        finally:
            run.cancel()
            await asyncio.gather(run, return_exceptions=True)

    try:
        qloop.run_until_complete(asyncio.wait_for(story(), 30))
        stored = qloop.run_until_complete(tokens.get(url))
    finally:
        qloop.run_until_complete(tasks.aclose())
        qloop.run_until_complete(session.aclose())
        store.close()
        worker.shutdown()
        window.deleteLater()
    assert "Your token is no longer accepted" in script.problem_at_open
    assert script.said_after_wrong == f"That token is not accepted by {url}."
    assert script.open_after_wrong
    assert stored_after_wrong == [None]  # the refused token was not kept
    assert stored == good
    assert seen[0] is ConnectionState.UNAUTHORIZED
    assert seen[-1] is ConnectionState.ONLINE
    assert session.viewer.user is not None
    assert session.viewer.user.name == "sign-in-rep"


def test_a_refused_token_typed_at_first_run_is_not_kept(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer
) -> None:
    _rep_id, good = live_server.create_user("first-run-rep")
    url = live_server.base_url
    tokens = MemoryTokenStore()
    script = SignInScript("", good)
    script.steps = script.steps[2:]  # the dialog opens already saying why

    token = qloop.run_until_complete(
        asyncio.wait_for(team_token(url, tokens, typed="mistyped"), 30)
    )
    assert token == good
    assert script.problem_at_open == f"That token is not accepted by {url}."
    assert qloop.run_until_complete(tokens.get(url)) == good


def test_what_the_rep_types_goes_into_the_token(qapp: object) -> None:
    """The address is shown read-only above the token: typing must land in the token field
    (a real window's keyboard focus went to the address, and the typed token was lost)."""
    dialog = TokenDialog("https://team.example")
    dialog.show()
    QApplication.processEvents()
    assert dialog.focusWidget() is dialog.token
    QTest.keyClicks(dialog.focusWidget(), "tok-123")
    assert dialog.value() == "tok-123"
    dialog.close()
