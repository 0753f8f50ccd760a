"""The managers' "Routing and response times" dialog: choose a team, then how its new mentions
are handed out (mode, capacity; which ones are its: languages, networks, keywords, priority
levels) and its first-response minutes per priority level, with the line saying whether they
count in the rota's hours or around the clock. Save sends what changed (`TeamRoutingSettings`);
the server's refusals are said in the dialog and nothing typed is lost. Every word is in
app/client/manager/routing_words.py."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.client.connection.errors import ApiError
from app.client.manager import routing_words as words
from app.client.manager.routing import RoutingForm, TeamRoutingSettings, TeamSettings
from app.common.tasks import TaskKeeper
from app.models.enums import Network, PriorityLevel, RoutingMode
from app.models.routing_schemas import MAX_CAPACITY, MAX_TARGET_MINUTES
from app.ui.qt import theme

DEFAULT_WIDTH = 700  # the wrapped lines wrap at most once


def _help(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.92)
    label.setFont(font)
    return label


def _hint(text: str) -> QLabel:
    """A short note at the end of a row (never wrapped)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.92)
    label.setFont(font)
    return label


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # team and people's names, as written
    return label


def _mnemonic_safe(text: str) -> str:
    return text.replace("&", "&&")


class RoutingDialog(QDialog):
    """One team's routing and response-time targets (managers)."""

    def __init__(self, settings: TeamRoutingSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.loaded: TeamSettings | None = None  # the shown team as the server last answered
        self.team_id: int | None = None
        self._leaving_for: int | None = None  # asked once about unsaved edits
        self.last_task: asyncio.Task[None] | None = None
        self._tasks = TaskKeeper("ui")
        self.setWindowTitle(words.TITLE)
        self.setAccessibleName(words.TITLE)

        self.team_box = QComboBox()
        self.team_box.setAccessibleName("Team")
        self.team_box.setMinimumContentsLength(18)
        team_label = QLabel(words.TEAM_LABEL)
        team_label.setBuddy(self.team_box)
        team_row = QHBoxLayout()
        team_row.addWidget(team_label)
        team_row.addWidget(self.team_box, 1)
        team_row.addStretch(1)

        # --- routing ---
        self.routing_box = QGroupBox()
        self.routing_state = _plain()
        self.routing_state.setAccessibleName("Routing state")
        self.routes_check = QCheckBox()
        self.mode_box = QComboBox()
        self.mode_box.setAccessibleName("Hand out")
        for mode, mode_words in words.MODE_WORDS.items():
            self.mode_box.addItem(mode_words, mode)
            self.mode_box.setItemData(
                self.mode_box.count() - 1, words.MODE_HELP[mode], Qt.ItemDataRole.ToolTipRole
            )
        # One line each: a wrapped line inside the form's rows made Qt squeeze the rows (it
        # sizes them without asking a wrapped label its height for the width).
        self.mode_help = _hint("")
        self.capacity_box = QSpinBox()
        self.capacity_box.setAccessibleName("Capacity")
        self.capacity_box.setRange(1, MAX_CAPACITY)
        self.capacity_box.setSuffix(words.CAPACITY_SUFFIX)
        self.capacity_box.setToolTip(words.CAPACITY_HELP)
        self.languages_edit = QLineEdit()
        self.languages_edit.setAccessibleName("Languages")
        self.languages_edit.setPlaceholderText(words.LANGUAGES_PLACEHOLDER)
        self.network_checks: dict[Network, QCheckBox] = {}
        networks = QGridLayout()
        networks.setContentsMargins(0, 0, 0, 0)
        for index, network in enumerate(words.ROUTED_NETWORKS):
            check = QCheckBox(words.network_words(network))
            self.network_checks[network] = check
            networks.addWidget(check, 0, index)
        networks.addWidget(_hint(words.NETWORKS_HELP), 0, len(words.ROUTED_NETWORKS))
        networks.setColumnStretch(len(words.ROUTED_NETWORKS), 1)
        self.keywords_edit = QLineEdit()
        self.keywords_edit.setAccessibleName("Keywords")
        self.keywords_edit.setPlaceholderText(words.KEYWORDS_PLACEHOLDER)
        self.keywords_edit.setToolTip(words.KEYWORDS_HELP)
        self.priority_checks: dict[PriorityLevel, QCheckBox] = {}
        priorities = QGridLayout()
        priorities.setContentsMargins(0, 0, 0, 0)
        for index, (level, level_words) in enumerate(words.PRIORITY_WORDS.items()):
            check = QCheckBox(level_words)
            self.priority_checks[level] = check
            priorities.addWidget(check, 0, index)
        priorities.addWidget(_hint(words.PRIORITIES_HELP), 0, len(words.PRIORITY_WORDS))
        priorities.setColumnStretch(len(words.PRIORITY_WORDS), 1)
        networks_widget, priorities_widget = QWidget(), QWidget()
        networks_widget.setLayout(networks)
        priorities_widget.setLayout(priorities)
        self.rules_form = QWidget()
        rules = QFormLayout(self.rules_form)
        rules.setContentsMargins(0, 0, 0, 0)
        # Text fields grow; the mode and the capacity keep their own width (Fixed).
        rules.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for fixed in (self.mode_box, self.capacity_box):
            fixed.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # Every row straight in the form (no widget holding a field and its hint): Qt
        # squeezed such nested rows on a real desktop.
        rows: tuple[tuple[str, QWidget], ...] = (
            (words.MODE_LABEL, self.mode_box),
            ("", self.mode_help),
            (words.CAPACITY_LABEL, self.capacity_box),
            (words.LANGUAGES_LABEL, self.languages_edit),
            (words.NETWORKS_LABEL, networks_widget),
            (words.KEYWORDS_LABEL, self.keywords_edit),
            ("", _hint(words.KEYWORDS_HELP)),
            (words.PRIORITIES_LABEL, priorities_widget),
        )
        for text, field in rows:
            label = QLabel(text)
            if "&" in text:
                label.setBuddy(field)
            rules.addRow(label, field)
        routing_layout = QVBoxLayout(self.routing_box)
        routing_layout.addWidget(self.routing_state)
        routing_layout.addWidget(self.routes_check)
        routing_layout.addWidget(self.rules_form)

        # --- first-response targets ---
        self.targets_box = QGroupBox(words.TARGETS_BOX)
        self.minute_boxes: dict[PriorityLevel, QSpinBox] = {}
        self.minute_words: dict[PriorityLevel, QLabel] = {}
        targets = QGridLayout()
        targets.setHorizontalSpacing(8)
        for index, (level, level_words) in enumerate(words.PRIORITY_WORDS.items()):
            row, column = index // 2, (index % 2) * 3  # two levels a row
            box = QSpinBox()
            box.setRange(0, MAX_TARGET_MINUTES)
            box.setSpecialValueText(words.NO_TARGET)
            box.setSuffix(words.MINUTES_SUFFIX)
            box.setSingleStep(5)
            box.setAccessibleName(f"{level_words} target")
            box.setMinimumWidth(130)
            label = QLabel(f"{level_words}:")
            label.setBuddy(box)
            said = QLabel("")
            said.setAccessibleName(f"{level_words} target in hours")
            self.minute_boxes[level] = box
            self.minute_words[level] = said
            said.setMinimumWidth(said.fontMetrics().horizontalAdvance("= 00 d 00 h 00 min"))
            targets.addWidget(label, row, column)
            targets.addWidget(box, row, column + 1)
            targets.addWidget(said, row, column + 2)
        targets.setColumnStretch(5, 1)
        self.clock_line = _plain()
        self.clock_line.setAccessibleName("What the targets count")
        targets_layout = QVBoxLayout(self.targets_box)
        targets_layout.addWidget(_help(words.TARGETS_HELP))
        targets_layout.addLayout(targets)
        targets_layout.addWidget(self.clock_line)

        self.message = _plain()
        self.message.setAccessibleName("Outcome")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton(words.SAVE)
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        for button in self.buttons.buttons():
            if button is not self.save_button and isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter saves, whichever field has the focus
        layout = QVBoxLayout(self)
        layout.addLayout(team_row)
        layout.addWidget(self.routing_box)
        layout.addWidget(self.targets_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self._show(None)
        self.resize(DEFAULT_WIDTH, self.sizeHint().height())

    def _fit_height(self) -> None:
        """Never shorter than the rows need at the dialog's width: Qt sizes a window without
        asking its wrapped lines their height for that width, and squeezed the rows."""
        layout = self.layout()
        if layout is not None:
            layout.activate()  # count what was just shown or hidden (the route box)
            width = max(self.width(), layout.totalMinimumSize().width())
            self.setMinimumHeight(layout.totalHeightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def _connect_signals(self) -> None:
        self.team_box.currentIndexChanged.connect(self._team_chosen)
        self.routes_check.toggled.connect(lambda _on: self._enable_rules())
        self.mode_box.currentIndexChanged.connect(lambda _i: self._mode_chosen())
        for level, box in self.minute_boxes.items():
            box.valueChanged.connect(lambda value, lv=level: self._minutes_changed(lv, value))
        self.save_button.clicked.connect(lambda: self._start(self.save()))
        self.buttons.rejected.connect(self.close)

    # --- showing -----------------------------------------------------------------------------

    def _show(self, settings: TeamSettings | None) -> None:
        """Fill the form from the server's settings (None: nothing to show yet)."""
        self.loaded = settings
        for part in (self.routing_box, self.targets_box):
            part.setEnabled(settings is not None)
        self.save_button.setEnabled(settings is not None)
        self.setWindowTitle(
            words.TEAM_TITLE.format(team=settings.team) if settings is not None else words.TITLE
        )
        if settings is None:
            self.routing_box.setTitle(words.ROUTING_BOX.format(team="the team"))
            self.clock_line.setText("")
            return
        form = RoutingForm.of(settings)
        routing = settings.routing
        self.routing_box.setTitle(_mnemonic_safe(words.ROUTING_BOX.format(team=settings.team)))
        self.routes_check.setText(words.ROUTES_CHECK.format(team=_mnemonic_safe(settings.team)))
        self.routes_check.setChecked(form.routes)
        self.routes_check.setVisible(not routing.saved)
        if not routing.saved:
            state = words.NOT_ROUTING.format(team=settings.team)
        elif routing.updated_at is not None and routing.updated_by is not None:
            when = routing.updated_at.astimezone().strftime("%a %d %b %H:%M")
            state = words.ROUTING_SINCE.format(when=when, name=routing.updated_by.name)
        else:
            state = words.ROUTING_SAVED_UNKNOWN
        self.routing_state.setText(state)
        self.mode_box.setCurrentIndex(max(self.mode_box.findData(form.mode), 0))
        self.capacity_box.setValue(form.capacity)
        self.languages_edit.setText(form.languages)
        self.keywords_edit.setText(form.keywords)
        for network, check in self.network_checks.items():
            check.setChecked(network in form.networks)
        for level, check in self.priority_checks.items():
            check.setChecked(level in form.priorities)
        for level, box in self.minute_boxes.items():
            box.setValue(form.minutes.get(level, 0))
        self.clock_line.setText(words.clock_words(settings.targets))
        self._mode_chosen()
        self._enable_rules()
        self._fit_height()

    def _enable_rules(self) -> None:
        self.rules_form.setEnabled(self.routes_check.isChecked())

    def mode(self) -> RoutingMode:
        """The chosen mode (Qt hands the item's data back as a plain string)."""
        chosen = self.mode_box.currentData()
        return RoutingMode(chosen) if chosen else RoutingMode.MANUAL

    def _mode_chosen(self) -> None:
        mode = self.mode()
        self.mode_help.setText(words.MODE_HELP[mode])
        # Capacity only limits what routing hands out; people claim without it.
        self.capacity_box.setEnabled(mode is not RoutingMode.MANUAL)

    def _minutes_changed(self, level: PriorityLevel, minutes: int) -> None:
        self.minute_words[level].setText(words.when_words(minutes))

    def form(self) -> RoutingForm:
        return RoutingForm(
            routes=self.routes_check.isChecked(),
            mode=self.mode(),
            capacity=self.capacity_box.value(),
            languages=self.languages_edit.text(),
            networks=frozenset(n for n, c in self.network_checks.items() if c.isChecked()),
            keywords=self.keywords_edit.text(),
            priorities=frozenset(p for p, c in self.priority_checks.items() if c.isChecked()),
            minutes={lv: box.value() for lv, box in self.minute_boxes.items() if box.value() > 0},
        )

    def unsaved(self) -> bool:
        return self.loaded is not None and self.form().unsaved(self.loaded)

    def say(self, text: str, *, error: bool = False) -> None:
        role = theme.Role.ERROR_TEXT if error else theme.Role.DONE_TEXT
        self.message.setStyleSheet(theme.text_style(role))
        self.message.setText(text)
        self._fit_height()

    # --- choosing a team ---------------------------------------------------------------------

    def _select_quietly(self, team_id: int | None) -> None:
        self.team_box.blockSignals(True)
        self.team_box.setCurrentIndex(max(self.team_box.findData(team_id), 0))
        self.team_box.blockSignals(False)

    def _team_chosen(self, _index: int) -> None:
        chosen = self.team_box.currentData()
        if not isinstance(chosen, int) or chosen == self.team_id:
            return
        if self.unsaved() and self._leaving_for != chosen and self.loaded is not None:
            self._leaving_for = chosen
            self._select_quietly(self.team_id)
            self.say(words.UNSAVED.format(team=self.loaded.team), error=True)
            return
        self._start(self.show_team(chosen))

    # --- the work (the buttons start these; tests await them) --------------------------------

    async def load(self, team_id: int | None = None) -> None:
        """The teams afresh, then `team_id` (or the team shown, or the first)."""
        failure = await self.settings.load_teams()
        if failure is not None:
            self.say(failure, error=True)
            return
        self.team_box.blockSignals(True)
        self.team_box.clear()
        for team in self.settings.teams:
            self.team_box.addItem(team.name, team.id)
        self.team_box.blockSignals(False)
        if not self.settings.teams:
            self._show(None)
            self.say(words.NO_TEAMS, error=True)
            return
        wanted = team_id if team_id is not None else self.team_id
        if wanted is None or self.team_box.findData(wanted) < 0:
            wanted = self.settings.teams[0].id
        if self.unsaved() and self.loaded is not None:
            # Reopened mid-edit (on this team or, from the roster, another): the edits stay;
            # choosing the other team again discards them.
            self._select_quietly(self.team_id)
            if wanted != self.team_id:
                self._leaving_for = wanted
                self.say(words.UNSAVED.format(team=self.loaded.team), error=True)
            return
        self._select_quietly(wanted)
        await self.show_team(wanted)

    async def show_team(self, team_id: int) -> None:
        name = self.team_box.itemText(max(self.team_box.findData(team_id), 0))
        self.team_id = team_id
        self._leaving_for = None
        self._show(None)
        self.say(words.LOADING.format(team=name))
        try:
            settings = await self.settings.load(team_id)
        except ApiError as exc:
            self.say(words.NOT_LOADED.format(team=name, detail=exc.detail), error=True)
            return
        if team_id != self.team_id:
            return  # another team was chosen meanwhile
        self._show(settings)
        self.say("")

    async def save(self) -> None:
        if self.loaded is None or self.team_id is None:
            return
        team_id, form = self.team_id, self.form()
        self.save_button.setEnabled(False)
        try:
            outcome = await self.settings.save(team_id, form, self.loaded)
        finally:
            self.save_button.setEnabled(True)
        if team_id != self.team_id:
            return
        if outcome.done:
            self._show(outcome.settings)
        else:
            self.loaded = outcome.settings  # what did save is the new baseline; the form stays
            self._focus_problem(form)
        self.say(outcome.message, error=not outcome.done)

    def _focus_problem(self, form: RoutingForm) -> None:
        try:
            words.parse_languages(form.languages)
        except ValueError:
            self.languages_edit.setFocus()
            return
        try:
            words.parse_keywords(form.keywords)
        except ValueError:
            self.keywords_edit.setFocus()

    # --- plumbing ----------------------------------------------------------------------------

    def _start(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = self._tasks.spawn(coro)
        self.last_task = task
        return task

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()
