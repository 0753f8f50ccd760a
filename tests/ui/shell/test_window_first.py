"""The window comes first: a console starts with its window and its cached stream on the screen
while its private server is still starting, says so in the status bar, and connects after.
Real processes: `main.py --demo` offscreen, and the server it starts. The server is held back
by a stand-in for an earlier private server that still holds the data folder's lock (as after
a crash): the console stops it and waits for the lock, and the test lets go only once it has
seen the window — so "before the server answers" is a fact here, not a race.

The start-up's moments are read from the console's log (app/desktop/startup.py), where each
carries what the status bar said then."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from app.client.connection.events import ConnectionState
from app.client.stream.words import CONNECTION_WORDS, PRIVATE_SERVER_STARTING
from app.common.file_lock import FileLock
from app.desktop.startup import CONNECTED, STREAM_FILLED, WINDOW_SHOWN
from tests.support.folders import console_folders
from tests.support.live_server import LiveServer
from tests.support.xdesktop import poll
from tests.ui.console import Console
from tests.ui.shell.test_entry_point import PENDING_TASK_SIGNS

REPO_ROOT = Path(__file__).resolve().parents[3]
_MARK = re.compile(
    r"start-up: (?P<moment>.+?)(?: \((?P<count>\d+) mentions\))? after (?P<after>[\d.]+) s "
    r"\(status: (?P<status>.*)\) \[at (?P<at>[\d.]+)\]"
)
HEAVY_FOR_START_UP = (
    "pyqtgraph",  # the manager overview's charts
    "numpy",
    "keyring",  # team mode's token, asked for after the window
    "cryptography",
    "apprise",  # the server's notifier
    "fastapi",
    "uvicorn",
    "alembic",
    # The cache's and the connection's code, and the server's types: loaded behind the window
    # (app/desktop/core.py), not before it.
    "sqlalchemy",
    "httpx",
    "app.models.schemas",
    "app.client.stream.session",
    "app.client.stream.store",
)


# The window's frame is on the screen before any of these is imported: the stream, its filter
# bar, columns and detail, the menus' actions table and the module that builds them.
FURNISHING = (
    "app.ui.shell.window",
    "app.ui.shell.actions",
    "app.ui.shell.columns",
    "app.ui.stream.stream",
    "app.ui.stream.filter",
    "app.ui.stream.detail_pane",
    "app.ui.qt.banner",
)
# The console's own entry point, with a log handler that says, when the window is first on the
# screen, which of FURNISHING the process had imported by then.
IMPORTED_AT_THE_WINDOW = "imported when the window was on the screen: "
FRAME_PROBE = f"""
import logging, sys

class Probe(logging.Handler):
    def emit(self, record):
        if record.getMessage().startswith("start-up: the window is on the screen"):
            loaded = [m for m in {FURNISHING!r} if m in sys.modules]
            print({IMPORTED_AT_THE_WINDOW!r} + (",".join(loaded) or "none"), flush=True)

logging.getLogger("app.desktop.startup").addHandler(Probe())
from app.desktop import main
sys.exit(main(sys.argv[1:]))
"""


class ConsoleRun:
    """One `main.py --demo` process (or `python -c entry --demo`) with its output in a file."""

    def __init__(self, tmp_path: Path, name: str, entry: Sequence[str] = ("main.py",)) -> None:
        self.log_path = tmp_path / f"{name}.log"
        self.launched_at = time.time()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    *entry,
                    "--demo",
                    *console_folders(tmp_path),
                ],
                cwd=REPO_ROOT,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONWARNINGS": "default"},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def marks(self) -> dict[str, re.Match[str]]:
        if self.process.poll() is not None:
            raise RuntimeError(f"the console exited {self.process.returncode}:\n{self.log()}")
        return {m.group("moment"): m for m in _MARK.finditer(self.log())}

    def wait_for(self, *moments: str, timeout: float = 90) -> dict[str, re.Match[str]]:
        def logged() -> dict[str, re.Match[str]] | None:
            found = self.marks()
            return found if set(moments) <= found.keys() else None

        return poll(
            logged,
            timeout,
            f"the console to log {moments}",
            on_timeout=lambda: self.log()[-3000:],
        )

    def quit(self) -> None:
        """SIGTERM: quits like Console ▸ Quit; exit 0 with nothing left pending."""
        self.process.terminate()
        assert self.process.wait(timeout=60) == 0, self.log()[-3000:]
        for sign in PENDING_TASK_SIGNS:
            assert sign not in self.log(), self.log()[-3000:]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.mark.slow
def test_the_cached_stream_shows_while_the_private_server_starts(tmp_path: Path) -> None:
    # A first start fills the local cache from the demo server.
    first = ConsoleRun(tmp_path, "first")
    try:
        found = first.wait_for(WINDOW_SHOWN, STREAM_FILLED, CONNECTED)
        assert found[WINDOW_SHOWN].group("status") == PRIVATE_SERVER_STARTING
        assert found[CONNECTED].group("status") == CONNECTION_WORDS[ConnectionState.ONLINE]
        first.quit()
    finally:
        first.kill()

    # An earlier private server that has not let go of the data folder yet.
    stale = subprocess.Popen(["sleep", "600"])
    lock = FileLock(tmp_path / "data" / "solo" / "server.lock")
    assert lock.try_acquire()
    lock.write_holder(stale.pid)
    again = ConsoleRun(tmp_path, "again")
    try:
        found = again.wait_for(WINDOW_SHOWN, STREAM_FILLED)
        window, filled = found[WINDOW_SHOWN], found[STREAM_FILLED]
        # The window, then the cached mentions in it, said to be waiting for the server...
        assert window.group("status") == PRIVATE_SERVER_STARTING
        assert filled.group("status") == PRIVATE_SERVER_STARTING
        assert int(filled.group("count")) > 0
        assert again.launched_at - 1 <= float(window.group("at")) <= float(filled.group("at"))
        assert 0 < float(window.group("after")) <= float(filled.group("after"))
        # ...which cannot have answered: the lock is still ours.
        assert CONNECTED not in again.marks()
        assert stale.wait(timeout=30) == -signal.SIGTERM  # the console asked it to stop
        lock.release()
        connected = again.wait_for(CONNECTED)[CONNECTED]
        assert connected.group("status") == CONNECTION_WORDS[ConnectionState.ONLINE]
        again.quit()
    finally:
        again.kill()
        lock.release()
        if stale.poll() is None:
            stale.kill()
            stale.wait()


@pytest.mark.slow
def test_the_frame_is_on_the_screen_before_the_stream_is_imported(tmp_path: Path) -> None:
    """The window goes on the screen as a frame (title, size, the status bar saying what
    starts) and is furnished with the stream and its menus after: none of their modules has
    been imported when it is first exposed. It is the same window that then fills."""
    run = ConsoleRun(tmp_path, "frame", entry=("-c", FRAME_PROBE))
    try:
        found = run.wait_for(WINDOW_SHOWN, STREAM_FILLED, CONNECTED)
        assert found[WINDOW_SHOWN].group("status") == PRIVATE_SERVER_STARTING
        said = [line for line in run.log().splitlines() if line.startswith(IMPORTED_AT_THE_WINDOW)]
        assert said == [IMPORTED_AT_THE_WINDOW + "none"], run.log()[-3000:]
        assert int(found[STREAM_FILLED].group("count")) > 0
        run.quit()
    finally:
        run.kill()


def test_nothing_heavy_is_imported_before_the_window() -> None:
    """The charts, the keyring, the token file's cryptography and anything of the server load
    when first used, not on every start-up; the stream and menus that furnish the window's frame
    load once the frame is on the screen (see bench/bench_startup.py --imports)."""
    probe = (
        "import sys, app.desktop, app.desktop.console; "
        f"print(','.join(m for m in {HEAVY_FOR_START_UP + FURNISHING!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "", result.stdout


def test_the_status_bar_moves_while_the_console_starts_and_stops_once_connected(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, token = live_server.create_user("ana-start", role="rep")
    console = console_factory(live_server.base_url, token)  # online: its session said so
    window = console.window
    assert window.connection_label.text() == CONNECTION_WORDS[ConnectionState.ONLINE]
    assert window.connection_busy.isHidden()
    # What the desktop shows before its private server answers, then until it is connected.
    window.show_progress(PRIVATE_SERVER_STARTING)
    assert window.connection_label.text() == PRIVATE_SERVER_STARTING
    assert not window.connection_busy.isHidden()
    window.show_connection(ConnectionState.CONNECTING.value, "")
    assert window.connection_label.text() == CONNECTION_WORDS[ConnectionState.CONNECTING]
    assert not window.connection_busy.isHidden()
    window.show_connection(ConnectionState.OFFLINE.value, "connection refused")
    assert window.connection_busy.isHidden()
