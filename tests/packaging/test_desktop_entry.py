"""`responder --install-desktop-entry` puts the console in the desktop's application menu (a
freedesktop.org entry and its icon under XDG_DATA_HOME); `--start-at-login` and
`--no-start-at-login` add and remove its autostart entry under XDG_CONFIG_HOME. No display is
needed. Real runs of the entry point with temporary XDG folders."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def responder(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "data-home"),
        XDG_CONFIG_HOME=str(tmp_path / "config-home"),
    )
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def entry_fields(path: Path) -> dict[str, str]:
    lines = path.read_text("utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def test_the_desktop_entry_and_icon_are_installed_without_a_display(tmp_path: Path) -> None:
    result = responder(tmp_path, "--install-desktop-entry")
    assert result.returncode == 0, result.stderr
    entry = tmp_path / "data-home" / "applications" / "responder-console.desktop"
    icon = tmp_path / "data-home" / "icons/hicolor/scalable/apps/responder-console.svg"
    assert "is in your application menu" in result.stdout
    fields = entry_fields(entry)
    assert fields["Name"] == "Responder Console"
    assert fields["Icon"] == "responder-console"  # found in the hicolor theme by name
    assert fields["StartupWMClass"] == "responder-console"  # the app's desktop file name
    assert icon.read_text().lstrip().startswith("<?xml")
    assert "<svg" in icon.read_text()
    # What the menu runs starts the console (its --help here: no window).
    command = shlex.split(fields["Exec"])
    ran = subprocess.run(
        [*command, "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    assert "--install-desktop-entry" in ran.stdout
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        missing = "desktop-file-validate is missing (scripts/setup installs desktop-file-utils)"
        if os.environ.get("CI"):
            pytest.fail(missing)  # CI runs scripts/setup: the entry must be validated there
        pytest.skip(missing)
    checked = subprocess.run([validator, str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    assert not checked.stdout.strip(), checked.stdout  # not even a hint


def test_start_at_login_adds_and_removes_the_autostart_entry(tmp_path: Path) -> None:
    autostart = tmp_path / "config-home" / "autostart" / "responder-console.desktop"
    result = responder(tmp_path, "--start-at-login")
    assert result.returncode == 0, result.stderr
    assert "will start when you log in" in result.stdout
    fields = entry_fields(autostart)
    assert fields["X-GNOME-Autostart-enabled"] == "true"
    assert fields["Exec"]
    result = responder(tmp_path, "--no-start-at-login")
    assert result.returncode == 0, result.stderr
    assert "will no longer start when you log in" in result.stdout
    assert not autostart.exists()
    assert (tmp_path / "config-home" / "autostart").is_dir()
