"""Everything the console knows about the team beyond mentions, in one Qt-free bundle:
duty/coverage/roster/follow-ups (`TeamWatch`), broadcasts (`BroadcastInbox`), handoffs
(`HandoffBoard`), storms (`StormBoard`), the on-call pages waiting for me (`PageBoard`) and
approvals of replies beyond a rep's authority (`ApprovalBoard`), all following one
`ConsoleSession`."""

from __future__ import annotations

from dataclasses import dataclass

from app.client.approvals.board import ApprovalBoard
from app.client.broadcasts.inbox import BroadcastInbox
from app.client.handoffs.board import HandoffBoard
from app.client.stream.session import ConsoleSession
from app.client.team.paging import PageBoard
from app.client.team.storms import StormBoard
from app.client.team.watch import TeamWatch
from app.client.together.notes import NoteBook
from app.client.together.presence import PresenceBoard, PresenceReporter


@dataclass(frozen=True, slots=True)
class TeamDesk:
    watch: TeamWatch
    broadcasts: BroadcastInbox
    handoffs: HandoffBoard
    storms: StormBoard
    pages: PageBoard
    approvals: ApprovalBoard
    # Working on a mention together: internal notes, who else is there, what I am doing.
    notes: NoteBook
    presence: PresenceBoard
    reporter: PresenceReporter

    @classmethod
    def follow(cls, session: ConsoleSession) -> TeamDesk:
        """Create the parts and connect them to the session's hooks (before `session.run`)."""
        return cls(
            TeamWatch(session),
            BroadcastInbox(session),
            HandoffBoard(session),
            StormBoard(session),
            PageBoard(session),
            ApprovalBoard(session),
            NoteBook(session),
            PresenceBoard(session),
            PresenceReporter(session),
        )

    async def idle(self) -> None:
        """Wait until every pending reload has finished (tests and screenshots)."""
        for part in (self.watch, self.broadcasts, self.handoffs, self.storms, self.pages):
            await part.tasks.idle()
        await self.approvals.tasks.idle()
        for together in (self.notes.tasks, self.presence.tasks):
            await together.idle()

    async def aclose(self) -> None:
        for part in (self.watch, self.broadcasts, self.handoffs, self.storms, self.pages):
            await part.tasks.aclose()
        await self.approvals.tasks.aclose()
        for together in (self.notes, self.presence, self.reporter):
            await together.aclose()
        await self.storms.followers.aclose()  # statements going out: not waited for by idle
