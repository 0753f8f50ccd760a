"""One action on many selected mentions in one request (POST /mentions/bulk), and the one
sentence that tells the rep what it did: "197 resolved; 3 belong to Dana, Ben — left as they
were."

Claim, release and resolve carry the version the rep saw of each mention, as the single
actions do: one a colleague changed meanwhile is left as it is. The answer's mentions go
into the cache and the stream at once (their events follow and change nothing more).

Offline: claim, release and resolve wait in the outbox one by one, as a single action does
— each with its version, so a colleague's change stops it on reconnect and the rep decides —
which `BulkActions` leaves to the caller (`needs_server` says which actions cannot wait);
tag, assign and hand off on many mentions need the server, and are refused with a sentence
that says so. Nothing is tried twice after a request that got no answer: the stream shows
what the server has."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.client.connection.errors import ApiError, Offline
from app.client.connection.state import ConnectionState
from app.client.stream.session import ConsoleSession
from app.models.bulk_schemas import (
    MOST_IN_ONE_REQUEST,
    BulkAction,
    BulkItemResult,
    BulkOutcome,
    BulkRequest,
    BulkResult,
)

# Claim, release and resolve on a selection can wait in the outbox (one entry each, each with
# its version); these cannot: they need the server to answer.
NEEDS_SERVER = frozenset({BulkAction.TAG, BulkAction.ASSIGN, BulkAction.HANDOFF})
# The actions that carry the version the rep saw of each mention.
_VERSIONED = frozenset(
    {BulkAction.CLAIM, BulkAction.RELEASE, BulkAction.RESOLVE, BulkAction.ASSIGN}
)

DONE_WORDS = {
    BulkAction.CLAIM: "claimed",
    BulkAction.RELEASE: "released",
    BulkAction.RESOLVE: "resolved",
    BulkAction.TAG: "tagged",
    BulkAction.ASSIGN: "assigned",
    BulkAction.HANDOFF: "handed off",
}
_VERBS = {
    BulkAction.CLAIM: "claim",
    BulkAction.RELEASE: "release",
    BulkAction.RESOLVE: "resolve",
    BulkAction.TAG: "tag",
    BulkAction.ASSIGN: "assign",
    BulkAction.HANDOFF: "hand off",
}


@dataclass(frozen=True, slots=True)
class BulkDone:
    """How an action on a selection went: the sentence for the rep and the counts (all
    zero when nothing was sent)."""

    sentence: str
    succeeded: int = 0
    conflicted: int = 0
    failed: int = 0
    result: BulkResult | None = None

    @property
    def sent(self) -> bool:
        return self.result is not None


def needs_server(action: BulkAction) -> bool:
    return action in NEEDS_SERVER


def too_many(count: int) -> str | None:
    """Why a selection of `count` is not acted on, or None to go ahead."""
    if count <= MOST_IN_ONE_REQUEST:
        return None
    return (
        f"{count:,} mentions are selected: one action takes at most {MOST_IN_ONE_REQUEST}. "
        "Narrow the selection (a filter or the search helps)."
    )


def offline_words(action: BulkAction, count: int) -> str:
    return (
        f"Not connected: to {_VERBS[action]} {_mentions(count)} at once needs the server. "
        "Nothing was changed; try again once the console is online."
    )


def check_back_question(action: BulkAction, count: int) -> str:
    """What the console asks before resolving (or handing off) many: "Resolve 200 mentions?"."""
    return f"{_VERBS[action].capitalize()} {_mentions(count)}?"


def _mentions(n: int) -> str:
    return f"{n} mention" if n == 1 else f"{n} mentions"


def _names(names: Sequence[str]) -> str:
    return ", ".join(dict.fromkeys(names))


def sum_up(action: BulkAction, results: Sequence[BulkItemResult], me: int | None) -> str:
    """One sentence: what was done, then who holds the ones left, what changed meanwhile and
    what was refused ("197 resolved; 3 belong to Dana, Ben — left as they were.")."""
    done = sum(1 for r in results if r.ok)
    word = DONE_WORDS[action]
    parts = [f"{done} {word}" if done else f"None {word}"]
    left = [r for r in results if not r.ok]
    colleagues = [
        r
        for r in left
        if r.current_owner is not None
        and r.current_owner.id != me
        and r.code in (BulkOutcome.CONFLICT, BulkOutcome.FORBIDDEN)
    ]
    if colleagues:
        owners = _names([r.current_owner.name for r in colleagues if r.current_owner])
        verb = "belongs" if len(colleagues) == 1 else "belong"
        parts.append(f"{len(colleagues)} {verb} to {owners} — left as they were")
    rest = [r for r in left if r not in colleagues]
    reasons = Counter(_reason(r) for r in rest)
    for reason, n in reasons.items():
        parts.append(f"{n} {reason}")
    return "; ".join(parts) + "."


def _reason(result: BulkItemResult) -> str:
    if result.code is BulkOutcome.BUSY:
        return "not tried: the server was busy — select them and try again"
    if result.code is BulkOutcome.NOT_FOUND:
        return "no longer on the server"
    if result.reason == "already_resolved":
        return "already resolved"
    if result.code is BulkOutcome.CONFLICT:
        return "changed meanwhile — left as they were"
    return f"refused ({result.message})" if result.message else "refused"


class BulkActions:
    """Sends one action on a selection to the server and brings its answer into the stream."""

    def __init__(self, session: ConsoleSession) -> None:
        self._session = session

    @property
    def online(self) -> bool:
        return self._session.api.bound and self._session.state is ConnectionState.ONLINE

    async def run(
        self,
        action: BulkAction,
        mention_ids: Sequence[int],
        *,
        follow_up_in_days: int | None = None,
        tags: Sequence[str] = (),
        user_id: int | None = None,
        to_user_id: int | None = None,
        to_team: str | None = None,
        note: str = "",
    ) -> BulkDone:
        ids = list(dict.fromkeys(mention_ids))
        refusal = too_many(len(ids))
        if refusal is not None:
            return BulkDone(refusal)
        if not ids:
            return BulkDone("Select mentions first.")
        if not self.online:
            return BulkDone(offline_words(action, len(ids)))
        versions: dict[int, int] = {}
        if action in _VERSIONED:
            for mention_id in ids:
                row = self._session.row(mention_id)
                if row is not None:
                    versions[mention_id] = row.version
        request = BulkRequest(
            action=action,
            mention_ids=ids,
            versions=versions or None,
            follow_up_in_days=follow_up_in_days,
            tags=list(tags) or None,
            user_id=user_id,
            to_user_id=to_user_id,
            to_team=to_team,
            note=note,
        )
        try:
            result = await self._session.api.bulk(request)
        except Offline:
            return BulkDone(
                f"The server did not answer: some of the {_mentions(len(ids))} may have been "
                f"{DONE_WORDS[action]}. The stream shows each one as the server has it."
            )
        except ApiError as exc:
            return BulkDone(f"Nothing was changed: {exc.detail}")
        await self._session.take_mentions([r.mention for r in result.results if r.mention])
        return BulkDone(
            sum_up(action, result.results, self._session.viewer.user_id),
            succeeded=result.succeeded,
            conflicted=result.conflicted,
            failed=result.failed,
            result=result,
        )
