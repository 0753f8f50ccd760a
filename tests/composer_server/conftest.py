"""Fixtures of the composer's server tests: the real app on a fresh SQLite file (the team
tests' `World`), driven through FastAPI's test client with an injectable clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server_team.conftest import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from make_world(tmp_path)
