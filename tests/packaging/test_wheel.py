"""A proper package: the wheel carries everything the console and the server read (migrations,
the demo mentions, the icon), and installed into a fresh virtual environment it gives working
`responder-server` and `responder` commands, run from outside the source checkout.

Offline: the wheel is built with this environment's setuptools (`--no-build-isolation`) from a
copy of the sources, installed with `--no-deps --no-index`, and the fresh environment finds the
dependencies through a .pth line naming this environment's site-packages (a plain path line:
the editable install of the checkout that lives there is not activated)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.packaging.sources import REPO_ROOT, copy_sources
from tests.support.folders import console_folders


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = copy_sources(tmp_path_factory.mktemp("source"))
    dist = tmp_path_factory.mktemp("dist")
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(source),
        ],
        cwd=source,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel_path,) = dist.glob("responder_console-*.whl")
    return wheel_path


def test_the_wheel_carries_every_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    revisions = sorted(p.name for p in (REPO_ROOT / "app/server/migrations/versions").glob("*.py"))
    assert revisions
    for revision in revisions:
        assert f"app/server/migrations/versions/{revision}" in names
    assert "app/server/migrations/script.py.mako" in names
    assert "app/resources/demo/mentions.jsonl" in names
    assert "app/resources/icons/responder-console.svg" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    )
    assert b"responder = app.desktop:main" in entry_points
    assert b"responder-server = app.server.cli:main" in entry_points


@pytest.mark.slow
@pytest.mark.timeout(300)  # three cold starts on a shared 2-core machine
def test_the_installed_commands_work_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    created = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    installed = run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=tmp_path,
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path
        ).stdout.strip()
    )
    (site / "responder-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    where = run([str(python), "-c", "import app; print(app.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr

    work = tmp_path / "elsewhere"  # not the checkout: nothing is read from it
    work.mkdir()
    database = f"sqlite:///{work / 'team.sqlite3'}"
    init = run([str(venv / "bin/responder-server"), "init", "--database-url", database], work)
    assert init.returncode == 0, init.stderr[-3000:]
    assert len(init.stdout.strip().splitlines()[-1]) >= 20  # the admin's token, alone

    # No display: the installed command says so in a sentence, status 2 (no Qt abort).
    headless = run(
        [str(venv / "bin/responder"), "--data-dir", str(work / "none")],
        work,
        DISPLAY="",
        WAYLAND_DISPLAY="",
        QT_QPA_PLATFORM="",
    )
    assert headless.returncode == 2, headless.stderr[-3000:]
    assert "needs a graphical desktop and found none" in headless.stderr

    shot = work / "console.png"
    console = run(
        [
            str(venv / "bin/responder"),
            "--demo",
            "--screenshot",
            str(shot),
            *console_folders(work),
        ],
        work,
        QT_QPA_PLATFORM="offscreen",
    )
    assert console.returncode == 0, console.stderr[-3000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    server_log = (work / "data" / "solo" / "server.log").read_text()
    assert "Traceback" not in server_log, server_log[-3000:]
    # The demo source played its mentions, read from the installed package.
    with sqlite3.connect(work / "data" / "solo" / "server.sqlite3") as db:
        (demo_mentions,) = db.execute("SELECT count(*) FROM mentions WHERE is_demo").fetchone()
    assert demo_mentions > 0
