"""On-call pages for one console, without Qt: the pages waiting for me (from `GET /pages` each
time the session comes online, then `page.sent` / `page.updated` events), told once each when
it arrives, and told again when it leaves my list without my acknowledgement (someone else took
it, or it passed on); acknowledging (optionally taking the watch), and my paging settings and a
team's on-call order as the dialogs load and save them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import tzinfo

from pydantic import ValidationError

from app.client.connection.errors import ApiError, Conflict, Offline
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.session import ConsoleSession, Viewer
from app.client.team import paging_words as words
from app.common.tasks import TaskKeeper
from app.models.enums import EventType, PageState
from app.models.on_call_schemas import (
    OnCallPublic,
    OnCallUpdate,
    PagePublic,
    PagingPublic,
    PagingUpdate,
)
from app.models.schemas import EventPublic

log = logging.getLogger(__name__)

PAGE_EVENTS = frozenset({EventType.PAGE_SENT, EventType.PAGE_UPDATED})


@dataclass(frozen=True, slots=True)
class PageGone:
    """A page that waited for me and no longer does, not by my hand here: the sentence says
    who took it or that it passed on."""

    page: PagePublic
    sentence: str


class PageBoard:
    """The pages waiting for me, oldest first."""

    def __init__(self, session: ConsoleSession, *, zone: tzinfo | None = None) -> None:
        self.session = session
        self.api = session.api
        # The zone the sentences give times in (None: this machine's).
        self.zone = zone
        self.tasks = TaskKeeper("pages")
        self.pages: dict[int, PagePublic] = {}
        self._acknowledging: set[int] = set()  # mine, under way from this console

        # The waiting pages changed (oldest first).
        self.changed: Hook[list[PagePublic]] = Hook()
        # A page for me, new to this console: tell me now.
        self.arrived: Hook[PagePublic] = Hook()
        # A page of mine stopped waiting without my acknowledgement here.
        self.gone: Hook[PageGone] = Hook()

        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)
        session.viewer_changed.connect(self._on_viewer)

    # --- reading -------------------------------------------------------------------------

    @property
    def me(self) -> int | None:
        return self.session.viewer.user_id

    def waiting(self) -> list[PagePublic]:
        return sorted(self.pages.values(), key=lambda p: (p.sent_at, p.id))

    def first(self) -> PagePublic | None:
        """The page the banner and the tray act on: the oldest waiting."""
        pages = self.waiting()
        return pages[0] if pages else None

    # --- following the session -----------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.tasks.once("refresh", self.refresh)

    def _on_viewer(self, viewer: Viewer) -> None:
        # Another user signed in on this console: their pages, not the last user's.
        mine = {i: p for i, p in self.pages.items() if p.user.id == viewer.user_id}
        if len(mine) != len(self.pages):
            self.pages = mine
            self.changed.emit(self.waiting())

    def _on_event(self, event: EventPublic) -> None:
        if event.type not in PAGE_EVENTS:
            return
        try:
            page = PagePublic.model_validate(event.payload["page"])
        except (KeyError, ValidationError):
            log.warning("%s event %s without a page", event.type, event.id)
            return
        self.apply(page)

    def apply(self, page: PagePublic) -> None:
        """A page as the server describes it now (an event, a list, an answer)."""
        if page.user.id != self.me:
            return  # a manager hears of everyone's pages; the banner is for mine
        if page.state is PageState.WAITING:
            known = page.id in self.pages
            self.pages[page.id] = page
            if not known:
                self.arrived.emit(page)
        else:
            left = self.pages.pop(page.id, None)
            # My own acknowledgement's event may come before its answer: no sentence then.
            if left is not None and page.id not in self._acknowledging:
                self.gone.emit(PageGone(page, words.taken_by(page, self.zone, me=self.me)))
        self.changed.emit(self.waiting())

    async def refresh(self) -> None:
        """Catch up after (re)connecting: new waiting pages arrive; the ones that stopped
        waiting meanwhile go with the reason the server gives."""
        try:
            listed = await self.api.pages(state="waiting")
        except ApiError as exc:
            log.info("pages not loaded: %s", exc.detail)
            return
        waiting = {p.id: p for p in listed.data if p.user.id == self.me}
        for page in waiting.values():
            self.apply(page)
        vanished = [i for i in self.pages if i not in waiting]
        if vanished:
            await self._learn_fate(vanished)

    async def _learn_fate(self, page_ids: list[int]) -> None:
        try:
            everything = await self.api.pages(state="all")
        except ApiError as exc:
            log.info("pages not loaded: %s", exc.detail)
            return
        now = {p.id: p for p in everything.data}
        for page_id in page_ids:
            page = now.get(page_id)
            if page is not None:
                self.apply(page)
            elif self.pages.pop(page_id, None) is not None:
                self.changed.emit(self.waiting())

    # --- acknowledging -------------------------------------------------------------------

    async def acknowledge(self, page_id: int, take_watch: bool = False) -> ActionOutcome:
        """I have it (and, with `take_watch`, I come on duty)."""
        self._acknowledging.add(page_id)
        try:
            page = await self.api.ack_page(page_id, take_watch=take_watch)
        except Conflict as exc:
            return ActionOutcome(ActionResult.CONFLICT, await self._lost_race(page_id, exc))
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, words.offline(exc.detail))
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        finally:
            self._acknowledging.discard(page_id)
        # Mine now: it leaves the list without a "taken by" sentence.
        self.pages.pop(page.id, None)
        self.changed.emit(self.waiting())
        return ActionOutcome(ActionResult.DONE, words.acknowledged(page))

    async def _lost_race(self, page_id: int, exc: Conflict) -> str:
        """Someone acknowledged first: the page leaves my list, said once, in my time."""
        sentence = exc.detail
        try:
            everything = await self.api.pages(state="all")
        except ApiError:
            page = None
        else:
            page = next((p for p in everything.data if p.id == page_id), None)
        if page is not None:
            sentence = words.already_taken(page, self.zone) or sentence
        if self.pages.pop(page_id, None) is not None:
            self.changed.emit(self.waiting())
        return sentence

    # --- my paging settings and a team's on-call order (the dialogs) ---------------------

    async def paging(self) -> PagingPublic:
        """Raises ApiError with the server's sentence."""
        return await self.api.paging()

    async def set_paging(self, update: PagingUpdate) -> PagingPublic:
        """Raises ApiError with the server's sentence (422 names the URL by position)."""
        return await self.api.set_paging(update)

    async def on_call(self, team_id: int) -> OnCallPublic:
        return await self.api.on_call(team_id)

    async def set_on_call(
        self, team_id: int, user_ids: list[int], escalate_after_minutes: int | None = None
    ) -> OnCallPublic:
        """An empty list follows the rota again; None minutes: keep them."""
        update = OnCallUpdate(user_ids=user_ids, escalate_after_minutes=escalate_after_minutes)
        return await self.api.set_on_call(team_id, update)
