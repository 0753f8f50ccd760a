"""The test run survives a worker that dies mid-file: the crashed test is reported failed, the
rest of its file and the other files still run, and the run ends (pytest-xdist's own file
scheduler waited for ever here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.live_server import REPO_ROOT

pytestmark = pytest.mark.slow

KILLING_FILE = """\
import os


def test_before():
    pass


def test_dies():
    os.kill(os.getpid(), 9)


def test_after():
    pass
"""


def test_a_crashed_worker_is_replaced_and_the_run_ends(tmp_path: Path) -> None:
    (tmp_path / "test_1_dies.py").write_text(KILLING_FILE)
    (tmp_path / "test_2_lives.py").write_text("def test_fine():\n    pass\n")
    (tmp_path / "test_3_dies.py").write_text(KILLING_FILE)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "1",
            "--dist",
            "loadfile",
            "-p",
            "tests.support.crash_scheduling",
            "-p",
            "no:cacheprovider",
            "-q",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    summary = run.stdout.strip().splitlines()[-1]
    assert "2 failed, 5 passed" in summary, run.stdout + run.stderr
    assert "test_1_dies.py::test_dies" in run.stdout
    assert "test_3_dies.py::test_dies" in run.stdout
