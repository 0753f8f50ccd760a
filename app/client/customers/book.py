"""The console's way to customers and tags on the server: a customer's history, finding
another customer by handle (to link them), linking, and the tags to offer while typing. Every
call answers in the rep's world: None or a sentence when offline or refused, never a raise."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError, NotFound, Offline
from app.client.customers.history import CustomerHistory, customer_history
from app.models.networks import rules_for

FIND_LIMIT = 50


@dataclass(frozen=True, slots=True)
class CustomerChoice:
    """A customer found by a search, as the link dialog lists them."""

    customer_id: int
    label: str  # "Dana Ray — Bluesky @dana.bsky.social"


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    linked: bool
    message: str


class CustomerBook:
    def __init__(self, api: ResponderApi) -> None:
        self._api = api
        self._tags: list[str] = []

    async def history(self, customer_id: int) -> CustomerHistory | None:
        """The customer's history; None when offline or the customer is no more (linked
        into another one meanwhile)."""
        try:
            return customer_history(await self._api.customer(customer_id))
        except (Offline, NotFound):
            return None

    async def find(self, text: str, *, but: int | None = None) -> list[CustomerChoice]:
        """Customers whose mentions match `text` (handle, name or words), newest first,
        each once; `but`: leave out this customer (the one being linked to)."""
        if not text.strip():
            return []
        try:
            page = await self._api.list_mentions(q=text.strip(), status="", limit=FIND_LIMIT)
        except ApiError:
            return []
        seen: dict[int, CustomerChoice] = {}
        for mention in page.data:
            cid = mention.customer_id
            if cid is None or cid == but or cid in seen:
                continue
            network = rules_for(mention.network).display_name
            name = mention.author.display_name or mention.author.handle
            seen[cid] = CustomerChoice(cid, f"{name} — {network} {mention.author.handle}")
        return list(seen.values())

    async def link(self, customer_id: int, other_id: int) -> LinkOutcome:
        try:
            linked = await self._api.link_customer(customer_id, other_id)
        except Offline as exc:
            return LinkOutcome(False, f"Offline: nothing was linked. {exc.detail}")
        except ApiError as exc:
            return LinkOutcome(False, exc.detail)
        moved = linked.moved_mentions
        return LinkOutcome(
            True,
            f"Linked: one customer now ({moved} mention{'s' if moved != 1 else ''} joined).",
        )

    async def offered_tags(self) -> list[str]:
        """Every tag in use or on a team's list; offline, the ones last loaded."""
        with contextlib.suppress(ApiError):
            self._tags = list((await self._api.tags()).tags)
        return list(self._tags)
