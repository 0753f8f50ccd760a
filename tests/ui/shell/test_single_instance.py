"""One console per user and data folder: a second launch brings the running console's window to
the front and exits 0 — two real processes (offscreen)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.folders import console_folders
from tests.support.xdesktop import poll

REPO_ROOT = Path(__file__).resolve().parents[3]


def console_command(tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "main.py",
        "--demo",
        *console_folders(tmp_path),
        *extra,
    ]


# PYTHONFAULTHANDLER: a console that does not quit is ended with SIGABRT, which then prints
# where each of its threads stood.
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}


def quit_by_signal(console: subprocess.Popen[str], seconds: float) -> str:
    """SIGTERM, as a logout does; the console's standard error once it has ended. One that is
    still running after `seconds` fails the test with its threads' stacks (not pytest-timeout,
    which would take the whole worker down with no word of the console)."""
    console.send_signal(signal.SIGTERM)
    try:
        return console.communicate(timeout=seconds)[1]
    except subprocess.TimeoutExpired:
        console.send_signal(signal.SIGABRT)
        stderr = console.communicate(timeout=30)[1]
        pytest.fail(f"the console did not quit {seconds:.0f} s after SIGTERM:\n{stderr[-6000:]}")


# Four launches, each with its own timeout: the whole can take longer than the default.
@pytest.mark.timeout(420)
@pytest.mark.slow
def test_a_second_launch_raises_the_first_window_and_exits_0(tmp_path: Path) -> None:
    first = subprocess.Popen(
        console_command(tmp_path),
        cwd=REPO_ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        poll(lambda: (tmp_path / "config" / "settings.json").exists(), 90, "the first console")
        second = subprocess.run(
            console_command(tmp_path),
            cwd=REPO_ROOT,
            env=ENV,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 0, second.stderr[-2000:]
        assert "already running" in second.stdout
        assert "its window was brought to the front" in second.stdout
        # A screenshot run on the same data folder is refused in a sentence, not raised.
        shot = subprocess.run(
            console_command(tmp_path, "--screenshot", str(tmp_path / "shot.png")),
            cwd=REPO_ROOT,
            env=ENV,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert shot.returncode == 1
        assert "a screenshot run needs its own" in shot.stderr
        assert first.poll() is None  # the first console runs on
        stderr = quit_by_signal(first, 60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, stderr[-3000:]
    assert stderr.count("another launch of the console asked for this window") == 1, stderr
    # Its hold ends with it: the next launch on this data folder is a console again.
    assert not (tmp_path / "shot.png").exists()
    again = subprocess.run(
        console_command(tmp_path, "--screenshot", str(tmp_path / "shot.png")),
        cwd=REPO_ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert (tmp_path / "shot.png").exists()
