"""Notes and presence in the console: the reporter follows the shown mention and the composer's
typing; other people's states become row badges, the detail pane's line ("Dana is typing…")
and the composer's quiet word on a mention a colleague owns; the notes panel shows and adds
the shown mention's notes; a note that names me is told at once (tray message), counted on the
"Mentions of me" tab and read when I open its mention.

The stream and the composer are reached through the callables the shell hands over (this
feature does not import theirs)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.rows import MentionRow
from app.client.stream.viewer import Viewer
from app.client.together.notes import NoteBook, note_title, roster_people
from app.client.together.presence import (
    PresenceBoard,
    PresenceReporter,
    colleague_warning,
    initials,
    presence_words,
)
from app.common.tasks import TaskKeeper
from app.models.schemas import MentionDetail, NotePublic
from app.models.team_schemas import RosterPublic
from app.ui.qt.notices import Notices
from app.ui.together.notes_panel import NotesPanel


class TogetherDesk(QObject):
    def __init__(
        self,
        notes: NoteBook,
        presence: PresenceBoard,
        reporter: PresenceReporter,
        *,
        panel: NotesPanel,
        show_presence: Callable[[str], None],
        set_badges: Callable[[int, tuple[str, ...], str], None],
        set_mentioned: Callable[[frozenset[int], int], None],
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        super().__init__(window)
        self.notes = notes
        self.presence = presence
        self.reporter = reporter
        self.panel = panel
        self._show_presence = show_presence
        self._set_badges = set_badges
        self._set_mentioned = set_mentioned
        self.notices = notices
        self.tasks = tasks
        self.composer_line: QLabel | None = None  # the composer's quiet word, when there is one
        self.row: MentionRow | None = None
        self.me: int | None = None
        self.typed_here = False  # the rep typed on the shown mention
        self.told: list[str] = []  # the notifications given (tests, screenshots)

    # --- what the console tells it -------------------------------------------------------

    def viewer_changed(self, viewer: Viewer) -> None:
        self.me = viewer.user_id

    def roster_changed(self, roster: RosterPublic) -> None:
        self.panel.set_people(roster_people(roster), self.me)

    def mention_shown(self, row: MentionRow | None) -> None:
        mention_id = row.id if row is not None else None
        same = self.row is not None and mention_id == self.row.id
        self.row = row
        if same:
            self._say_to_composer()
            return
        self.typed_here = False
        self.reporter.view(mention_id)
        self.panel.set_mention(mention_id)
        if mention_id is not None:
            self.panel.show_notes(self.notes.notes_for(mention_id))
            self.notes.mark_shown(mention_id)
        self._show_people()

    def detail_shown(self, detail: MentionDetail | None) -> None:
        if detail is None or self.row is None or detail.id != self.row.id:
            return
        self.notes.load(detail.id, detail.notes)
        self.panel.show_notes(self.notes.notes_for(detail.id))
        for state in detail.presence:
            self.presence.apply(state)

    def rows_changed(self, rows: list[MentionRow]) -> None:
        if self.row is None:
            return
        for row in rows:
            if row.id == self.row.id:
                self.row = row
                self._say_to_composer()

    def typed(self) -> None:
        if self.row is None:
            return
        self.typed_here = True
        self.reporter.typed()
        self._say_to_composer()

    # --- presence ------------------------------------------------------------------------

    def presence_changed(self, mention_id: int) -> None:
        others = self.presence.others_on(mention_id)
        badges = tuple(initials(p.user.name) for p in others)
        self._set_badges(mention_id, badges, presence_words(others))
        if self.row is not None and mention_id == self.row.id:
            self._show_people()

    def _show_people(self) -> None:
        others = self.presence.others_on(self.row.id) if self.row is not None else []
        self._show_presence(presence_words(others))
        self._say_to_composer()

    def _say_to_composer(self) -> None:
        line = self.composer_line
        if line is None:
            return
        text = ""
        if self.row is not None and self.typed_here:
            row = self.row
            others = self.presence.others_on(row.id)
            text = colleague_warning(row.assignee_id, row.assignee_name, others, self.me)
        line.setText(text)
        line.setVisible(bool(text))

    # --- notes ---------------------------------------------------------------------------

    def note_added(self, note: NotePublic) -> None:
        if self.row is not None and note.mention_id == self.row.id:
            self.panel.show_notes(self.notes.notes_for(note.mention_id))

    def named_me(self, note: NotePublic) -> None:
        title = note_title(note)
        self.told.append(title)
        self.notices.announce(title, f"Mention #{note.mention_id}: {note.body}")
        if self.row is not None and note.mention_id == self.row.id:
            self.notes.mark_shown(note.mention_id)

    def mentioned_changed(self, *_: object) -> None:
        self._set_mentioned(frozenset(self.notes.mentioned_me), self.notes.unread_count())

    def note_requested(self, text: str) -> None:
        if self.row is not None:
            self.tasks.spawn(self.add_note(self.row.id, text))

    async def add_note(self, mention_id: int, text: str) -> ActionOutcome:
        outcome = await self.notes.add(mention_id, text)
        if outcome.result in (ActionResult.DONE, ActionResult.QUEUED):
            if self.row is not None and self.row.id == mention_id:
                self.panel.clear_input()
            self.notices.say(outcome.message)
        else:
            self.notices.warn(outcome.message)
        return outcome
