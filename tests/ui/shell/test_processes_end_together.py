"""A console's processes end together: however the console ends — SIGTERM (log out, shut down,
`kill`), SIGINT (Ctrl+C), or killed outright (`kill -9`, a crash) — its private solo server ends
too, within seconds and by itself when the console could not stop it. Real processes: `main.py
--demo` offscreen, and the server it starts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.xdesktop import poll
from tests.ui.shell.test_entry_point import PENDING_TASK_SIGNS

REPO_ROOT = Path(__file__).resolve().parents[3]
SERVER_GONE_WITHIN = 15.0  # its graceful shutdown is bounded at 3 s (timeout_graceful_shutdown)


def process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its parent to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def start_console(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    """A solo demo console, once its private server answers; with that server's process id."""
    config = tmp_path / "config"
    console = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "--demo",
            "--data-dir",
            str(tmp_path / "data"),
            "--config-dir",
            str(config),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONWARNINGS": "default"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Written once the private server answers (the console is up, its handlers set).
    poll(lambda: (config / "settings.json").exists(), 90, "the console to start")
    lock = tmp_path / "data" / "solo" / "server.lock"
    text = lock.read_text().strip()
    assert text.isdigit(), f"the solo server's lock names no process: {text!r}"
    server = int(text)
    assert process_alive(server)
    return console, server


@pytest.mark.slow
def test_a_killed_console_takes_its_solo_server_along(tmp_path: Path) -> None:
    console, server = start_console(tmp_path)
    try:
        console.kill()  # SIGKILL: no handler, no clean-up in the console
        console.wait(timeout=30)
        poll(
            lambda: not process_alive(server),
            SERVER_GONE_WITHIN,
            "the solo server to notice its console is gone and exit",
        )
        log = (tmp_path / "data" / "solo" / "server.log").read_text()
        assert "Finished server process" in log, log[-2000:]
    finally:
        if console.poll() is None:
            console.kill()
        if process_alive(server):
            os.kill(server, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signalled_console_quits_like_the_menu_and_stops_its_server(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """Logging out (or `kill`) sends SIGTERM, Ctrl+C SIGINT: the console quits as from
    Console ▸ Quit — exit 0, nothing left pending, its server stopped, its layout kept."""
    console, server = start_console(tmp_path)
    try:
        console.send_signal(signum)
        _, stderr = console.communicate(timeout=60)
        assert console.returncode == 0, stderr[-3000:]
        for sign in (*PENDING_TASK_SIGNS, "KeyboardInterrupt"):
            assert sign not in stderr, stderr[-3000:]
        # Stopped by the console before it exited: nothing left to notice afterwards.
        assert not process_alive(server)
        log = (tmp_path / "data" / "solo" / "server.log").read_text()
        assert "Finished server process" in log, log[-2000:]
        # As from Console ▸ Quit: the window's layout is kept for the next launch.
        kept = json.loads((tmp_path / "config" / "settings.json").read_text())
        assert kept["window"]["geometry"], kept
    finally:
        if console.poll() is None:
            console.kill()
        if process_alive(server):
            os.kill(server, signal.SIGKILL)
