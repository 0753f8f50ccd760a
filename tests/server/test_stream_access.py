"""An open stream's access check with an injected clock: it looks the viewer up only once an
interval has passed, takes a changed role, ends on None, and keeps the last viewer while the
database cannot be read (open streams stay open through an outage)."""

from __future__ import annotations

import asyncio

from app.models.enums import Role
from app.server.access import StreamAccess, Viewer
from app.server.errors import DatabaseFault, Fault


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_viewer_is_looked_up_again_each_interval() -> None:
    clock = Clock()
    answers: list[Viewer | Exception | None] = [
        Viewer(7, Role.REP),
        DatabaseFault(Fault.UNAVAILABLE, "connection refused"),
        None,
    ]
    asked = 0

    async def recheck() -> Viewer | None:
        nonlocal asked
        asked += 1
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def scenario() -> None:
        access = StreamAccess(Viewer(7, Role.MANAGER), recheck, interval=2.0, clock=clock)
        assert access.seconds_to_recheck() == 2.0
        assert await access.still_allowed()
        assert asked == 0  # not due yet
        clock.now += 2.0
        assert await access.still_allowed()
        assert (asked, access.viewer.role) == (1, Role.REP)  # demoted
        assert access.seconds_to_recheck() == 2.0
        clock.now += 2.5
        assert await access.still_allowed()  # the database is away: the last viewer stands
        assert (asked, access.viewer.role) == (2, Role.REP)
        clock.now += 2.0
        assert not await access.still_allowed()  # revoked
        assert asked == 3

    asyncio.run(scenario())
