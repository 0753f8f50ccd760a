"""What the composer does, without its widgets: which mention and draft it shows, what happens on
a mention switch, on each keystroke, on Send and during the cool-off (edit, cancel, send now),
when a colleague's reply or a second copy of the draft gets in the way, and on Resolve — and
what the panel should show for each, announced on typed hooks.

Which brand account will post the reply is the server's word (`ComposerService.reply_route`):
the account line names it, and a mention no connected account can answer (a feed post, a
webhook mention, a network without an account) is not `answerable` — the composer says so, with
the link to answer it on the site, before the rep writes. Send asks the server once more
whether a colleague replied or took the mention since the draft began, before any countdown.

The panel renders what the presenter announces and passes on what the rep does; the presenter
never touches a widget, so every rule here runs (and is tested) without Qt."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from app.client.approvals.board import ApprovalBoard, answer_text
from app.client.composer import display
from app.client.composer.cooling import ConflictChoice, CoolingReply, CoolingState
from app.client.composer.display import ComposerMessage, ConflictView, Countdown, Counter
from app.client.composer.drafts import DraftChoice, DraftConflict, LocalDraft
from app.client.composer.policy import SendRefused, check_sendable
from app.client.composer.prompting import (
    PromptDismissals,
    ToneCheck,
    check_reply,
    insertable,
    offline_offer,
)
from app.client.composer.route import DRAFT_ANYWAY, ReplyRoute
from app.client.composer.service import ComposerService, ReplyFate, ReplyOutcome
from app.client.composer.state import ComposerState
from app.client.hooks import Hook
from app.client.stream.rows import MentionRow
from app.client.stream.session import ActionResult, Viewer
from app.common.tasks import TaskKeeper
from app.models.approval_schemas import ApprovalPublic, ApprovalState
from app.models.enums import Network
from app.models.networks import rules_for
from app.models.schemas import ReplyPublic

if TYPE_CHECKING:
    from app.tone import Finding, ToneReport

log = logging.getLogger(__name__)

APPROVAL_FIRST = (
    "This reply promises beyond your authority: ask a manager to approve it before it goes."
)
APPROVAL_AGAIN = "The text changed since you asked: ask a manager again for this version."


@dataclass(frozen=True, slots=True)
class ApprovalView:
    """The composer's approval line: offer "Ask a manager"; what to say; the request."""

    offer_ask: bool
    text: str
    approval: ApprovalPublic | None
    focus: bool = False  # Send was just refused for it: the reason is what to type next


# Where a mention can be handed off to before the server has named the teams.
DEFAULT_HANDOFF_TEAMS = ("support", "billing", "communications")


_P = ParamSpec("_P")
_Action = Callable[Concatenate["ComposerPresenter", _P], Coroutine[Any, Any, None]]


def _refusal_said(action: _Action[_P]) -> _Action[_P]:
    """A rep's action whose refusal by the rules (`SendRefused`) becomes the composer's
    message instead of an error."""

    @functools.wraps(action)
    async def act(self: ComposerPresenter, /, *args: _P.args, **kwargs: _P.kwargs) -> None:
        try:
            await action(self, *args, **kwargs)
        except SendRefused as exc:
            self._say(exc.message, error=True)

    return act


class ComposerPresenter:
    """One reply at a time, to the mention the console shows."""

    def __init__(self, service: ComposerService) -> None:
        self.service = service
        self.state = ComposerState.NO_MENTION
        self.row: MentionRow | None = None
        self.draft: LocalDraft | None = None
        self.report: ToneReport | None = None
        self.dismissals = PromptDismissals()
        self.draft_conflict: DraftConflict | None = None
        self.viewer: Viewer | None = None
        self.route: ReplyRoute | None = None  # who posts the reply to the shown mention
        self.body = ""  # the text on screen, as the panel reports it
        self.signed = False
        self.opening: asyncio.Task[None] | None = None
        # What the rep typed for the mention being opened before its draft arrived.
        self._typed_early = ""
        self._tasks = TaskKeeper("composer")

        self.state_changed: Hook[ComposerState] = Hook()
        self.row_changed: Hook[MentionRow | None] = Hook()
        self.text_replaced: Hook[str] = Hook()  # put this text on screen (not the rep's typing)
        self.account_changed: Hook[str] = Hook()  # "as Acme on Mastodon"
        self.message_changed: Hook[ComposerMessage] = Hook()
        self.draft_conflict_changed: Hook[str | None] = Hook()  # the question, None: settled
        self.checked: Hook[ToneCheck] = Hook()
        # The shown reply's approval: whether to offer "Ask a manager", and what it says.
        self.approval_changed: Hook[ApprovalView] = Hook()
        self.approvals: ApprovalBoard | None = None

        cool_off = service.cool_off
        cool_off.changed.connect(self._replies_changed)
        cool_off.left.connect(self._reply_left)
        cool_off.conflict.connect(lambda _reply: self._replies_changed(cool_off.replies))
        cool_off.failed.connect(lambda _reply: self._replies_changed(cool_off.replies))
        service.reply_outcome.connect(self._reply_outcome)
        service.drafts.conflict.connect(self._draft_conflict_found)
        service.draft_renewed.connect(self._draft_renewed)

    def use_approvals(self, board: ApprovalBoard) -> None:
        """Follow the rep's approval requests: their answers show live; an approval asked
        from here sends the approved text through the cool-off."""
        self.approvals = board
        board.updated.connect(self._approval_updated)
        board.answered.connect(self._approval_answered)

    # --- which mention -------------------------------------------------------------------

    def viewer_changed(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @property
    def mark(self) -> str:
        """The signed-in rep's initials, for signing a reply ("" when there are none)."""
        viewer = self.viewer
        return display.initials(viewer.user.name if viewer and viewer.user else "")

    def rows_changed(self, rows: list[MentionRow]) -> None:
        if self.row is None:
            return
        for row in rows:
            if row.id == self.row.id:
                self.row = row
                self.row_changed.emit(row)

    def show_mention(self, row: MentionRow | None) -> asyncio.Task[None] | None:
        """Follow the console's selection: save the old draft, open this one's."""
        if row is not None and self.row is not None and row.id == self.row.id:
            self.row = row
            self.row_changed.emit(row)
            return None
        if self.opening is not None and not self.opening.done():
            self.opening.cancel()
        if self.draft is not None:
            # The editor empties at once: keys typed from now on are for the new mention
            # (`edited` keeps them until its draft arrives), never the previous one's.
            self.draft = None
            self._replace_text("")
        self._typed_early = ""
        self.opening = self._tasks.spawn(self._open(row), name="composer-open")
        return self.opening

    async def opened(self) -> None:
        """Wait until the shown mention's draft is on screen (screenshots and tests)."""
        task = self.opening
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.service.settled()

    async def _open(self, row: MentionRow | None) -> None:
        await self.service.drafts.flush()
        self.row = row
        self.dismissals.clear()
        self._settled_draft_conflict()
        self.report = None
        self.route = None
        self._say("")
        if row is None:
            self.draft = None
            self._replace_text("")
            self._replies_changed(self.service.cool_off.replies)
            return
        draft = await self.service.drafts.open(row.id, row.version)
        if not draft.body:
            try:
                draft = await self.service.drafts.pull(row.id, row.version)
            except Exception as exc:  # offline or refused: the local draft is what we have
                log.info("no server copy of the draft: %s", exc)
        if self.row is None or self.row.id != row.id:
            return
        early, self._typed_early = self._typed_early, ""
        if early.strip():
            body = f"{draft.body}\n{early}" if draft.body else early
            base = draft.base_version if draft.body else row.version
            draft = replace(draft, body=body, base_version=base)
            self.service.drafts.typed(draft)
        self.draft = draft
        self._replace_text(draft.body)
        posting = await self.service.in_flight(row.id) is not None
        self.state = ComposerState.POSTING if posting else ComposerState.WRITING
        await self._show_account(row)
        self.row_changed.emit(self.row)
        self._replies_changed(self.service.cool_off.replies)
        self.check_now()
        if self.approvals is not None:
            await self.approvals.load_for(row.id)
            self._show_approval()
        if self.route is not None and not self.route.answerable:
            # The reason and the link stand in the composer (`unanswerable`): say it once.
            self._say(DRAFT_ANYWAY)

    async def _show_account(self, row: MentionRow) -> None:
        """Ask which brand account will post the reply (or why none can) and say it."""
        route = await self.service.reply_route(row.id, row.network)
        if self.row is None or self.row.id != row.id:
            return
        self.route = route
        self.account_changed.emit(display.reply_route(route))

    def _replace_text(self, text: str) -> None:
        self.body = text
        self.text_replaced.emit(text)

    # --- typing --------------------------------------------------------------------------

    def edited(self, body: str) -> bool:
        """The rep changed the text: keep the draft (saved soon). True when it counts as
        typing, so the text should be checked after a pause."""
        self.body = body
        if self.draft is None and self.opening is not None and not self.opening.done():
            self._typed_early = body  # kept until the draft arrives (`_open`)
            return False
        if self.row is None or self.draft is None:
            return False
        base = self.draft.base_version if self.draft.body else self.row.version
        self.draft = replace(self.draft, body=body, base_version=base)
        self.service.drafts.typed(self.draft)
        return True

    def sign(self, signed: bool) -> bool:
        """Sign the reply with the rep's initials, or not (saved as typing is)."""
        self.signed = signed
        return self.edited(self.body)

    def full_text(self) -> str:
        """What would go out: the text plus the initials when signing."""
        mark = self.mark
        if self.signed and mark and self.body.strip():
            return f"{self.body.rstrip()} ^{mark}"
        return self.body

    def check(self) -> ToneReport | None:
        if self.row is None:
            return None
        return check_reply(
            self.full_text(),
            mention=self.row.text,
            network=self.row.network,
            handle=self.row.author_handle,
        )

    def check_now(self) -> ToneCheck:
        """Check the text and announce the prompts the rep has not dismissed."""
        report = self.check()
        self.report = report
        findings = [] if report is None else self.dismissals.visible(report.findings)
        result = ToneCheck(report, findings)
        self.checked.emit(result)
        self._show_approval()
        return result

    def dismiss(self, findings: Sequence[Finding], reason: str) -> None:
        self.dismissals.dismiss(findings, reason)
        for finding in findings:
            log.info("prompt %s dismissed: %s", finding.code.value, reason)
        self.check_now()

    def suggestion(self, finding: Finding) -> str | None:
        """The sentence "Use suggestion" adds at the end of the reply (None: advice only)."""
        return insertable(finding)

    def offline_offer(self) -> str:
        """The sentence "Add a DM / email offer" adds at the end of the reply."""
        return offline_offer(self.report)

    # --- what the panel shows ------------------------------------------------------------

    @property
    def answerable(self) -> bool:
        """Whether a reply to the shown mention can be sent from here: a connected brand
        account can post it (the server's word; until it is known, the network table's)."""
        if self.row is None:
            return True
        if self.route is not None:
            return self.route.answerable
        return rules_for(self.row.network).reply_in_place

    @property
    def unanswerable(self) -> str | None:
        """Why the shown mention cannot be answered from here, with where to answer it
        (None when it can)."""
        route = self.route
        return None if route is None or route.answerable else route.problem

    @property
    def site_url(self) -> str | None:
        """Where to answer the shown mention by hand when no brand account can post it."""
        route = self.route
        return None if route is None or route.answerable else route.site_url

    def heading(self) -> str:
        return display.heading(self.row)

    def counter(self) -> Counter | None:
        """The reply's length as its network counts it (None without a mention)."""
        if self.row is None:
            return None
        return display.counter(self.full_text(), self.row.network, self.row.author_handle)

    def countdown(self) -> Countdown | None:
        """The waiting reply's countdown (None when no reply is counting down)."""
        reply = self.reply()
        if reply is None or reply.state is not CoolingState.COUNTING:
            return None
        report = self.report
        heated_now = report is not None and report.take_a_breath
        return display.countdown(reply, self.service.cool_off.now(), heated_now=heated_now)

    def conflict(self) -> ConflictView | None:
        """What stopped the waiting reply: a colleague's reply or claim."""
        reply = self.reply()
        return None if reply is None else display.conflict(reply)

    def handoff_teams(self) -> list[str]:
        return self.service.teams or list(DEFAULT_HANDOFF_TEAMS)

    def reply(self) -> CoolingReply | None:
        """The shown mention's reply in the cool-off, if any."""
        if self.row is None:
            return None
        return self.service.cool_off.for_mention(self.row.id)

    # --- send and the cool-off -----------------------------------------------------------

    @_refusal_said
    async def send(self) -> None:
        if self.row is None or self.draft is None:
            self._say("Select a mention to reply to.", error=True)
            return
        report = self.check()
        assert report is not None
        row, draft, text = self.row, self.draft, self.full_text()
        check_sendable(text, report)
        # Before anything leaves, and at once (the rep's next keys are the reason): a promise
        # beyond the rep's authority waits for a manager's approval of this very text.
        approval_id = None
        if self.service.needs_approval(report):
            approval = self.approval()
            if approval is None or not _approves(approval, text):
                self.approval_changed.emit(replace(self.approval_view(), focus=True))
                log.info("reply to mention %s waits for a manager's approval", row.id)
                raise SendRefused(APPROVAL_FIRST)
            approval_id = approval.id
        await self.service.drafts.flush(row.id)
        # Before any countdown: can it go out at all, and did a colleague answer meanwhile?
        check = await self.service.before_send(row.id, draft.client_id, draft.base_version)
        if check.route is not None and check.route != self.route and self.row is row:
            self.route = check.route
            self.account_changed.emit(display.reply_route(check.route))
        if check.refused is not None:
            self.state_changed.emit(self.state)  # Send is not offered any more
            raise SendRefused(f"{check.refused} {DRAFT_ANYWAY}")
        if check.conflict is not None:
            await self.service.cool_off.hold(
                row.id, draft.client_id, text, draft.base_version, report, check.conflict
            )
            return  # the conflict shows the colleague's reply and the choices
        await self.service.cool_off.send(
            row.id, draft.client_id, text, check.base_version, report, approval_id=approval_id
        )
        self._say("")  # the countdown bar says when it leaves, and why it is longer

    @_refusal_said
    async def update_reply(self) -> None:
        reply = self.reply()
        report = self.check()
        if reply is None or report is None:
            return
        await self.service.cool_off.edit(reply.seq, self.full_text(), report)
        self._say("The waiting reply now has your new text.")

    @_refusal_said
    async def cancel_reply(self) -> None:
        reply = self.reply()
        if reply is None:
            return
        await self.service.cool_off.cancel(reply.seq)
        self._say("Cancelled. Your text is still here.")

    @_refusal_said
    async def send_now(self) -> None:
        reply = self.reply()
        if reply is None:
            return
        report = check_reply(
            reply.body,
            mention=self.row.text if self.row else None,
            network=self.row.network if self.row else Network.MASTODON,
            handle=self.row.author_handle if self.row else None,
        )
        await self.service.cool_off.send_now(reply.seq, report)

    @_refusal_said
    async def choose(self, choice: ConflictChoice, *, to_team: str | None = None) -> None:
        reply = self.reply()
        if reply is None:
            return
        await self.service.cool_off.choose(reply.seq, choice, to_team=to_team)
        if choice is ConflictChoice.DISCARD:
            await self.service.drafts.forget(reply.mention_id)
            self.draft = replace(_draft_of(reply), body="", client_id=str(uuid.uuid4()))
            self._replace_text("")
            self._say("Your reply was discarded.")
        elif choice is ConflictChoice.HAND_OFF:
            self._say(f"Handed off to {to_team}. Your draft is kept with the handoff note.")
        else:
            self._say("Sending over your colleague's reply, as you chose.")

    @_refusal_said
    async def resolve(self, days: int | None) -> None:
        """Resolve the mention, with a reminder to check back in `days` (None: none)."""
        if self.row is None:
            return
        outcome = await self.service.resolve(self.row.id, days)
        if outcome.result is ActionResult.DONE and days:
            self._say(f"Resolved. You'll be reminded to check back in {days} days.")
        else:
            self._say(outcome.message, error=outcome.result is not ActionResult.DONE)

    # --- a manager's approval ------------------------------------------------------------

    def approval(self) -> ApprovalPublic | None:
        """My latest request for the shown mention (None: none, or no approvals here)."""
        if self.approvals is None or self.row is None:
            return None
        return self.approvals.mine_for(self.row.id)

    def approval_view(self) -> ApprovalView:
        """Whether to offer "Ask a manager" for the text on screen, and what to say."""
        reply = self.reply()
        needed = self.service.needs_approval(self.report) or (
            reply is not None and reply.needs_approval and reply.state is CoolingState.FAILED
        )
        approval = self.approval()
        text = self.full_text()
        if approval is None or approval.state is ApprovalState.WITHDRAWN:
            return ApprovalView(needed, APPROVAL_FIRST if needed else "", None)
        covers = approval.body.strip() == text.strip() or _approves(approval, text)
        if not needed and not covers:
            # Rewritten without a promise, or sent and cleared: the request is history.
            return ApprovalView(False, "", approval)
        if approval.state is ApprovalState.DENIED:
            return ApprovalView(needed, answer_text(approval), approval)
        if covers or not needed:
            return ApprovalView(False, answer_text(approval), approval)
        # The text changed since the request: what was asked no longer covers it.
        return ApprovalView(True, APPROVAL_AGAIN, approval)

    def _show_approval(self) -> None:
        self.approval_changed.emit(self.approval_view())

    @_refusal_said
    async def ask_manager(self, reason: str) -> None:
        """Ask the managers to approve the text on screen, with the rep's reason."""
        if self.row is None or self.approvals is None:
            return
        await self.service.drafts.flush(self.row.id)
        outcome = await self.approvals.ask(self.row.id, self.full_text(), reason)
        self._say(outcome.message, error=outcome.result is not ActionResult.DONE)
        self._show_approval()

    def _approval_updated(self, approval: ApprovalPublic) -> None:
        if self.row is not None and approval.mention_id == self.row.id:
            if approval.state in (ApprovalState.APPROVED, ApprovalState.DENIED):
                self._say("")  # "Asked the managers…" is over: the approval line says how
            self._show_approval()

    def _approval_answered(self, approval: ApprovalPublic) -> None:
        """The approval line says the answer (`_approval_updated`); an approval asked from
        here sends the approved text."""
        asked_here = self.approvals is not None and approval.id in self.approvals.asked_here
        if approval.state is ApprovalState.APPROVED and asked_here:
            self._tasks.spawn(self._send_approved(approval), name="approved-send")

    async def _send_approved(self, approval: ApprovalPublic) -> None:
        if self.row is not None and approval.mention_id == self.row.id and approval.edited:
            self._replace_text(approval.approved_body or self.body)
            if self.draft is not None:
                self.draft = replace(self.draft, body=self.body)
        try:
            await self.service.send_approved(approval)
        except SendRefused as exc:
            self._say(exc.message, error=True)
            return
        if self.row is not None and approval.mention_id == self.row.id:
            self._say("")  # the approval line and the countdown say it
            self.check_now()

    # --- drafts on two workstations ------------------------------------------------------

    def _draft_conflict_found(self, conflict: DraftConflict) -> None:
        if self.row is None or conflict.mention_id != self.row.id:
            return
        self.draft_conflict = conflict
        self.draft_conflict_changed.emit(display.draft_question(conflict))

    @_refusal_said
    async def settle_draft(self, choice: DraftChoice) -> None:
        conflict = self.draft_conflict
        if conflict is None or self.draft is None:
            return
        body = conflict.kept(choice, self.body)
        self.draft = replace(self.draft, body=body)
        self._replace_text(body)
        await self.service.drafts.resolve(self.draft, conflict.revision)
        self._settled_draft_conflict()
        self._say("Draft kept on every workstation.")

    def _settled_draft_conflict(self) -> None:
        self.draft_conflict = None
        self.draft_conflict_changed.emit(None)

    # --- news from the core --------------------------------------------------------------

    def _replies_changed(self, _replies: list[CoolingReply]) -> None:
        reply = self.reply()
        if reply is None:
            if self.state in (ComposerState.COUNTING, ComposerState.CONFLICT, ComposerState.FAILED):
                self.state = ComposerState.WRITING
            elif self.state is not ComposerState.POSTING:
                self.state = ComposerState.WRITING if self.row else ComposerState.NO_MENTION
            if self.row is None:
                self.state = ComposerState.NO_MENTION
        elif reply.state is CoolingState.COUNTING:
            self.state = ComposerState.COUNTING
        elif reply.state is CoolingState.CONFLICT:
            if self.state is not ComposerState.CONFLICT:
                self._say("")
            self.state = ComposerState.CONFLICT
        else:
            self.state = ComposerState.FAILED
            self._say(reply.detail or "The reply was refused. Your draft is kept.", error=True)
        self.state_changed.emit(self.state)

    def _reply_left(self, left: tuple[CoolingReply, ReplyPublic]) -> None:
        reply, _public = left
        if self.row is None or reply.mention_id != self.row.id:
            return
        self.state = ComposerState.POSTING
        network = display.network_name(self.row.network)
        self._say(f"The cool-off is over: the team server is posting it to {network}…")
        self.state_changed.emit(self.state)

    def _draft_renewed(self, draft: LocalDraft) -> None:
        if self.row is not None and draft.mention_id == self.row.id and self.draft is not None:
            self.draft = replace(self.draft, client_id=draft.client_id)

    def _reply_outcome(self, outcome: ReplyOutcome) -> None:
        if self.row is None or outcome.mention_id != self.row.id:
            return
        if outcome.fate is ReplyFate.POSTED:
            self.draft = LocalDraft(self.row.id, str(uuid.uuid4()), "", self.row.version)
            self._replace_text("")
            self.dismissals.clear()
            self.check_now()  # the sent text's prompts go with it
            self.state = ComposerState.WRITING
            self._say(outcome.message)
        else:
            # The network refused it: the text stays; a retry is a new reply (the core gave
            # the draft a new client_id when the reply left).
            self.state = ComposerState.WRITING
            self._say(outcome.message, error=True)
        self.state_changed.emit(self.state)

    # --- plumbing ------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_changed.emit(ComposerMessage(text, error))

    async def aclose(self) -> None:
        await self._tasks.aclose()


def _approves(approval: ApprovalPublic, text: str) -> bool:
    """An approval that lets this very text go out."""
    return (
        approval.state is ApprovalState.APPROVED
        and approval.approved_body is not None
        and approval.approved_body.strip() == text.strip()
    )


def _draft_of(reply: CoolingReply) -> LocalDraft:
    return LocalDraft(reply.mention_id, reply.client_id, reply.body, reply.base_version)
