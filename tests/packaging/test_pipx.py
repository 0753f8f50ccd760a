"""`pipx install .` as the README tells a rep: pipx makes its own environment, resolves the
dependencies from the package index (the only network it needs) and puts `responder` and
`responder-server` in its bin folder. Run from outside the checkout, they start the console
(a demo screenshot, offscreen), a team server answering /api/v1/health, and write a desktop
entry that runs the installed command. pipx's home and bin folders are temporary."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.packaging.sources import copy_sources
from tests.support.folders import console_folders
from tests.support.xdesktop import poll


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=420, check=False
    )


@pytest.mark.slow
@pytest.mark.timeout(600)  # pipx installs every dependency into a fresh environment
def test_pipx_install_gives_working_commands(tmp_path: Path) -> None:
    source = copy_sources(tmp_path / "source")
    pipx_bin = tmp_path / "pipx-bin"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "VIRTUAL_ENV", "PYTHONPATH"}
    }
    env.update(
        PIPX_HOME=str(tmp_path / "pipx-home"),
        PIPX_BIN_DIR=str(pipx_bin),
        PIPX_MAN_DIR=str(tmp_path / "pipx-man"),
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "data-home"),
        XDG_CONFIG_HOME=str(tmp_path / "config-home"),
        QT_QPA_PLATFORM="offscreen",
        PATH=f"{pipx_bin}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    installed = run(
        [sys.executable, "-m", "pipx", "install", "--python", sys.executable, str(source)],
        tmp_path,
        env,
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    responder, server = pipx_bin / "responder", pipx_bin / "responder-server"
    assert responder.exists(), installed.stdout
    assert server.exists(), installed.stdout

    work = tmp_path / "elsewhere"  # not the checkout: nothing is read from it
    work.mkdir()
    helped = run([str(responder), "--help"], work, env)
    assert helped.returncode == 0, helped.stderr[-3000:]
    assert "--install-desktop-entry" in helped.stdout
    helped = run([str(server), "--help"], work, env)
    assert helped.returncode == 0, helped.stderr[-3000:]
    assert "serve" in helped.stdout

    # The installed package is pipx's own, not the checkout's editable install.
    where = run(
        [
            str(tmp_path / "pipx-home/venvs/responder-console/bin/python"),
            "-c",
            "import app; print(app.__file__)",
        ],
        work,
        env,
    )
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "pipx-home"), where.stderr

    shot = work / "console.png"
    console = run(
        [
            str(responder),
            "--demo",
            "--screenshot",
            str(shot),
            *console_folders(work),
        ],
        work,
        env,
    )
    assert console.returncode == 0, console.stderr[-3000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Traceback" not in (work / "data/solo/server.log").read_text()

    # The menu entry runs pipx's command.
    entry = run([str(responder), "--install-desktop-entry"], work, env)
    assert entry.returncode == 0, entry.stderr[-3000:]
    fields = dict(
        line.split("=", 1)
        for line in (tmp_path / "data-home/applications/responder-console.desktop")
        .read_text("utf-8")
        .splitlines()[1:]
    )
    assert shlex.split(fields["Exec"]) == [str(responder)]

    port_file = work / "port"
    serving = subprocess.Popen(
        [
            str(server),
            "serve",
            "--database-url",
            f"sqlite:///{work / 'team.sqlite3'}",
            "--migrate",
            "--port",
            "0",
            "--port-file",
            str(port_file),
        ],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The port file is written whole once the server listens (or the server exits).
        poll(
            lambda: port_file.exists() or serving.poll() is not None,
            120,
            "the installed server to listen",
        )
        assert serving.poll() is None, serving.communicate()[1][-3000:]
        port = int(port_file.read_text())
        health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
    finally:
        serving.send_signal(signal.SIGTERM)
        _, errors = serving.communicate(timeout=60)
    # uvicorn shuts down cleanly, then ends by the signal it was sent (status -15).
    assert serving.returncode in {0, -signal.SIGTERM}, errors[-3000:]
    assert "Application shutdown complete" in errors
