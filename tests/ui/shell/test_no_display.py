"""With no display — or a display Qt cannot use — the console says in one sentence what is wrong
and how to run it, and exits with status 2: never Qt's abort and core dump (status 134 / -6).
The process tests run the real entry point; the rest ask the check itself with a chosen
environment and library loader."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.desktop.display import (
    OPENGL_LIBRARIES,
    WAYLAND_LIBRARIES,
    XCB_LIBRARIES,
    all_packages,
    check_display,
)
from tests.support.folders import console_folders

REPO_ROOT = Path(__file__).resolve().parents[3]
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")


def run_console(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in DISPLAY_VARIABLES}
    return subprocess.run(
        [
            sys.executable,
            "main.py",
            *console_folders(tmp_path),
        ],
        cwd=REPO_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_display_is_one_sentence_and_status_2(tmp_path: Path) -> None:
    result = run_console(tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if not line.startswith("INFO ")]
    assert len(lines) == 1, result.stderr
    assert "found none (neither DISPLAY nor WAYLAND_DISPLAY is set)" in lines[0]
    assert "QT_QPA_PLATFORM=offscreen responder --screenshot" in lines[0]
    assert "could not load the Qt platform plugin" not in result.stderr
    assert not (tmp_path / "data").exists()  # decided before anything started


def test_a_display_that_does_not_answer_is_said_too(tmp_path: Path) -> None:
    result = run_console(tmp_path, DISPLAY=":97")  # no X server there
    assert result.returncode == 2, result.stderr[-2000:]
    assert "the display :97 does not answer" in result.stderr
    assert "could not load the Qt platform plugin" not in result.stderr


def test_a_broken_xcb_library_is_named_by_its_package(tmp_path: Path) -> None:
    """What a desktop without libxcb-icccm4 sees: the library does not load (here an empty
    file found first on LD_LIBRARY_PATH), so Qt's xcb plugin would abort the process."""
    broken = tmp_path / "lib"
    broken.mkdir()
    (broken / "libxcb-icccm.so.4").write_bytes(b"")
    result = run_console(tmp_path, DISPLAY=":0", LD_LIBRARY_PATH=str(broken))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "sudo apt install libxcb-icccm4`" in result.stderr
    assert "could not load the Qt platform plugin" not in result.stderr


def test_missing_xcb_libraries_are_named_as_debian_packages() -> None:
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    check = check_display(
        {"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"},
        system="linux",
        loads=lambda soname: soname not in absent,
        reachable=lambda platform, env: True,
    )
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in check.problem
    assert "Qt's X11 platform lacks libraries" in check.problem


def test_a_wayland_session_without_x11_asks_qt_for_wayland() -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": "/run/user/1000"}
    check = check_display(
        env, system="linux", loads=lambda soname: True, reachable=lambda platform, env: True
    )
    assert check == check.__class__(problem="", platform="wayland")


def test_an_x11_desktop_keeps_qts_own_choice() -> None:
    check = check_display(
        {"DISPLAY": ":0"},
        system="linux",
        loads=lambda soname: True,
        reachable=lambda platform, env: platform == "xcb",
    )
    assert (check.problem, check.platform) == ("", "")


def test_offscreen_windows_and_macos_need_no_display() -> None:
    for env, system in (({"QT_QPA_PLATFORM": "offscreen"}, "linux"), ({}, "win32"), ({}, "darwin")):
        check = check_display(
            env, system=system, loads=lambda soname: False, reachable=lambda platform, env: False
        )
        assert not check.problem, (env, system)


def test_setup_installs_every_library_the_check_looks_for() -> None:
    """scripts/setup asks this module for the list: one source for both."""
    setup = (REPO_ROOT / "scripts" / "setup").read_text()
    assert "app/desktop/display.py" in setup
    printed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "app" / "desktop" / "display.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert printed == all_packages()
    tables = (XCB_LIBRARIES, WAYLAND_LIBRARIES, OPENGL_LIBRARIES)
    assert {package for table in tables for package in table.values()} == set(printed)
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libwayland-cursor0"} <= set(
        printed
    )
