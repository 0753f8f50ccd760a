"""The manager's "Replies & cool-off" dialog: list, add, edit and delete canned replies and
playbook entries (title, text, role and team scope), and set each team's cool-off (normal and
heated seconds). It draws what `ReplyLibrary` loads and shows the server's refusals as they
come (its Console-menu entry is in reply_library_menu.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.client.connection.errors import ApiError
from app.client.manager.reply_library import (
    KIND_WORDS,
    LibraryContents,
    LibraryEntry,
    ReplyLibrary,
    scope_words,
)
from app.common.tasks import TaskKeeper
from app.models.composer import MAX_COOL_OFF_SECONDS, CannedKind, CannedPublic
from app.models.enums import Role
from app.ui.qt import theme
from app.ui.qt.plain import plain_tooltip

ROLE_WORDS = {Role.REP: "Reps", Role.MANAGER: "Managers", Role.ADMIN: "Admins"}


def _seconds_box(name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, MAX_COOL_OFF_SECONDS)
    box.setSuffix(" s")
    box.setAccessibleName(name)
    box.setMinimumWidth(110)
    return box


class ReplyLibraryDialog(QDialog):
    """Edits the server's canned replies, playbook and team cool-offs (managers)."""

    def __init__(self, library: ReplyLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.contents = LibraryContents([], [], {})
        self.editing: int | None = None  # id of the entry in the form; None: a new one
        self.confirming_delete: int | None = None  # Delete was pressed once for this entry
        self._leaving_for: tuple[str, object] | None = None  # asked once about unsaved edits
        self.last_task: asyncio.Task[None] | None = None
        self._tasks = TaskKeeper("ui")
        self.setWindowTitle("Replies & cool-off")
        self.setAccessibleName("Replies and cool-off")
        self.setMinimumSize(760, 520)

        # --- canned replies and the playbook ---
        self.entry_list = QListWidget()
        self.entry_list.setAccessibleName("Canned replies and playbook entries")
        self.entry_list.setMinimumWidth(280)
        self.entry_list.setWordWrap(True)  # long titles and scopes wrap rather than clip
        self.entry_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.entry_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entry_list.setSpacing(2)
        self.new_button = QPushButton("&New entry")
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Kind")
        for kind, words in KIND_WORDS.items():
            self.kind_box.addItem(words, kind)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setMaxLength(120)
        self.title_edit.setPlaceholderText("What the rep picks, e.g. Apology for a delay")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName("Text")
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setPlaceholderText("The text inserted into the reply.")
        self.body_edit.setMinimumHeight(120)
        self.role_box = QComboBox()
        self.role_box.setAccessibleName("For role")
        self.role_box.addItem("Every role", None)
        for role, words in ROLE_WORDS.items():
            self.role_box.addItem(words, role)
        self.team_box = QComboBox()
        self.team_box.setAccessibleName("For team")
        self.save_entry_button = QPushButton("&Save entry")
        self.delete_button = QPushButton("&Delete entry")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (
            ("&Kind:", self.kind_box),
            ("&Title:", self.title_edit),
            ("Te&xt:", self.body_edit),
            ("For &role:", self.role_box),
            ("For t&eam:", self.team_box),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        entry_buttons = QHBoxLayout()
        entry_buttons.addStretch(1)
        entry_buttons.addWidget(self.delete_button)
        entry_buttons.addWidget(self.save_entry_button)
        left = QVBoxLayout()
        list_label = QLabel("Entr&ies:")
        list_label.setBuddy(self.entry_list)
        left.addWidget(list_label)
        left.addWidget(self.entry_list, 1)
        left.addWidget(self.new_button)
        right = QVBoxLayout()
        right.addLayout(form, 1)
        right.addLayout(entry_buttons)
        entries_page = QWidget()
        entries_layout = QHBoxLayout(entries_page)
        entries_layout.addLayout(left, 2)
        entries_layout.addLayout(right, 3)

        # --- the cool-off per team ---
        self.cool_team_box = QComboBox()
        self.cool_team_box.setAccessibleName("Team")
        self.seconds_box = _seconds_box("Normal cool-off")
        self.heated_box = _seconds_box("Heated cool-off")
        self.approval_box = QCheckBox(
            "A reply that promises a refund, compensation or a guarantee, or admits liability, "
            "needs a manager's approval"
        )
        self.approval_box.setAccessibleName("Approval required")
        self.save_cool_off_button = QPushButton("Save &cool-off")
        hint = QLabel(
            "After Send, a reply waits this long before it leaves, so the rep can still edit "
            "or cancel it. The heated cool-off applies when the draft reads as heated or "
            "blaming, or the customer's post is hostile; it cannot be shorter than the normal "
            "one. A rep in several teams gets the longest."
        )
        hint.setWordWrap(True)
        cool_form = QFormLayout()
        cool_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.cool_team_box.setMinimumWidth(260)
        cool_fields: tuple[tuple[str, QWidget], ...] = (
            ("Tea&m:", self.cool_team_box),
            ("N&ormal:", self.seconds_box),
            ("&Heated:", self.heated_box),
        )
        for text, cool_field in cool_fields:
            label = QLabel(text)
            label.setBuddy(cool_field)
            cool_form.addRow(label, cool_field)
        cool_buttons = QHBoxLayout()
        cool_buttons.addStretch(1)
        cool_buttons.addWidget(self.save_cool_off_button)
        cool_off_page = QWidget()
        cool_layout = QVBoxLayout(cool_off_page)
        cool_layout.addWidget(hint)
        cool_layout.addLayout(cool_form)
        cool_layout.addWidget(self.approval_box)
        cool_layout.addLayout(cool_buttons)
        cool_layout.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.addTab(entries_page, "Canned replies && &playbook")
        self.tabs.addTab(cool_off_page, "Cool-o&ff per team")

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Reply library message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.close_buttons)

        # Enter saves what the open tab edits; the other buttons never take Enter.
        for button in (self.new_button, self.delete_button, *self.close_buttons.buttons()):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self._connect_signals()
        self._fill_form(None)
        self._tab_changed(0)

    def _connect_signals(self) -> None:
        self.entry_list.currentItemChanged.connect(self._entry_chosen)
        self.new_button.clicked.connect(self.new_entry)
        self.save_entry_button.clicked.connect(lambda: self._start(self.save_entry()))
        self.delete_button.clicked.connect(lambda: self._start(self.delete_entry()))
        self.cool_team_box.currentIndexChanged.connect(self._team_chosen)
        self.save_cool_off_button.clicked.connect(lambda: self._start(self.save_cool_off()))
        self.close_buttons.rejected.connect(self.close)
        self.tabs.currentChanged.connect(self._tab_changed)

    def _tab_changed(self, index: int) -> None:
        self.save_entry_button.setDefault(index == 0)
        self.save_cool_off_button.setDefault(index == 1)
        self.save_entry_button.setAutoDefault(index == 0)
        self.save_cool_off_button.setAutoDefault(index == 1)

    # --- loading and showing ---------------------------------------------------------------

    async def load(self, select: int | None = None) -> None:
        """Fetch everything afresh (the entry `select` stays chosen when given)."""
        try:
            self.contents = await self.library.load()
        except ApiError as exc:
            self._say(f"Could not load the reply library: {exc.detail}", error=True)
            return
        self._show_contents(select if select is not None else self.editing)

    def _show_contents(self, select: int | None) -> None:
        teams = [name for _, name in self.contents.teams]
        self._refill(self.team_box, [("Every team", None), *((n, n) for n in teams)])
        self._refill(self.cool_team_box, [(n, i) for i, n in self.contents.teams])
        self.cool_team_box.setEnabled(bool(teams))
        self.save_cool_off_button.setEnabled(bool(teams))
        if not teams:
            self.seconds_box.setEnabled(False)
            self.heated_box.setEnabled(False)
            self.approval_box.setEnabled(False)
        self.entry_list.blockSignals(True)
        self.entry_list.clear()
        chosen: QListWidgetItem | None = None
        for entry in self.contents.entries:
            item = QListWidgetItem(
                f"{entry.title}\n{KIND_WORDS[entry.kind]} · for {scope_words(entry)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setToolTip(plain_tooltip(entry.body))
            self.entry_list.addItem(item)
            if entry.id == select:
                chosen = item
        self.entry_list.blockSignals(False)
        if select == self.editing and self.unsaved():
            self._select_quietly(select)  # reopened mid-edit: the edits stay in the form
        elif chosen is not None:
            self._select_quietly(select)
            self._fill_form(self._entry(select))
        else:
            self._fill_form(None)
        self._team_chosen()

    @staticmethod
    def _refill(box: QComboBox, items: list[tuple[str, object]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for text, data in items:
            box.addItem(text, data)
        index = box.findData(current)
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)

    def _entry(self, canned_id: int | None) -> CannedPublic | None:
        return next((e for e in self.contents.entries if e.id == canned_id), None)

    def _entry_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        canned_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if self._keeps_unsaved(("entry", canned_id)):
            self._select_quietly(self.editing)
            return
        self._fill_form(self._entry(canned_id))

    def unsaved(self) -> bool:
        """The form differs from the entry it shows (or, for a new one, is not blank)."""
        entry = self._entry(self.editing)
        shown = (
            LibraryEntry(entry.kind, entry.title, entry.body, entry.role, entry.team)
            if entry is not None
            else LibraryEntry(CannedKind.CANNED, "", "")
        )
        return self.form_entry() != shown

    def _keeps_unsaved(self, leaving_for: tuple[str, object]) -> bool:
        """True (and says why) the first time the manager would lose unsaved edits by going
        elsewhere; going to the same place again discards them."""
        if not self.unsaved() or self._leaving_for == leaving_for:
            self._leaving_for = None
            return False
        self._leaving_for = leaving_for
        title = self.title_edit.text().strip() or "the new entry"
        self._say(
            f"“{title}” has unsaved changes: save them, or do that again to discard them.",
            error=True,
        )
        return True

    def _select_quietly(self, canned_id: int | None) -> None:
        self.entry_list.blockSignals(True)
        self.entry_list.setCurrentRow(-1)
        for row in range(self.entry_list.count()):
            item = self.entry_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == canned_id:
                self.entry_list.setCurrentItem(item)
        self.entry_list.blockSignals(False)

    def _fill_form(self, entry: CannedPublic | None) -> None:
        self.editing = entry.id if entry is not None else None
        self.kind_box.setCurrentIndex(
            self.kind_box.findData(entry.kind if entry else CannedKind.CANNED)
        )
        self.title_edit.setText(entry.title if entry else "")
        self.body_edit.setPlainText(entry.body if entry else "")
        self.role_box.setCurrentIndex(max(self.role_box.findData(entry.role if entry else None), 0))
        self.team_box.setCurrentIndex(max(self.team_box.findData(entry.team if entry else None), 0))
        self.delete_button.setEnabled(entry is not None)
        self.delete_button.setText("&Delete entry")
        self.confirming_delete = None
        self._leaving_for = None
        self.save_entry_button.setText("&Save entry" if entry else "&Add entry")

    def new_entry(self) -> None:
        """Clear the form for a new entry and put the cursor in its title."""
        if self._keeps_unsaved(("new", None)):
            return
        self._select_quietly(None)
        self._fill_form(None)
        self.tabs.setCurrentIndex(0)
        self.title_edit.setFocus()

    def form_entry(self) -> LibraryEntry:
        kind = self.kind_box.currentData()
        return LibraryEntry(
            kind=kind if isinstance(kind, CannedKind) else CannedKind.CANNED,
            title=self.title_edit.text(),
            body=self.body_edit.toPlainText(),
            role=self.role_box.currentData(),
            team=self.team_box.currentData(),
        )

    def _team_chosen(self, *_: object) -> None:
        team_id = self.cool_team_box.currentData()
        setting = self.contents.cool_offs.get(team_id) if isinstance(team_id, int) else None
        self.seconds_box.setEnabled(setting is not None)
        self.heated_box.setEnabled(setting is not None)
        self.approval_box.setEnabled(setting is not None)
        if setting is not None:
            self.seconds_box.setValue(setting.seconds)
            self.heated_box.setValue(setting.heated_seconds)
            self.approval_box.setChecked(setting.approval_required)

    # --- edits -------------------------------------------------------------------------------

    async def save_entry(self) -> None:
        """Add the form as a new entry, or save it over the chosen one."""
        entry = self.form_entry()
        problem = entry.problem()
        if problem is not None:
            self._say(problem, error=True)
            (self.title_edit if not entry.title.strip() else self.body_edit).setFocus()
            return
        editing = self.editing
        try:
            if editing is None:
                saved = await self.library.create(entry)
            else:
                saved = await self.library.update(editing, entry)
        except ApiError as exc:
            self._say(f"Not saved: {exc.detail}", error=True)
            return
        await self.load(select=saved.id)
        self._say(f"Saved “{saved.title}” for {scope_words(saved)}.")

    async def delete_entry(self) -> None:
        """Delete the chosen entry; the first press only asks (reps lose it everywhere)."""
        entry = self._entry(self.editing)
        if entry is None:
            return
        if self.confirming_delete != entry.id:
            self.confirming_delete = entry.id
            self.delete_button.setText("Confirm &delete")
            self._say(
                f"Press Delete again to remove “{entry.title}” for {scope_words(entry)}.",
                error=True,
            )
            return
        try:
            await self.library.delete(entry.id)
        except ApiError as exc:
            self._say(f"Not deleted: {exc.detail}", error=True)
            return
        self._fill_form(None)
        await self.load()
        self._say(f"Deleted “{entry.title}”.")
        self.entry_list.setFocus()

    async def save_cool_off(self) -> None:
        team_id = self.cool_team_box.currentData()
        if not isinstance(team_id, int):
            self._say("Choose a team first.", error=True)
            return
        seconds, heated = self.seconds_box.value(), self.heated_box.value()
        try:
            saved = await self.library.set_cool_off(
                team_id, seconds, heated, self.approval_box.isChecked()
            )
        except ApiError as exc:
            self._say(f"Cool-off not saved: {exc.detail}", error=True)
            self.heated_box.setFocus()
            return
        self.contents.cool_offs[team_id] = saved
        approval = (
            " Promises beyond a rep's authority need a manager's approval."
            if saved.approval_required
            else ""
        )
        self._say(
            f"Team {saved.team}: replies wait {saved.seconds} s, "
            f"{saved.heated_seconds} s when heated.{approval}"
        )

    # --- plumbing ----------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        role = theme.Role.ERROR_TEXT if error else theme.Role.DONE_TEXT
        self.message.setStyleSheet(theme.text_style(role))
        self.message.setText(text)

    def _start(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = self._tasks.spawn(coro)
        self.last_task = task
        return task

    async def aclose(self) -> None:
        await self._tasks.aclose()
