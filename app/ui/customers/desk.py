"""Carries out what the customer section asks and keeps it in step: the shown mention's
customer history (loaded when another mention is shown, again when the customer is linked or
their mentions change), its tags (saved through the session's outbox, so they queue offline)
with the tags to offer, and linking another identity."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.client.customers.book import CustomerBook
from app.client.stream.rows import MentionRow
from app.client.stream.session import ConsoleSession
from app.common.tasks import TaskKeeper
from app.ui.customers.link_dialog import LinkDialog
from app.ui.customers.panel import CustomerPanel
from app.ui.qt.notices import Notices


class CustomerDesk(QObject):
    tagsOffered = Signal(list)  # every tag in use or on a team's list (completion)

    def __init__(
        self,
        session: ConsoleSession,
        book: CustomerBook,
        *,
        panel: CustomerPanel,
        notices: Notices,
        window: QWidget,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(window)
        self._session = session
        self._book = book
        self._panel = panel
        self._notices = notices
        self._window = window
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tasks = TaskKeeper("customers")
        self._loading: asyncio.Task[None] | None = None
        self.link_dialog: LinkDialog | None = None
        panel.tagsEdited.connect(self.tags_edited)
        panel.linkRequested.connect(self.link_requested)
        panel.tags_field.textEdited.connect(self.offer_once)
        self._offered = False

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()

    # --- following the stream --------------------------------------------------------------

    def mention_shown(self, row: MentionRow | None) -> None:
        if row is None:
            self._panel.show_mention(None, None, ())
            return
        self._panel.show_mention(row.id, row.customer_id, row.tags)
        if row.customer_id is not None:
            self._load(row.customer_id)

    def rows_changed(self, rows: Sequence[MentionRow]) -> None:
        """A shown mention's tags or customer changed, or one of the shown customer's
        mentions changed (a reply, a new mention): the section follows."""
        shown, customer = self._panel.mention_id, self._panel.customer_id
        reload = False
        for row in rows:
            if row.id == shown:
                self._panel.show_tags(row.tags)
                if row.customer_id != customer:
                    self._panel.show_mention(row.id, row.customer_id, row.tags)
                    customer = row.customer_id
                    reload = True
            if customer is not None and row.customer_id == customer:
                reload = True
        if reload and customer is not None:
            self._load(customer)

    def customers_linked(self, kept: int, merged: int) -> None:
        if self._panel.customer_id in (kept, merged):
            row = self._session.row(self._panel.mention_id or 0)
            customer = row.customer_id if row is not None else kept
            self._panel.show_mention(self._panel.mention_id, customer, row.tags if row else ())
            if customer is not None:
                self._load(customer)

    def _load(self, customer_id: int) -> None:
        if self._loading is not None:
            self._loading.cancel()
        self._loading = self._tasks.spawn(self._show_history(customer_id), name="customer")

    async def _show_history(self, customer_id: int) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            history = await self._book.history(customer_id)
            if self._panel.customer_id == customer_id:
                self._panel.show_history(history, now=self._clock())

    async def history_loaded(self) -> None:
        """Wait for the shown customer's history (tests, screenshots)."""
        if self._loading is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading

    # --- tags ------------------------------------------------------------------------------

    def offer_once(self, _text: str = "") -> None:
        """Someone starts typing a tag: load the tags to offer (once, until tags change)."""
        if not self._offered:
            self._offered = True
            self.refresh_tags()

    def refresh_tags(self) -> None:
        self._tasks.spawn(self._refresh_tags(), name="tags-offered")

    async def _refresh_tags(self) -> None:
        tags = await self._book.offered_tags()
        self._panel.offer_tags(tags)
        self.tagsOffered.emit(tags)

    def tags_edited(self, mention_id: int, tags: list[str]) -> None:
        self._tasks.spawn(self.save_tags(mention_id, tags), name="save-tags")

    async def save_tags(self, mention_id: int, tags: Sequence[str]) -> None:
        outcome = await self._session.set_tags(mention_id, tags)
        self._notices.report(outcome)
        self._offered = False  # new tags may be in use now

    # --- linking ---------------------------------------------------------------------------

    def link_requested(self, customer_id: int) -> None:
        title = self._panel.title.text() or "this customer"
        dialog = LinkDialog(customer_id, title, self._window)
        dialog.searchRequested.connect(
            lambda text: self._tasks.spawn(self._search(dialog, text), name="find-customer")
        )
        dialog.linkChosen.connect(
            lambda kept, other: self._tasks.spawn(self.link(kept, other), name="link-customer")
        )
        self.link_dialog = dialog
        dialog.open()

    async def _search(self, dialog: LinkDialog, text: str) -> None:
        choices = await self._book.find(text, but=dialog.customer_id)
        dialog.show_choices(text, choices)

    async def link(self, customer_id: int, other_id: int) -> None:
        outcome = await self._book.link(customer_id, other_id)
        if outcome.linked:
            self._notices.say(outcome.message)
            if self._panel.customer_id in (customer_id, other_id):
                self._load(customer_id)
        else:
            self._notices.warn(outcome.message)
