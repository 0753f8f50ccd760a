"""The Qt adapter of the composer's Qt-free core: the service's news and the presenter's
announcements re-emitted as Qt signals (one relay table), so the panel only connects and
renders. The bridge holds the console's one `ComposerPresenter`."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.composer.presenter import ComposerPresenter
from app.client.composer.service import ComposerService
from app.ui.qt.relay import relay, route


class ComposerBridge(QObject):
    # the core's news
    repliesChanged = Signal(list)  # list[CoolingReply]: the countdowns and stopped replies
    replyLeft = Signal(object, object)  # CoolingReply, ReplyPublic: the server has it
    replyConflict = Signal(object)  # CoolingReply: a colleague replied or took the mention
    replyFailed = Signal(object)  # CoolingReply: refused for good, the draft kept
    replyOutcome = Signal(object)  # ReplyOutcome: posted, or refused by the network
    cannedChanged = Signal(list)  # list[CannedPublic]
    draftConflict = Signal(object)  # DraftConflict
    draftSaved = Signal(object)  # LocalDraft
    draftRenewed = Signal(object)  # LocalDraft: a new client_id after its reply left
    # what the panel shows, as the presenter announces it
    stateChanged = Signal(object)  # ComposerState
    rowChanged = Signal(object)  # MentionRow | None: the heading follows it
    textReplaced = Signal(str)  # a draft opened, chosen or cleared (not the rep's typing)
    accountChanged = Signal(str)  # "as Acme on Mastodon"
    messageChanged = Signal(object)  # ComposerMessage
    draftConflictChanged = Signal(object)  # str | None: the question, None once settled
    checked = Signal(object)  # ToneCheck: the prompts to show
    approvalChanged = Signal(object)  # ApprovalView: "Ask a manager" and the request's state

    def __init__(self, service: ComposerService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        # Created before the relays: the presenter hears the core's news before the signals go.
        self.presenter = ComposerPresenter(service)
        cool_off, drafts, presenter = service.cool_off, service.drafts, self.presenter
        relay(
            self,
            [
                route(cool_off.changed, self.repliesChanged),
                route(cool_off.conflict, self.replyConflict),
                route(cool_off.failed, self.replyFailed),
                route(service.reply_outcome, self.replyOutcome),
                route(service.canned_changed, self.cannedChanged),
                route(drafts.conflict, self.draftConflict),
                route(drafts.saved, self.draftSaved),
                route(service.draft_renewed, self.draftRenewed),
                route(presenter.state_changed, self.stateChanged),
                route(presenter.row_changed, self.rowChanged),
                route(presenter.text_replaced, self.textReplaced),
                route(presenter.account_changed, self.accountChanged),
                route(presenter.message_changed, self.messageChanged),
                route(presenter.draft_conflict_changed, self.draftConflictChanged),
                route(presenter.checked, self.checked),
                route(presenter.approval_changed, self.approvalChanged),
                route(cool_off.left, self.replyLeft, lambda left: left),
            ],
        )
