"""A customer's history in the console's words: who they are (their identities, language and
reach) and one line per earlier mention, brand reply, note and open handoff, newest first,
each with how long ago ("3 d ago")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.models.customer_schemas import CustomerPublic
from app.models.networks import rules_for


class HistoryKind(StrEnum):
    MENTION = "mention"
    REPLY = "reply"
    NOTE = "note"
    HANDOFF = "handoff"


@dataclass(frozen=True, slots=True)
class HistoryLine:
    kind: HistoryKind
    at: datetime
    text: str  # plain text: what a customer or a colleague wrote is never markup
    mention_id: int


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    customer_id: int
    title: str  # "Dana Ray"
    identities: str  # "Mastodon @dana · Bluesky dana.bsky.social"
    facts: str  # "Reach 1,240 · Language en · 4 mentions"
    lines: tuple[HistoryLine, ...]
    handles: tuple[str, ...]

    def line_texts(self, now: datetime, *, but: int | None = None) -> list[str]:
        """Each line as shown, with how long ago; `but`: leave out this mention's own line
        (the one on screen; its replies and notes stay)."""
        return [
            f"{ago(line.at, now)} · {line.text}"
            for line in self.lines
            if not (line.kind is HistoryKind.MENTION and line.mention_id == but)
        ]


def ago(moment: datetime, now: datetime) -> str:
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def _one_line(text: str, most: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


def customer_history(customer: CustomerPublic) -> CustomerHistory:
    lines: list[HistoryLine] = []
    for mention in customer.mentions:
        network = rules_for(mention.network).display_name
        status = mention.status.value
        tags = f" [{', '.join(mention.tags)}]" if mention.tags else ""
        lines.append(
            HistoryLine(
                HistoryKind.MENTION,
                mention.created_at,
                f"Wrote on {network} ({status}){tags}: “{_one_line(mention.text)}”",
                mention.id,
            )
        )
    for reply in customer.replies:
        lines.append(
            HistoryLine(
                HistoryKind.REPLY,
                reply.sent_at or reply.created_at,
                f"{reply.author.name} replied ({reply.status.value}): “{_one_line(reply.body)}”",
                reply.mention_id,
            )
        )
    for note in customer.notes:
        lines.append(
            HistoryLine(
                HistoryKind.NOTE,
                note.created_at,
                f"Note by {note.author.name}: “{_one_line(note.body)}”",
                note.mention_id,
            )
        )
    for handoff in customer.open_handoffs:
        target = handoff.to_user.name if handoff.to_user else f"the {handoff.to_team} team"
        lines.append(
            HistoryLine(
                HistoryKind.HANDOFF,
                handoff.created_at,
                f"Handed to {target} by {handoff.from_user.name}, still waiting",
                handoff.mention_id,
            )
        )
    lines.sort(key=lambda line: line.at, reverse=True)
    identities = " · ".join(
        f"{rules_for(i.network).display_name} {i.handle}" for i in customer.identities
    )
    facts = []
    if customer.reach is not None:
        facts.append(f"Reach {customer.reach:,}")
    if customer.language:
        facts.append(f"Language {customer.language}")
    count = len(customer.mentions)
    facts.append(f"{count} mention" if count == 1 else f"{count} mentions")
    return CustomerHistory(
        customer_id=customer.id,
        title=customer.display_name
        or (customer.identities[0].handle if customer.identities else ""),
        identities=identities,
        facts=" · ".join(facts),
        lines=tuple(lines),
        handles=tuple(i.handle for i in customer.identities),
    )
