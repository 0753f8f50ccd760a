"""A real Responder Console process (`main.py --server URL`) on an X desktop (xdesktop.py).

    console = XConsole.launch(desk, "ana", server.base_url, tmp_path / "ana")
    console.sign_in(token)                  # "this session only", then the token dialog
    wid = console.main_window()             # the window id, found by the console's pid
    console.wait_for_request("POST", r"/api/v1/mentions/5/claim", status=409)
    console.wait_for_log(r"event stream lost", after=mark)   # mark = console.log_mark()
    console.outbox()                        # its durable outbox: kind, mention, status, payload
    console.write_reply(wid, 5, "Thanks!")  # Ctrl+Shift+R, type; done once the draft holds it
    console.kill9()                         # SIGKILL, as a crash would
    console = console.relaunch()            # same HOME: same settings, cache and outbox

`Consoles` (the `consoles` fixture of tests/desktop) launches several and stops them all.
`wait_for_request` reads the console's own log of its HTTP requests (httpx logs each one at
INFO): it tells that a console acted (selected a mention, claimed) when the server has nothing
to show for it yet.

Each console gets its own HOME and XDG directories, so settings, the local cache, drafts, the
outbox and any token file are per console, as on two workstations. The keyring is whatever the
machine offers a fresh user; on a desktop without a Secret Service (like these tests' desktop)
the console asks where to keep the token. The console's output goes to `<home>/console.log`."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.folders import home_of_its_own
from tests.support.live_server import REPO_ROOT
from tests.support.xdesktop import TrayIcon, XDesktop, die_with_parent, poll

PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
MAIN_TITLE = "Responder Console"
KEYRING_CHOICE_TITLE = "Where should your token be kept"
TOKEN_TITLE = "Sign in to the team server"
UNLOCK_TITLE = "Unlock your token"

# INFO httpx: HTTP Request: POST http://127.0.0.1:4567/api/v1/mentions/5/claim "HTTP/1.1 409 …"
_REQUEST_LINE = re.compile(
    r'HTTP Request: (?P<method>[A-Z]+) (?P<url>\S+) "HTTP/[\d.]+ (?P<status>\d{3})'
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the server's address, with the query
    status: int


@dataclass(frozen=True)
class OutboxItem:
    """One row of a console's durable outbox (a queued claim, a reply in its cool-off, …)."""

    kind: str  # "claim", "reply", …
    mention_id: int
    status: str  # "pending", "conflict", "failed"
    payload: dict[str, Any]  # a reply's: body, due_at and queued_at (epoch seconds), heated, …


def _python() -> str:
    import sys

    return str(PYTHON) if PYTHON.exists() else sys.executable


@dataclass
class XConsole:
    desk: XDesktop
    name: str
    server_url: str
    home: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    @classmethod
    def launch(
        cls, desk: XDesktop, name: str, server_url: str, home: Path, *extra_args: str
    ) -> XConsole:
        env = {
            key: value
            for key, value in desk.env.items()
            # the test run's settings for in-process Qt tests must not reach a real console
            if key not in {"PYTHON_KEYRING_BACKEND", "QT_QPA_PLATFORM", "PYTEST_CURRENT_TEST"}
        }
        env.update(home_of_its_own(home), QT_QPA_PLATFORM="xcb", PYTHONUNBUFFERED="1")
        log_path = home / "console.log"
        with log_path.open("ab") as log:
            log.write(f"--- launch {name}: --server {server_url} {' '.join(extra_args)}\n".encode())
            log.flush()
            process = subprocess.Popen(
                [_python(), "main.py", "--server", server_url, *extra_args],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        return cls(desk, name, server_url, home, process, log_path)

    def relaunch(self, *extra_args: str) -> XConsole:
        """A new console process with the same HOME (after kill9 or stop)."""
        if self.process.poll() is None:
            raise RuntimeError(f"console {self.name} is still running")
        return XConsole.launch(self.desk, self.name, self.server_url, self.home, *extra_args)

    # --- state -------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def problem(self) -> str:
        """Why this console cannot go on ("" while it runs)."""
        code = self.process.poll()
        if code is None:
            return ""
        tail = "\n".join(self.log().splitlines()[-40:])
        return f"console {self.name} exited with {code}:\n{tail}"

    def window(self, title: str, *, timeout: float = 40.0) -> int:
        """Wait for one of this console's windows by title (a regex)."""
        return self.desk.wait_for_window(title, pid=self.pid, timeout=timeout, alive=self.problem)

    def main_window(self, *, timeout: float = 40.0) -> int:
        return self.window(MAIN_TITLE, timeout=timeout)

    def title(self) -> str:
        wid = self.desk.window_id(MAIN_TITLE, pid=self.pid)
        return self.desk.window_title(wid) if wid else ""

    def wait_for_title(self, pattern: str, *, timeout: float = 30.0) -> str:
        """Wait until the main window's title matches `pattern` (re.search)."""

        def look() -> str | None:
            if problem := self.problem():
                raise RuntimeError(problem)
            title = self.title()
            return title if re.search(pattern, title) else None

        return poll(
            look,
            timeout,
            f"{self.name}'s title to match {pattern!r}",
            on_timeout=lambda: f"title now: {self.title()!r}",
        )

    def log_mark(self) -> int:
        """How much the log holds now: pass it as `after` to wait only for later lines."""
        return len(self.log())

    def wait_for_log(self, pattern: str, *, after: int = 0, timeout: float = 30.0) -> str:
        """Wait until the console's log, from offset `after`, has a line matching `pattern`
        (re.search); returns the line."""

        def look() -> str | None:
            if problem := self.problem():
                raise RuntimeError(problem)
            return next(
                (line for line in self.log()[after:].splitlines() if re.search(pattern, line)),
                None,
            )

        return poll(
            look,
            timeout,
            f"{self.name}'s console to log {pattern!r}",
            on_timeout=lambda: "its last lines:\n" + "\n".join(self.log().splitlines()[-8:]),
        )

    # --- what the console asked the server (its httpx log lines) ---------------------------

    def requests(self) -> list[Request]:
        """Every HTTP request the console logged, in order (httpx logs each at INFO)."""
        prefix = self.server_url.rstrip("/")
        found = []
        for match in _REQUEST_LINE.finditer(self.log()):
            url = match.group("url")
            path = url[len(prefix) :] if url.startswith(prefix) else url
            found.append(Request(match.group("method"), path, int(match.group("status"))))
        return found

    def wait_for_request(
        self,
        method: str,
        path_pattern: str,
        *,
        status: int | None = None,
        after: int = 0,
        timeout: float = 30.0,
    ) -> Request:
        """Wait until the console has made a request (the `after`-th onwards) matching
        `method` and `path_pattern` (re.fullmatch on the path without the query)."""

        def look() -> Request | None:
            if problem := self.problem():
                raise RuntimeError(problem)
            for request in self.requests()[after:]:
                if (
                    request.method == method
                    and re.fullmatch(path_pattern, request.path.split("?")[0])
                    and (status is None or request.status == status)
                ):
                    return request
            return None

        return poll(
            look,
            timeout,
            f"{self.name}'s console to send {method} {path_pattern}",
            on_timeout=lambda: (
                "its last requests: "
                + "; ".join(f"{r.method} {r.path} {r.status}" for r in self.requests()[-8:])
            ),
        )

    # --- driving the window -------------------------------------------------------------

    def select_first_row(
        self, wid: int, filter_keys: str, mention_id: int, *, timeout: float = 30.0
    ) -> None:
        """Show a filter (e.g. "ctrl+2" for Mine), move the focus to the stream (Ctrl+Shift+J)
        and select its first row. The focus lands on the first row without selecting it, and
        Home or Up then do nothing (that row is current already): Space selects it. When the
        stream was still empty as the focus came, no row is current and Space does nothing:
        Ctrl+Home then goes to the first row and selects it. Done when the console loads the
        mention's detail; pressed again while the stream is still filling."""
        deadline = time.monotonic() + timeout
        while True:
            before = len(self.requests())
            self.desk.activate(wid)
            self.desk.key(filter_keys, "ctrl+shift+j", "space", "ctrl+Home")
            try:
                self.wait_for_request(
                    "GET", rf"/api/v1/mentions/{mention_id}", after=before, timeout=3
                )
                return
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise

    def write_reply(self, wid: int, mention_id: int, text: str, *, attempts: int = 3) -> None:
        """Go to the reply editor (Go to the reply editor, Ctrl+Shift+R), replace its text with
        `text` (Ctrl+A, typing) and wait until the console's local draft of the mention holds
        it — online or offline. Typed again when the draft does not follow: the editor takes
        keys as soon as the mention is shown, but the draft that loads next replaces them."""
        for attempt in range(1, attempts + 1):
            self.desk.activate(wid)
            self.desk.key("ctrl+shift+r", "ctrl+a")
            self.desk.type_text(text)
            try:
                poll(
                    lambda: self.local_draft(mention_id) == text,
                    10,
                    f"{self.name}'s typed reply to reach the local draft of mention {mention_id}",
                    interval=0.1,
                    on_timeout=lambda: f"draft now: {self.local_draft(mention_id)!r}",
                )
                return
            except TimeoutError:
                if attempt == attempts:
                    raise

    # --- its local data (the durable outbox a crash must not lose) ----------------------

    def local_draft(self, mention_id: int) -> str | None:
        """The text of the console's local draft of a mention (None: no draft yet)."""
        for path in self.local_databases():
            with contextlib.suppress(sqlite3.Error):
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
                try:
                    row = db.execute(
                        "SELECT body FROM draft WHERE mention_id = ?", (mention_id,)
                    ).fetchone()
                finally:
                    db.close()
                if row is not None:
                    return str(row[0])
        return None

    def local_databases(self) -> list[Path]:
        return sorted((self.home / ".local" / "share").rglob("*.sqlite3"))

    def outbox(self) -> list[OutboxItem]:
        """The rows of the console's local outbox, oldest first (a read-only look; [] before
        the console has made its store)."""
        items: list[OutboxItem] = []
        for path in self.local_databases():
            with contextlib.suppress(sqlite3.Error):
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
                try:
                    rows = db.execute(
                        "SELECT kind, mention_id, status, payload FROM outbox ORDER BY seq"
                    ).fetchall()
                finally:
                    db.close()
                for kind, mention_id, status, payload in rows:
                    items.append(OutboxItem(kind, int(mention_id), status, json.loads(payload)))
        return items

    def outbox_holds(self, text: str) -> bool:
        """Does a local outbox table hold a row mentioning `text`? (read-only look)"""
        for path in self.local_databases():
            with contextlib.suppress(sqlite3.Error):
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
                try:
                    tables = [
                        name
                        for (name,) in db.execute(
                            "SELECT name FROM sqlite_master WHERE type='table'"
                        )
                        if "outbox" in name.lower()
                    ]
                    for table in tables:
                        for row in db.execute(f'SELECT * FROM "{table}"'):
                            if any(isinstance(v, str) and text in v for v in row):
                                return True
                finally:
                    db.close()
        return False

    def banner_pixels(self, wid: int, colour: str) -> int:
        """Pixels of `colour` ("#RRGGBB") in a thin strip down the left edge of the window's
        top part, where its banners (broadcast, offline, …) sit inside the 6 px margin."""
        if problem := self.problem():
            raise RuntimeError(problem)
        x, y, _width, height = self.desk.geometry(wid)
        return self.desk.colour_count(x + 10, y, 4, min(height, 400), colour)

    def visible_windows(self) -> set[int]:
        """Every visible window of this console (menus and popups included)."""
        out = self.desk.xdotool(
            "search", "--all", "--onlyvisible", "--pid", str(self.pid), check=False
        )
        return {int(w) for w in out.split() if w.isdigit()}

    def wait_for_more_windows(self, before: set[int], *, timeout: float = 10.0) -> set[int]:
        """Wait until a window that was not in `before` shows (a menu, a popup, a dialog)."""
        return poll(
            lambda: self.visible_windows() - before,
            timeout,
            f"a new window of {self.name}'s console",
        )

    # --- the tray ------------------------------------------------------------------------

    def tray_icon(self) -> TrayIcon | None:
        """This console's icon in the tray host, if it has one."""
        mine = set(self.desk.window_ids(".*", pid=self.pid))
        return next((icon for icon in self.desk.tray_icons() if icon.wid in mine), None)

    # --- signing in ----------------------------------------------------------------------

    def choose_session_only(self, *, timeout: float = 40.0) -> None:
        """The "no keyring" dialog: keep the token for this session only."""
        wid = self.window(KEYRING_CHOICE_TITLE, timeout=timeout)
        self.desk.activate(wid)
        # Alt+S focuses "Keep it for this &session only" but checks it only after Qt's 100 ms
        # animateClick; a Return inside that window is taken for the encrypted-file choice.
        # Space checks the focused radio button at once.
        self.desk.key("alt+s", "space", "Return")
        self.desk.wait_for_no_window(KEYRING_CHOICE_TITLE, pid=self.pid)

    def choose_encrypted_file(self, passphrase: str, *, timeout: float = 40.0) -> None:
        """The "no keyring" dialog: an encrypted file, with the passphrase typed twice."""
        wid = self.window(KEYRING_CHOICE_TITLE, timeout=timeout)
        self.desk.activate(wid)
        self.desk.key("alt+e")  # "Keep it in a file &encrypted with a passphrase"
        self.desk.key("alt+p")
        self.desk.type_text(passphrase)
        self.desk.key("alt+a")
        self.desk.type_text(passphrase)
        self.desk.key("Return")
        self.desk.wait_for_no_window(KEYRING_CHOICE_TITLE, pid=self.pid)

    def type_token(self, token: str, *, timeout: float = 40.0) -> None:
        wid = self.window(TOKEN_TITLE, timeout=timeout)
        self.desk.activate(wid)
        self.desk.type_text(token)
        self.desk.key("Return")
        self.desk.wait_for_no_window(TOKEN_TITLE, pid=self.pid)

    def unlock(self, passphrase: str, *, timeout: float = 40.0) -> None:
        wid = self.window(UNLOCK_TITLE, timeout=timeout)
        self.desk.activate(wid)
        self.desk.type_text(passphrase)
        self.desk.key("Return")

    def sign_in(self, token: str, *, timeout: float = 40.0) -> int:
        """First run against a team server on a machine without a keyring: "this session
        only", then the token. Returns the main window's id."""
        self.choose_session_only(timeout=timeout)
        self.type_token(token, timeout=timeout)
        return self.main_window(timeout=timeout)

    # --- ending --------------------------------------------------------------------------

    def kill9(self) -> None:
        """SIGKILL the console, as a crash or a power cut would."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()


class Consoles:
    """Starts consoles on one desktop, each with its own HOME under `root`, and stops every
    one still running at the end (`stop_all`)."""

    def __init__(self, desk: XDesktop, root: Path) -> None:
        self.desk = desk
        self.root = root
        self.started: list[XConsole] = []

    def launch(self, name: str, server_url: str, *extra_args: str) -> XConsole:
        console = XConsole.launch(self.desk, name, server_url, self.root / name, *extra_args)
        self.started.append(console)
        return console

    def relaunch(self, console: XConsole, *extra_args: str) -> XConsole:
        """The same console again (same HOME) after it was killed or quit."""
        again = console.relaunch(*extra_args)
        self.started.append(again)
        return again

    def stop_all(self) -> None:
        for console in self.started:
            console.stop()
