"""The console's compact, immutable view of one mention: what the stream shows and filters on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from app.models.enums import MentionStatus, Network

if TYPE_CHECKING:  # the server's types (pydantic) are not needed to show cached rows
    from app.models.schemas import MentionPublic

# The same number as app.tone.priority.URGENT_THRESHOLD (tests/client/test_rows.py keeps them
# equal). Not imported: `import app.tone` loads the whole tone checker (~0.9 s), which the
# console does not need before its first paint.
URGENT_PRIORITY = 60.0


@dataclass(slots=True)
class MentionRow:
    """One mention as the stream needs it. Built from the server's `MentionPublic` or the cache.
    Treated as immutable: a change is a new row (`with_pending`, `from_public`)."""

    id: int
    network: Network
    author_handle: str
    author_name: str
    text: str
    created_at: datetime
    status: MentionStatus
    assignee_id: int | None
    assignee_name: str | None
    version: int
    priority: float
    is_demo: bool = False
    url: str | None = None
    # The first-response clock of an open mention (its team's target), and whether the
    # server announced it missed; why routing gave the mention to its owner.
    sla_due_at: datetime | None = None
    sla_breached: bool = False
    routed_reason: str | None = None
    # Who wrote it (GET /customers/{id}) and the tags people filed it under (lower case).
    customer_id: int | None = None
    tags: tuple[str, ...] = ()
    # Filled by the session, not the server: an action waiting in the outbox for this mention.
    pending_action: str | None = None
    # Lower-cased author and text, computed once so search over 100k rows stays cheap.
    haystack: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.haystack:
            self.haystack = f"{self.author_handle}\n{self.author_name}\n{self.text}".casefold()

    @property
    def handle(self) -> str:
        """The author's handle with exactly one leading "@" (networks differ on including it)."""
        return "@" + self.author_handle.lstrip("@")

    @property
    def is_urgent(self) -> bool:
        return self.priority >= URGENT_PRIORITY

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @classmethod
    def from_public(cls, mention: MentionPublic, pending_action: str | None = None) -> MentionRow:
        return cls(
            id=mention.id,
            network=mention.network,
            author_handle=mention.author.handle,
            author_name=mention.author.display_name,
            text=mention.text,
            created_at=mention.created_at,
            status=mention.status,
            assignee_id=mention.assignee_id,
            assignee_name=mention.assignee.name if mention.assignee else None,
            version=mention.version,
            priority=mention.priority,
            is_demo=mention.is_demo,
            url=mention.url,
            sla_due_at=mention.sla.due_at if mention.sla is not None else None,
            sla_breached=mention.sla.breached if mention.sla is not None else False,
            routed_reason=mention.routed_reason,
            customer_id=mention.customer_id,
            tags=tuple(mention.tags),
            pending_action=pending_action,
        )

    def with_pending(self, pending_action: str | None) -> MentionRow:
        return MentionRow(
            id=self.id,
            network=self.network,
            author_handle=self.author_handle,
            author_name=self.author_name,
            text=self.text,
            created_at=self.created_at,
            status=self.status,
            assignee_id=self.assignee_id,
            assignee_name=self.assignee_name,
            version=self.version,
            priority=self.priority,
            is_demo=self.is_demo,
            url=self.url,
            sla_due_at=self.sla_due_at,
            sla_breached=self.sla_breached,
            routed_reason=self.routed_reason,
            customer_id=self.customer_id,
            tags=self.tags,
            pending_action=pending_action,
            haystack=self.haystack,
        )
