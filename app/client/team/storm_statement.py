"""Drafting a storm's holding statement, without Qt: `{name}` personalised with the server's
own function (app/models/holding_statement.py: the customer's plain display name, else their
@handle), so the preview is what customers receive; which mentions it would go to
(open, and mine or nobody's), one sample customer to preview it for, and each network's
length check on the text as that network would receive it (app/models/networks.py counts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from app.client.stream.rows import MentionRow
from app.client.team import storm_words as words
from app.models import holding_statement
from app.models.enums import MentionStatus
from app.models.networks import reply_length, rules_for
from app.models.storm_schemas import StormGroup, StormPublic

# Not "open" for a storm (StormPublic.open): already answered or resolved.
ANSWERED = frozenset({MentionStatus.REPLIED, MentionStatus.RESOLVED})


def customer_name(row: MentionRow) -> str:
    """What `{name}` becomes for this customer (the server's rule)."""
    return holding_statement.customer_name(row.author_name, row.author_handle)


def personalise(text: str, row: MentionRow) -> str:
    return holding_statement.personalise(text, row.author_name, row.author_handle)


@dataclass(frozen=True, slots=True)
class StatementTargets:
    """Whom a statement would reach: the mentions known to this console (`rows`) and how
    many there are in all (`count`; mentions not in the local stream count too)."""

    rows: tuple[MentionRow, ...]
    count: int

    @property
    def sample(self) -> MentionRow | None:
        return self.rows[0] if self.rows else None


def statement_targets(
    storm: StormPublic,
    rows: dict[int, MentionRow],
    me: int | None,
    group: StormGroup | None = None,
) -> StatementTargets:
    """The storm's (or group's) mentions a statement goes to: not yet answered or resolved,
    and mine or nobody's.
    A mention this console has not cached is counted as the server last said (open)."""
    ids = group.mention_ids if group is not None else storm.mention_ids
    known: list[MentionRow] = []
    unknown = 0
    for mention_id in ids:
        row = rows.get(mention_id)
        if row is None:
            unknown += 1
        elif row.status not in ANSWERED and row.assignee_id in (None, me):
            known.append(row)
    if not known and not rows:
        return StatementTargets((), storm.open if group is None else len(ids))
    return StatementTargets(tuple(known), len(known) + unknown)


def length_warnings(text: str, targets: StatementTargets) -> list[str]:
    """A sentence per network where the statement, personalised and addressed, is too long
    for at least one customer (the longest name counts)."""
    if not text.strip():
        return []
    by_network: dict[str, list[MentionRow]] = defaultdict(list)
    for row in targets.rows:
        by_network[row.network.value].append(row)
    warnings: list[str] = []
    for network, rows in sorted(by_network.items()):
        rules = rules_for(network)
        if rules.length_limit is None:
            continue
        worst = max(
            (reply_length(personalise(text, row), network, handle=row.handle) for row in rows),
            key=lambda counted: counted.over,
        )
        if worst.over:
            warnings.append(
                words.length_warning(
                    rules.display_name, worst.over, rules.length_unit, rules.length_limit, len(rows)
                )
            )
    return warnings
