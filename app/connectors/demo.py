"""The demo source: plays realistic sample mentions from `app/resources/demo/mentions.jsonl` so a
new user sees the whole product in one command (`--demo`), with no network account.

Every demo mention is `is_demo=True`, its author's display name starts with "[demo]", and its
links point to `demo.invalid` (a name that can never resolve). The first batch (items with
`minutes_ago`) arrives at once, dated in the recent past; the rest arrive one every
`interval` seconds on an injectable clock. Replies "post" locally: they get a `demo.invalid`
link and are idempotent on the client id, so the whole reply flow works offline.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.connectors.base import (
    AccountIdentity,
    FetchResult,
    IncomingMention,
    NotFound,
    PermanentError,
    PostedReply,
    ReplyRequest,
    StatusListener,
    Visibility,
    narrowest_visibility,
    parse_visibility,
)
from app.connectors.fitting import fit_mention
from app.models.enums import Network
from app.models.external_ids import external_id_problem
from app.models.networks import rules_for
from app.models.schemas import MentionCreate, follower_count
from app.resources import DEMO_MENTIONS

DEMO_MARKER = "[demo]"
DEMO_HOST = "demo.invalid"
DEFAULT_DEMO_FILE = DEMO_MENTIONS


@dataclass(frozen=True)
class DemoItem:
    """One line of the demo file."""

    id: str
    network: Network
    handle: str
    name: str
    text: str
    language: str | None
    visibility: Visibility
    followers: int | None
    minutes_ago: float | None
    in_reply_to: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DemoItem:
        vis: Visibility = parse_visibility(data.get("visibility")) or "public"
        followers = data.get("followers")
        minutes = data.get("minutes_ago")
        problem = external_id_problem(Network(str(data["network"])), str(data["id"]), is_demo=True)
        if problem is not None:
            raise ValueError(problem)
        return cls(
            id=str(data["id"]),
            network=Network(str(data["network"])),
            handle=str(data["handle"]),
            name=str(data.get("name") or ""),
            text=str(data["text"]),
            language=str(data["language"]) if data.get("language") else None,
            visibility=vis,
            followers=follower_count(followers),
            minutes_ago=float(minutes) if isinstance(minutes, (int, float)) else None,
            in_reply_to=str(data["in_reply_to"]) if data.get("in_reply_to") else None,
        )


def load_demo_items(path: Path = DEFAULT_DEMO_FILE) -> list[DemoItem]:
    """Read the demo file; a bad line is an error that names the line (the file is ours)."""
    items: list[DemoItem] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                items.append(DemoItem.from_json(json.loads(line)))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: not a valid demo mention ({exc})") from exc
    return items


class DemoConnector:
    """Plays the demo file as if it were a network."""

    network = Network.DEMO
    capabilities = rules_for(Network.DEMO)

    def __init__(
        self,
        path: Path | None = None,
        *,
        interval: float = 4.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.items = load_demo_items(path or DEFAULT_DEMO_FILE)
        self._by_id = {item.id: item for item in self.items}
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.first_batch = sum(1 for item in self.items if item.minutes_ago is not None)
        self.posted: dict[str, PostedReply] = {}
        self.posted_bodies: dict[str, str] = {}
        self.on_status: StatusListener | None = None

    # --- identity ----------------------------------------------------------------------------

    async def verify(self) -> AccountIdentity:
        return AccountIdentity("demo", "@nimbus", f"{DEMO_MARKER} Nimbus Mobile")

    async def aclose(self) -> None:
        return None

    # --- mentions ----------------------------------------------------------------------------

    def _root(self, item: DemoItem) -> str:
        while item.in_reply_to and item.in_reply_to in self._by_id:
            item = self._by_id[item.in_reply_to]
        return item.id

    def incoming(self, index: int, *, now: float | None = None) -> IncomingMention:
        item = self.items[index]
        now = self.clock() if now is None else now
        at = now - (item.minutes_ago or 0.0) * 60.0
        mention = fit_mention(
            network=item.network,
            external_id=item.id,
            handle=item.handle,
            display_name=f"{DEMO_MARKER} {item.name}",
            followers=item.followers,
            text=item.text,
            url=f"https://{DEMO_HOST}/{item.network.value}/{item.id}",
            created_at=datetime.fromtimestamp(at, UTC),
            language=item.language,
            in_reply_to_external_id=item.in_reply_to,
            thread_key=self._root(item),
            visibility=item.visibility,
            is_demo=True,
        )
        return IncomingMention(
            mention=mention,
            reply_ref={"author_acct": item.handle, "visibility": item.visibility, "demo": "1"},
            cursor=str(index + 1),
        )

    def _position(self, cursor: str | None) -> int:
        try:
            return max(0, min(int(cursor or 0), len(self.items)))
        except ValueError:
            return 0

    async def fetch_mentions(self, cursor: str | None) -> FetchResult:
        """First call: the whole first batch; then one new mention per call until the end."""
        position = self._position(cursor)
        end = self.first_batch if position < self.first_batch else position + 1
        end = min(end, len(self.items))
        mentions = [self.incoming(i) for i in range(position, end)]
        return FetchResult(mentions, str(end), more=False)

    async def stream_mentions(self, cursor: str | None) -> AsyncIterator[IncomingMention]:
        """The first batch at once, then one mention every `interval` seconds; ends when the
        file is played out (the cursor remembers where a restart resumes)."""
        position = self._position(cursor)
        while position < min(self.first_batch, len(self.items)):
            yield self.incoming(position)
            position += 1
        while position < len(self.items):
            await self.sleep(self.interval)
            yield self.incoming(position)
            position += 1

    async def fetch_thread(self, external_id: str) -> list[IncomingMention]:
        if external_id not in self._by_id:
            raise NotFound(f"There is no demo mention {external_id}.")
        root = self._root(self._by_id[external_id])
        indexes = [i for i, item in enumerate(self.items) if self._root(item) == root]
        return [self.incoming(i) for i in indexes]

    # --- replies -----------------------------------------------------------------------------

    async def post_reply(self, request: ReplyRequest) -> PostedReply:
        """ "Post" locally: nothing leaves the machine; the link is clearly a demo link."""
        if not request.body.strip():
            raise PermanentError("The reply is empty.")
        existing = self.posted.get(request.client_id)
        if existing is not None:
            return existing
        item = self._by_id.get(request.in_reply_to_external_id)
        visibility = narrowest_visibility(item.visibility if item else None, request.visibility)
        posted = PostedReply(
            external_id=f"demo-reply-{request.client_id}",
            url=f"https://{DEMO_HOST}/replies/{request.client_id}",
            visibility=visibility,
        )
        self.posted[request.client_id] = posted
        self.posted_bodies[request.client_id] = request.body
        return posted


async def play(
    path: Path | None = None,
    *,
    interval: float = 4.0,
    cursor: str | None = None,
) -> AsyncIterator[MentionCreate]:
    """The demo as plain `MentionCreate`s (what `serve --demo` stores). Replaying from the
    start after a restart only yields duplicates, which ingest drops on (network, external_id);
    a caller that keeps a cursor should use `DemoConnector.stream_mentions` instead."""
    async for incoming in DemoConnector(path, interval=interval).stream_mentions(cursor):
        yield incoming.mention
