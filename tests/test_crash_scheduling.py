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


def _run_one_worker(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest over `tmp_path`'s files on one xdist worker with this scheduler."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        "markers =\n    slow: seconds a test\n"
    )
    return subprocess.run(
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
            *args,
            str(tmp_path),
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def test_a_crashed_worker_is_replaced_and_the_run_ends(tmp_path: Path) -> None:
    (tmp_path / "test_1_dies.py").write_text(KILLING_FILE)
    (tmp_path / "test_2_lives.py").write_text("def test_fine():\n    pass\n")
    (tmp_path / "test_3_dies.py").write_text(KILLING_FILE)
    run = _run_one_worker(tmp_path, "-q")
    summary = run.stdout.strip().splitlines()[-1]
    assert "2 failed, 5 passed" in summary, run.stdout + run.stderr
    assert "test_1_dies.py::test_dies" in run.stdout
    assert "test_3_dies.py::test_dies" in run.stdout


def test_files_that_mark_tests_slow_are_handed_out_first(tmp_path: Path) -> None:
    many = "".join(f"def test_quick_{n}():\n    pass\n\n\n" for n in range(4))
    (tmp_path / "test_a_many.py").write_text(many)
    (tmp_path / "test_b_slow.py").write_text(
        "import pytest\n\npytestmark = pytest.mark.slow\n\n\ndef test_long():\n    pass\n"
    )
    (tmp_path / "test_c_few.py").write_text("def test_one():\n    pass\n")
    run = _run_one_worker(tmp_path, "-v")
    ran = [line.split("::")[0].split()[-1] for line in run.stdout.splitlines() if "PASSED" in line]
    order = list(dict.fromkeys(ran))
    # xdist alone orders files by their number of tests: a, then b and c (one test each).
    assert order == ["test_b_slow.py", "test_a_many.py", "test_c_few.py"], run.stdout
