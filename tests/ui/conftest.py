"""Fixtures of the UI tests: the qasync loop of tests/support/qt_loop.py, a real server
process, and consoles connected to it (plain, or with the team features installed)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.fixtures import live_server
from tests.support.qt_loop import qloop
from tests.ui.console import Console
from tests.ui.team_harness import TeamTestConsole

__all__ = ["live_server", "qloop"]


@pytest.fixture
def console_factory(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[Callable[[str, str], Console]]:
    made: list[Console] = []

    def make(base_url: str, token: str) -> Console:
        console = Console(qloop, base_url, token, tmp_path / f"cache-{len(made)}.sqlite3")
        made.append(console)
        return console

    yield make
    for console in made:
        console.close()


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
