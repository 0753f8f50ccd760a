"""Everything the console knows about the team beyond mentions, in one Qt-free bundle:
duty/coverage/roster/follow-ups (`TeamWatch`), broadcasts (`BroadcastInbox`) and handoffs
(`HandoffBoard`), all following one `ConsoleSession`."""

from __future__ import annotations

from dataclasses import dataclass

from app.client.broadcasts.inbox import BroadcastInbox
from app.client.handoffs.board import HandoffBoard
from app.client.stream.session import ConsoleSession
from app.client.team.watch import TeamWatch


@dataclass(frozen=True, slots=True)
class TeamDesk:
    watch: TeamWatch
    broadcasts: BroadcastInbox
    handoffs: HandoffBoard

    @classmethod
    def follow(cls, session: ConsoleSession) -> TeamDesk:
        """Create the three and connect them to the session's hooks (before `session.run`)."""
        return cls(TeamWatch(session), BroadcastInbox(session), HandoffBoard(session))

    async def idle(self) -> None:
        """Wait until every pending reload has finished (tests and screenshots)."""
        for part in (self.watch, self.broadcasts, self.handoffs):
            await part.tasks.idle()

    async def aclose(self) -> None:
        for part in (self.watch, self.broadcasts, self.handoffs):
            await part.tasks.aclose()
