"""Fixtures of the team-console tests: the qasync loop of tests/support/qt_loop.py, the real
server of tests/ui, and `team_console_factory`, consoles with the team features installed,
connected to that server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.qt_loop import qloop
from tests.team_ui.harness import TeamTestConsole
from tests.ui.conftest import live_server

__all__ = ["live_server", "qloop"]


@pytest.fixture
def team_console_factory(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[Callable[[str, str], TeamTestConsole]]:
    made: list[TeamTestConsole] = []

    def make(base_url: str, token: str) -> TeamTestConsole:
        console = TeamTestConsole(qloop, base_url, token, tmp_path / f"team-{len(made)}.sqlite3")
        made.append(console)
        return console

    yield make
    for console in made:
        console.close()
