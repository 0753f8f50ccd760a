"""The Qt adapter of the composer's Qt-free core (`ComposerService`): re-emits its hooks as Qt
signals so the composer panel only connects and renders."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.composer.cooling import CoolingReply
from app.client.composer.drafts import DraftConflict, LocalDraft
from app.client.composer.service import ComposerService, ReplyOutcome
from app.models.composer import CannedPublic
from app.models.schemas import ReplyPublic


class ComposerBridge(QObject):
    repliesChanged = Signal(list)  # list[CoolingReply]: the countdowns and stopped replies
    replyLeft = Signal(object, object)  # CoolingReply, ReplyPublic: the server has it
    replyConflict = Signal(object)  # CoolingReply: a colleague replied or took the mention
    replyFailed = Signal(object)  # CoolingReply: refused for good, the draft kept
    replyOutcome = Signal(object)  # ReplyOutcome: posted, or refused by the network
    cannedChanged = Signal(list)  # list[CannedPublic]
    draftConflict = Signal(object)  # DraftConflict
    draftSaved = Signal(object)  # LocalDraft
    draftRenewed = Signal(object)  # LocalDraft: a new client_id after its reply left

    def __init__(self, service: ComposerService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        cool_off = service.cool_off
        cool_off.changed.connect(self._replies_changed)
        cool_off.left.connect(self._left)
        cool_off.conflict.connect(self.replyConflict.emit)
        cool_off.failed.connect(self.replyFailed.emit)
        service.reply_outcome.connect(self._outcome)
        service.canned_changed.connect(self._canned)
        service.drafts.conflict.connect(self._draft_conflict)
        service.drafts.saved.connect(self._draft_saved)
        service.draft_renewed.connect(self._draft_renewed)

    def _replies_changed(self, replies: list[CoolingReply]) -> None:
        self.repliesChanged.emit(replies)

    def _left(self, left: tuple[CoolingReply, ReplyPublic]) -> None:
        self.replyLeft.emit(left[0], left[1])

    def _outcome(self, outcome: ReplyOutcome) -> None:
        self.replyOutcome.emit(outcome)

    def _canned(self, canned: list[CannedPublic]) -> None:
        self.cannedChanged.emit(canned)

    def _draft_conflict(self, conflict: DraftConflict) -> None:
        self.draftConflict.emit(conflict)

    def _draft_saved(self, draft: LocalDraft) -> None:
        self.draftSaved.emit(draft)

    def _draft_renewed(self, draft: LocalDraft) -> None:
        self.draftRenewed.emit(draft)
