"""The composer's Qt-free core for one console session: drafts (DraftKeeper), the cool-off
(CoolOff), canned replies and the playbook, the rep's cool-off policy, which brand account
answers a mention (`reply_route`), the check made when Send is pressed (`before_send`), and
what happened to a reply after it left (posted, or refused by the network — the draft kept).

Canned replies, the playbook and the cool-off follow the managers' changes live: the server's
`canned.changed` and `cool_off.changed` events make the core reload them (and announce the new
canned list on `canned_changed`), without a restart or a manual refresh."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from app.client.composer.cool_off import CoolOff
from app.client.composer.cooling import CoolingReply, CoolingState
from app.client.composer.drafts import DraftKeeper, LocalDraft
from app.client.composer.leaving import Departure, Verdict, read_changes
from app.client.composer.policy import Clock, CoolOffPolicy, system_clock
from app.client.composer.prompting import check_reply
from app.client.composer.route import ReplyRoute, route_from_detail, route_offline
from app.client.connection.errors import ApiError
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.session import ActionOutcome, ConsoleSession
from app.client.stream.store import ActionKind, LocalStore, OutboxEntry, OutboxStatus
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper
from app.models.approval_schemas import ApprovalPublic, ApprovalState
from app.models.composer import CannedPublic
from app.models.enums import EventType, Network, ReplyStatus
from app.models.schemas import EventPublic, MentionDetail, ReplyPublic

if TYPE_CHECKING:
    from app.tone import ToneReport

DEFAULT_FOLLOW_UP_DAYS = 3


class ReplyFate(StrEnum):
    POSTED = "posted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class SendCheck:
    """What the server (or the cache, offline) says when Send is pressed: go on against
    `base_version`, stop at a colleague's reply or claim (`conflict`), or refuse (`refused`:
    no brand account can post it — the sentence says where to answer instead)."""

    base_version: int
    conflict: Departure | None = None
    refused: str | None = None
    route: ReplyRoute | None = None  # the server's latest word on who posts it (None: offline)


@dataclass(frozen=True, slots=True)
class ReplyOutcome:
    mention_id: int
    fate: ReplyFate
    message: str
    url: str | None = None


def refusal_message(reply: ReplyPublic) -> str:
    """A sentence for a reply the network (or the brand account) refused."""
    error = (reply.error or "no reason given").strip()
    lowered = error.lower()
    if any(w in lowered for w in ("token", "unauthori", "401", "credential", "revoked")):
        why = (
            "The brand account's access was refused (its token may be revoked); "
            "ask an admin to reconnect the account."
        )
    elif any(w in lowered for w in ("404", "not found", "deleted", "gone")):
        why = "The customer's post was deleted upstream."
    else:
        why = "The network rejected the text."
    return f"{why} ({error}) Your draft is kept."


class ComposerService:
    """Everything the composer panel needs that is not a widget."""

    def __init__(
        self,
        session: ConsoleSession,
        store: LocalStore,
        worker: BlockingWorker,
        *,
        device: str,
        clock: Clock = system_clock,
        policy: CoolOffPolicy | None = None,
        save_delay: float | None = None,
    ) -> None:
        self.session = session
        self._store = store
        self._worker = worker
        self._order = asyncio.Lock()  # a reply's "left" and "posted" are handled one by one
        # Replies posted (or refused) before their departure was handled, by client_id.
        self._settled_early: dict[str, ReplyStatus] = {}
        self.draft_renewed: Hook[LocalDraft] = Hook()
        extra = {} if save_delay is None else {"save_delay": save_delay}
        self.drafts = DraftKeeper(store, worker, session.api, device=device, **extra)
        self.cool_off = CoolOff(
            store,
            worker,
            session.api,
            user_id=lambda: session.viewer.user_id,
            clock=clock,
            policy=policy,
        )
        self.canned: list[CannedPublic] = []
        self.canned_changed: Hook[list[CannedPublic]] = Hook()
        self.teams: list[str] = []  # where a mention can be handed off to
        self.accounts: dict[int, str] = {}  # brand account id → name, for "replying as"
        self._routes: dict[int, ReplyRoute] = {}  # the server's last word, per mention
        self.directory_changed: Hook[None] = Hook()
        self.reply_outcome: Hook[ReplyOutcome] = Hook()
        self._tasks = TaskKeeper("composer")
        self._runner: asyncio.Task[None] | None = None
        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)
        # A reply waiting behind a queued claim of its mention leaves once that was sent.
        self._actions_waiting: frozenset[tuple[int, OutboxStatus]] = frozenset()
        session.outbox_changed.connect(self._outbox_changed)
        # The session's outbox (the status bar, the rows' markers) follows every countdown.
        self.cool_off.changed.connect(self._replies_changed)
        self.cool_off.left.connect(self._on_left)
        self.cool_off.cancelled.connect(self._on_cancelled)

    async def start(self) -> None:
        """Resume the countdowns the outbox holds and start sending as they fall due."""
        await self.cool_off.load()
        if self._runner is None:  # a crash is logged by the keeper
            self._runner = self._tasks.spawn(self.cool_off.run(), name="cool-off")
        if self.session.state is ConnectionState.ONLINE:
            self._tasks.spawn(self.refresh(), name="composer-refresh")

    def resumed_mention(self) -> int | None:
        """After a restart: the mention whose reply is counting down (the soonest due), else
        one whose reply waits for the rep's decision — the one the window should show, so its
        countdown can be seen, edited or cancelled. None when the outbox holds no reply."""
        replies = self.cool_off.replies
        counting = [r for r in replies if r.state is CoolingState.COUNTING]
        if counting:
            return min(counting, key=lambda r: r.due_at).mention_id
        return replies[0].mention_id if replies else None

    async def refresh(self) -> None:
        """Back online: the team's cool-off, the canned replies, and any reply now due."""
        await self.cool_off.refresh_policy()
        await self.reload_canned()
        with contextlib.suppress(ApiError):
            self.teams = [t.name for t in (await self.session.api.teams()).data]
            accounts = await self.session.api.reply_accounts()
            self.accounts = {a.id: a.name for a in accounts.data}
            self.directory_changed.emit(None)
        self.cool_off.wake()

    async def reload_canned(self) -> None:
        """Load the canned replies and playbook meant for this rep and announce them."""
        with contextlib.suppress(ApiError):
            canned = await self.session.api.canned()
            self.canned = canned.data
            self.canned_changed.emit(self.canned)

    # --- which account answers, and the check at Send -----------------------------------

    async def _detail(self, mention_id: int) -> MentionDetail | None:
        """The mention's detail from the server; None when it cannot be had now."""
        try:
            detail = await self.session.mention_detail(mention_id)
        except ApiError:
            return None
        if detail is not None:
            self._routes[mention_id] = route_from_detail(detail)
        return detail

    async def reply_route(self, mention_id: int, network: Network) -> ReplyRoute:
        """Which brand account will post a reply to this mention, or why none can (asked of
        the server; offline its last answer, else what the network table and the cache say)."""
        await self._detail(mention_id)
        known = self._routes.get(mention_id)
        if known is not None:
            return known
        mention = await self.session.cached_mention(mention_id)
        return route_offline(
            network,
            mention.account_id if mention is not None else None,
            mention.url if mention is not None else None,
            self.accounts,
        )

    async def before_send(self, mention_id: int, client_id: str, base_version: int) -> SendCheck:
        """Send was pressed: is the reply still wanted as written? The server's mention says
        whether a brand account can post it and whether a colleague replied or took the
        mention since the draft began (read as a 409 is read when a reply leaves). Offline,
        the cached mention says whether someone else took it; the rest is checked when the
        reply leaves."""
        me = self.session.viewer.user_id
        detail = await self._detail(mention_id)
        if detail is None:
            cached = await self.session.cached_mention(mention_id)
            if (
                cached is not None
                and cached.version != base_version
                and cached.assignee_id not in (None, me)
            ):
                owner = cached.assignee.name if cached.assignee is not None else "A colleague"
                return SendCheck(
                    base_version,
                    conflict=Departure(
                        Verdict.CONFLICT,
                        detail=f"{owner} has taken this mention while you were writing.",
                        owner=owner,
                        version=cached.version,
                    ),
                )
            return SendCheck(base_version)
        route = self._routes[mention_id]
        if not route.answerable:
            return SendCheck(base_version, refused=route.problem, route=route)
        if detail.version == base_version:
            return SendCheck(base_version, route=route)
        changes = read_changes(detail, me=me, client_id=client_id)
        if isinstance(changes, int):
            # Only the rep's own moves since: write against the version now.
            return SendCheck(changes, route=route)
        return SendCheck(base_version, conflict=changes, route=route)

    # --- a manager's approval ------------------------------------------------------------

    def needs_approval(self, report: ToneReport | None) -> bool:
        """Would this reply need a manager's approval: the rep's team requires it and the
        tone check reads a promise beyond a rep's authority (managers need none)?"""
        user = self.session.viewer.user
        if report is None or not self.cool_off.policy.approval_required:
            return False
        if user is not None and user.role.is_manager:
            return False
        from app.tone import FindingCode

        return bool(report.by_code(FindingCode.OVER_AUTHORITY))

    async def send_approved(self, approval: ApprovalPublic) -> CoolingReply | None:
        """A manager approved one of this rep's replies: it goes out through the normal
        cool-off, as the manager approved it (their edit, if any), carrying the approval.
        The draft holds that text meanwhile. None when it cannot go (no longer answerable,
        or a colleague replied or took the mention meanwhile: the reply stops for the rep)."""
        body = approval.approved_body
        if approval.state is not ApprovalState.APPROVED or body is None:
            return None
        mention_id = approval.mention_id
        mention = await self.session.cached_mention(mention_id)
        version = mention.version if mention is not None else 1
        draft = await self.drafts.open(mention_id, version)
        await self.drafts.save_now(replace(draft, body=body))
        network = mention.network if mention is not None else Network.MASTODON
        report = check_reply(
            body,
            mention=mention.text if mention is not None else None,
            network=network,
            handle=mention.author.handle if mention is not None else None,
        )
        check = await self.before_send(mention_id, draft.client_id, draft.base_version)
        if check.refused is not None:
            return None
        if check.conflict is not None:
            return await self.cool_off.hold(
                mention_id, draft.client_id, body, draft.base_version, report, check.conflict
            )
        return await self.cool_off.send(
            mention_id, draft.client_id, body, check.base_version, report, approval_id=approval.id
        )

    async def resolve(self, mention_id: int, follow_up_in_days: int | None) -> ActionOutcome:
        """Resolve with a check-back reminder in N days (None: no reminder)."""
        return await self.session.resolve(mention_id, follow_up_in_days)

    async def aclose(self) -> None:
        await self.drafts.aclose()
        await self._tasks.aclose()

    async def settled(self) -> None:
        """Wait for the refreshes and draft clean-ups under way (screenshots and tests)."""
        pending = [t for t in self._tasks.tasks if t is not self._runner]
        await asyncio.gather(*pending, return_exceptions=True)

    # --- listeners -----------------------------------------------------------------------

    def _replies_changed(self, _replies: list[CoolingReply]) -> None:
        self._tasks.spawn(self.session.refresh_outbox(), name="outbox-refresh")

    def _outbox_changed(self, entries: list[OutboxEntry]) -> None:
        """Wake the cool-off when a queued action (not a reply: the cool-off's own changes come
        back here too) was sent or stopped."""
        waiting = frozenset((e.seq, e.status) for e in entries if e.kind is not ActionKind.REPLY)
        if waiting != self._actions_waiting:
            self._actions_waiting = waiting
            self.cool_off.wake()

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self._tasks.spawn(self.refresh(), name="composer-refresh")

    async def in_flight(self, mention_id: int) -> str | None:
        """The client_id of this mention's reply that the server has but the network has not
        confirmed yet (it survives a restart), or None."""
        value = await self._worker.call(lambda: self._store.get_state(_in_flight_key(mention_id)))
        return value or None

    def _on_left(self, left: tuple[CoolingReply, ReplyPublic]) -> None:
        self._tasks.spawn(self._mark_in_flight(left[0]), name="reply-in-flight")

    async def _stopped(self, reply: ReplyPublic, version: int) -> None:
        """The server stopped one of this rep's replies (a colleague resolved or took the
        mention while it waited). Still counting here: the cool-off makes it a conflict. Gone
        from here (its countdown ended): it comes back to the outbox for the rep's choice."""
        async with self._order:
            if await self.cool_off.follow(reply):
                return
            key = _in_flight_key(reply.mention_id)
            if await self.in_flight(reply.mention_id) == reply.client_id:
                await self._worker.call(lambda: self._store.set_state(key, ""))
            elif (await self.drafts.open(reply.mention_id, 0)).client_id == reply.client_id:
                self._settled_early[reply.client_id] = reply.status  # its departure comes next
            else:
                return  # handled before (another console, an earlier run)
            await self.cool_off.restore_stopped(reply, version)

    def _on_cancelled(self, reply: CoolingReply) -> None:
        self._tasks.spawn(self._renew_draft(reply), name="draft-renew")

    async def _renew_draft(self, reply: CoolingReply) -> None:
        """A reply the server held was cancelled: its client_id is spent there, so the draft
        (its text kept) gets a new one — sending it again is a new reply."""
        async with self._order:
            draft = await self.drafts.open(reply.mention_id, reply.base_version)
            if draft.client_id != reply.client_id:
                return
            renewed = LocalDraft(
                reply.mention_id, str(uuid.uuid4()), draft.body, draft.base_version
            )
            await self.drafts.save_now(renewed)
        self.draft_renewed.emit(renewed)

    async def _mark_in_flight(self, reply: CoolingReply) -> None:
        """The reply has left: remember it until the network confirms, and give the draft a
        new client_id so any later send is a new reply, never a silent duplicate."""
        async with self._order:
            early = self._settled_early.pop(reply.client_id, None)
            if early is ReplyStatus.SENT:  # already posted: nothing in flight, no draft left
                await self.drafts.forget(reply.mention_id)
                return
            if early is None:
                key = _in_flight_key(reply.mention_id)
                await self._worker.call(lambda: self._store.set_state(key, reply.client_id))
            draft = await self.drafts.open(reply.mention_id, reply.base_version)
            renewed = LocalDraft(
                reply.mention_id, str(uuid.uuid4()), draft.body, draft.base_version
            )
            await self.drafts.save_now(renewed)
        self.draft_renewed.emit(renewed)

    def _on_event(self, event: EventPublic) -> None:
        if event.type is EventType.CANNED_CHANGED:
            self._tasks.spawn(self.reload_canned(), name="canned-reload")
            return
        if event.type is EventType.COOL_OFF_CHANGED:
            self._tasks.spawn(self.cool_off.refresh_policy(), name="cool-off-reload")
            return
        if event.type is not EventType.REPLY_UPDATED or "reply" not in event.payload:
            return
        reply = ReplyPublic.model_validate(event.payload["reply"])
        if reply.author.id != self.session.viewer.user_id:
            return
        if reply.status is ReplyStatus.STOPPED:
            version = int(event.payload.get("mention", {}).get("version", 1))
            self._tasks.spawn(self._stopped(reply, version), name="reply-stopped")
            return
        # A reply the server holds for this rep: edited, hurried or cancelled elsewhere, taken.
        self._tasks.spawn(self.cool_off.follow(reply), name="reply-follow")
        if reply.status in (ReplyStatus.SENT, ReplyStatus.FAILED):
            self._tasks.spawn(self._settle(reply), name="reply-settle")

    async def _settle(self, reply: ReplyPublic) -> None:
        async with self._order:
            ours = await self.in_flight(reply.mention_id) == reply.client_id
            draft = await self.drafts.open(reply.mention_id, 0)
            if not ours and draft.client_id == reply.client_id:
                # The network's answer overtook the reply's departure (a network that posts at
                # once): settle it now and tell the departure, which comes next.
                ours = True
                self._settled_early[reply.client_id] = reply.status
            if ours:
                key = _in_flight_key(reply.mention_id)
                await self._worker.call(lambda: self._store.set_state(key, ""))
            if reply.status is ReplyStatus.FAILED:
                # The network refused it: the draft (with its new client_id) is kept.
                self.reply_outcome.emit(
                    ReplyOutcome(reply.mention_id, ReplyFate.REFUSED, refusal_message(reply))
                )
                return
            if ours:
                await self.drafts.forget(reply.mention_id)
        where = f" {reply.external_url}" if reply.external_url else ""
        self.reply_outcome.emit(
            ReplyOutcome(
                reply.mention_id, ReplyFate.POSTED, f"Reply posted.{where}", reply.external_url
            )
        )


def _in_flight_key(mention_id: int) -> str:
    return f"reply_in_flight:{mention_id}"
