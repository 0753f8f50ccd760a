"""The real entry point, end to end: `python main.py --screenshot` starts the private solo
server, loads the stream, writes a PNG and quits cleanly — exit 0, no task left pending."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.folders import console_folders

REPO_ROOT = Path(__file__).resolve().parents[3]
PENDING_TASK_SIGNS = (
    "Task was destroyed but it is pending",
    "Event loop stopped before Future completed",
    "was never awaited",
    "Traceback",
    "Fatal Python error",
)


@pytest.mark.slow
def test_screenshot_run_starts_solo_and_quits_cleanly(tmp_path: Path) -> None:
    shot = tmp_path / "console.png"
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--screenshot",
            str(shot),
            *console_folders(tmp_path),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONWARNINGS": "default"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for sign in PENDING_TASK_SIGNS:
        assert sign not in result.stderr, result.stderr[-3000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
    # The solo server was stopped with the console, and the cache is where the data dir says.
    assert (tmp_path / "data" / "cache" / "solo.sqlite3").exists()
    assert "Finished server process" in (tmp_path / "data" / "solo" / "server.log").read_text()
