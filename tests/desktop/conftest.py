"""Story tests in a real X server: real console processes (`main.py --server URL`) on Xvfb with
openbox and a tray host (trayer), against a real team server process, driven by synthesised
input (xdotool) and photographed at every step (ImageMagick's `import`).

Each module is marked `desktop` (select them with `-m desktop`); they are part of the default
run. Where Xvfb or its companions are missing they skip, saying why — except in CI (`CI=true`)
or with RESPONDER_REQUIRE_DESKTOP=1, where they fail instead. Screenshots go to
RESPONDER_SHOTS_DIR/<test name>/ (default: `shots/` in the test's tmp dir); a run without xdist
workers lists the folders at its end, and each test's report keeps its folder
(`desktop_shots` in user_properties, e.g. in --junitxml)."""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from tests.support.fixtures import mastodon  # noqa: F401  (a real mastodon-mock per test)
from tests.support.live_server import LiveServer, start_live_server
from tests.support.xconsole import Consoles
from tests.support.xdesktop import XDesktop, desktop_unavailable, start_xdesktop

DESKTOP_MARKER = "desktop: story tests driving real consoles in a real X server (Xvfb)"
_SHOT_DIRS = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", DESKTOP_MARKER)
    config.stash[_SHOT_DIRS] = []


def desktop_required() -> bool:
    ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    return ci or os.environ.get("RESPONDER_REQUIRE_DESKTOP", "") == "1"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed story gets a last picture of the screen, taken while its consoles still run."""
    report = yield
    desk = getattr(item, "funcargs", {}).get("xdesk")
    if report.when == "call" and report.failed and isinstance(desk, XDesktop):
        try:
            path = desk.screenshot("at-failure")
            report.sections.append(("desktop", f"screenshot at failure: {path}"))
        except Exception as exc:  # the picture is a help, never a second failure
            report.sections.append(("desktop", f"no screenshot at failure: {exc}"))
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    dirs = terminalreporter.config.stash.get(_SHOT_DIRS, [])
    if dirs:
        terminalreporter.write_sep("-", "desktop story screenshots")
        for line in dirs:
            terminalreporter.write_line(line)


@pytest.fixture
def shots_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = os.environ.get("RESPONDER_SHOTS_DIR")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", request.node.name).strip("-")
    path = Path(root) / name if root else tmp_path / "shots"
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.png"):  # a rerun into the same folder starts a fresh series
        old.unlink()
    return path


@pytest.fixture
def xdesk(request: pytest.FixtureRequest, shots_dir: Path, tmp_path: Path) -> Iterator[XDesktop]:
    """Xvfb + openbox + trayer + a session bus, fresh per test."""
    problem = desktop_unavailable()
    if problem:
        if desktop_required():
            pytest.fail(f"{problem} (required here: CI or RESPONDER_REQUIRE_DESKTOP=1)")
        pytest.skip(problem)
    with start_xdesktop(shots_dir, log_dir=tmp_path / "x-logs") as desk:
        yield desk
    # Listed at the end of a run without xdist workers, and kept in the report (junitxml).
    request.node.user_properties.append(("desktop_shots", str(shots_dir)))
    request.config.stash[_SHOT_DIRS].append(f"{request.node.nodeid}: {shots_dir}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real team server process on SQLite in the test's tmp dir."""
    with start_live_server(tmp_path / "server") as live:
        yield live


@pytest.fixture
def consoles(xdesk: XDesktop, tmp_path: Path) -> Iterator[Consoles]:
    """consoles.launch(name, server_url, *args) starts `main.py --server URL` with its own HOME
    under the tmp dir; every console still running at the end is stopped."""
    started = Consoles(xdesk, tmp_path / "homes")
    yield started
    started.stop_all()
    for console in started.started:
        log = console.log()
        if "Traceback" in log or "Fatal Python error" in log:
            print(f"--- {console.name}'s console log ({console.log_path}) ---\n{log[-4000:]}")
