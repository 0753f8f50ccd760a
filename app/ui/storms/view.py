"""The storm view, a window of its own: the open storms on the left; for the chosen one its
rate against the usual, the phrases and hashtags that rose, counts per network and language,
who has it, its groups (label, count, sample) — choosing a group lists its mentions, and a
double-click opens one in the stream — the claim buttons (for me; managers also for a person
or a team) and the holding statement. It renders what it is given and asks through signals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.client.stream.rows import MentionRow
from app.client.team import storm_words as words
from app.client.team.storm_statement import statement_targets
from app.models.schemas import UserRef
from app.models.storm_schemas import StormGroup, StormProgress, StormPublic
from app.ui.storms.statement import StatementPanel

ID_ROLE = Qt.ItemDataRole.UserRole
WHOLE = -1  # the groups list's first entry: the whole storm


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # phrases and names are strangers' words
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _one_line(text: str, most: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


class StormView(QWidget):
    stormChosen = Signal(int)  # storm id: load it fresh
    claimForMe = Signal(int, int)  # storm id, group id (WHOLE: the whole storm)
    claimForPerson = Signal(int, int, int, str)  # storm, group, user id, user name
    claimForTeam = Signal(int, int, str)  # storm, group, team name
    statementRequested = Signal(int, int, str, bool)  # storm, group, text, broadcast
    openMentionRequested = Signal(int)

    def __init__(
        self,
        rows: Callable[[int], MentionRow | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(words.STORM_VIEW_TITLE)
        self.setAccessibleName(words.STORM_VIEW_TITLE)
        self.resize(1080, 760)
        self.rows = rows
        self.me: int | None = None
        self.is_manager = False
        self.storm: StormPublic | None = None
        self.storms: list[StormPublic] = []

        # --- the storms
        self.storm_list = QListWidget()
        self.storm_list.setAccessibleName("Open storms")
        self.storm_list.setWordWrap(True)
        self.storm_list.setSpacing(2)
        self.storm_list.currentItemChanged.connect(self._storm_picked)
        self.empty = _plain_label(words.NO_STORMS)

        # --- the chosen storm
        self.headline = _plain_label()
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        self.rate = _plain_label()
        self.owner = _plain_label()
        self.rose = _plain_label()
        self.networks = _plain_label()
        self.languages = _plain_label()
        facts = QFormLayout()
        facts.addRow("Rate:", self.rate)
        facts.addRow("Who has it:", self.owner)
        facts.addRow("What rose:", self.rose)
        facts.addRow("Per network:", self.networks)
        facts.addRow("Per language:", self.languages)

        self.groups = QListWidget()
        self.groups.setAccessibleName("Groups of the storm")
        self.groups.setWordWrap(True)
        self.groups.setSpacing(1)
        self.groups.currentItemChanged.connect(self.refresh_group)
        self.group_mentions = QListWidget()
        self.group_mentions.setAccessibleName("Mentions of the group")
        self.group_mentions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.group_mentions.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.group_mentions.itemActivated.connect(self._open_mention)
        groups_box = QGroupBox(words.GROUPS_TITLE)
        groups_layout = QHBoxLayout(groups_box)
        groups_layout.addWidget(self.groups, 1)
        mentions_column = QVBoxLayout()
        mentions_column.addWidget(_plain_label(words.GROUP_MENTIONS_TITLE))
        mentions_column.addWidget(self.group_mentions, 1)
        groups_layout.addLayout(mentions_column, 1)

        self.claim_me = QPushButton(words.CLAIM_FOR_ME)
        self.claim_me.clicked.connect(self._claim_me)
        self.people = QComboBox()
        self.people.setAccessibleName("Person to claim for")
        self.claim_person = QPushButton(words.CLAIM_FOR_PERSON)
        self.claim_person.clicked.connect(self._claim_person)
        self.teams = QComboBox()
        self.teams.setAccessibleName("Team to share with")
        self.claim_team = QPushButton(words.CLAIM_FOR_TEAM)
        self.claim_team.clicked.connect(self._claim_team)
        # Nobody is chosen until the manager chooses: no claim for a person by accident.
        self.people.currentIndexChanged.connect(self._offer_claims)
        self.teams.currentIndexChanged.connect(self._offer_claims)
        self.claim_scope = _plain_label()
        claims = QHBoxLayout()
        claims.addWidget(self.claim_scope, 1)
        claims.addWidget(self.claim_me)
        claims.addWidget(self.people)
        claims.addWidget(self.claim_person)
        claims.addWidget(self.teams)
        claims.addWidget(self.claim_team)

        self.statement = StatementPanel()
        self.statement.sendRequested.connect(self._send)

        details = QWidget()
        self.details = details
        column = QVBoxLayout(details)
        column.addWidget(self.headline)
        column.addLayout(facts)
        column.addWidget(groups_box, 1)
        column.addLayout(claims)
        column.addWidget(self.statement)

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.storm_list, 1)
        left_column.addWidget(self.empty)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(details)
        split.setStretchFactor(1, 3)
        split.setSizes([280, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.set_manager(False)
        self.set_storms([])

    # --- who is looking ------------------------------------------------------------------

    def set_me(self, user_id: int | None, is_manager: bool) -> None:
        self.me = user_id
        self.set_manager(is_manager)

    def set_manager(self, is_manager: bool) -> None:
        """Claiming for a person or a team is for managers."""
        self.is_manager = is_manager
        for widget in (self.people, self.claim_person, self.teams, self.claim_team):
            widget.setVisible(is_manager)

    def set_people(self, people: list[UserRef]) -> None:
        chosen = self.people.currentData()
        self.people.clear()
        self.people.addItem(words.CHOOSE_PERSON, None)
        for person in sorted(people, key=lambda p: p.name.lower()):
            self.people.addItem(person.name, person.id)
        if chosen is not None and (index := self.people.findData(chosen)) >= 0:
            self.people.setCurrentIndex(index)
        self._offer_claims()

    def set_teams(self, teams: list[str]) -> None:
        chosen = self.teams.currentData()
        self.teams.clear()
        self.teams.addItem(words.CHOOSE_TEAM, None)
        for team in teams:
            self.teams.addItem(team, team)
        if chosen and (index := self.teams.findData(chosen)) >= 0:
            self.teams.setCurrentIndex(index)
        self._offer_claims()

    def choose_person(self, user_id: int) -> None:
        self.people.setCurrentIndex(max(self.people.findData(user_id), 0))

    def choose_team(self, team: str) -> None:
        self.teams.setCurrentIndex(max(self.teams.findData(team), 0))

    def _offer_claims(self, *_: object) -> None:
        self.claim_person.setEnabled(self.people.currentData() is not None)
        self.claim_team.setEnabled(self.teams.currentData() is not None)

    # --- the storms ----------------------------------------------------------------------

    def set_storms(self, storms: list[StormPublic]) -> None:
        """The open storms (biggest first); the chosen one stays chosen while it is open."""
        self.storms = list(storms)
        chosen = self.storm.id if self.storm is not None else None
        self.storm_list.blockSignals(True)
        self.storm_list.clear()
        for storm in storms:
            item = QListWidgetItem(words.list_entry(storm))
            item.setData(ID_ROLE, storm.id)
            self.storm_list.addItem(item)
        self.storm_list.blockSignals(False)
        self.empty.setVisible(not storms)
        self.storm_list.setVisible(bool(storms))
        if chosen is not None and any(s.id == chosen for s in storms):
            self._select_in_list(chosen)
            self.show_storm(next(s for s in storms if s.id == chosen))
        elif self.storm is not None and self.storm.state.value == "over":
            pass  # an ended storm stays shown until another is chosen
        elif storms:
            self.choose(storms[0].id)
        else:
            self.details.setEnabled(False)

    def choose(self, storm_id: int) -> None:
        """Show a storm (the banner's, the tray's, a click in the list)."""
        storm = next((s for s in self.storms if s.id == storm_id), None)
        self._select_in_list(storm_id)
        if storm is not None:
            self.show_storm(storm)
        self.stormChosen.emit(storm_id)

    def _select_in_list(self, storm_id: int) -> None:
        self.storm_list.blockSignals(True)
        for row in range(self.storm_list.count()):
            item = self.storm_list.item(row)
            if item.data(ID_ROLE) == storm_id:
                self.storm_list.setCurrentItem(item)
        self.storm_list.blockSignals(False)

    def _storm_picked(self, item: QListWidgetItem | None, _old: object = None) -> None:
        if item is not None:
            self.choose(int(item.data(ID_ROLE)))

    def storm_updated(self, storm: StormPublic) -> None:
        if self.storm is not None and storm.id == self.storm.id:
            self.show_storm(storm)

    def show_storm(self, storm: StormPublic) -> None:
        same = self.storm is not None and self.storm.id == storm.id
        group_id = self.group_id() if same else WHOLE
        self.storm = storm
        self.details.setEnabled(True)
        self.headline.setText(words.headline(storm))
        self.rate.setText(
            f"{words.rate_words(storm)} (usually {storm.usual_per_hour:.0f} an hour); "
            f"{storm.count} mentions, {storm.angry} angry, {storm.open} open · "
            f"{words.STATE_WORDS[storm.state]}"
        )
        self.owner.setText(words.who_has_it(storm))
        self.rose.setText("\n".join(words.phrase_words(storm)) or "—")
        self.networks.setText(words.counts_words(storm.networks))
        self.languages.setText(words.counts_words(storm.languages))
        self.groups.blockSignals(True)
        self.groups.clear()
        whole = QListWidgetItem(f"{words.WHOLE_STORM} ({storm.count})")
        whole.setData(ID_ROLE, WHOLE)
        self.groups.addItem(whole)
        for group in storm.groups:
            item = QListWidgetItem(
                words.group_entry(group.label, group.count, _one_line(group.sample, 90))
            )
            item.setData(ID_ROLE, group.id)
            self.groups.addItem(item)
        self.groups.blockSignals(False)
        self._select_group(group_id)
        if storm.statement:
            self.statement.offer_team_statement(storm.statement)

    # --- groups --------------------------------------------------------------------------

    def group(self) -> StormGroup | None:
        if self.storm is None:
            return None
        group_id = self.group_id()
        return next((g for g in self.storm.groups if g.id == group_id), None)

    def group_id(self) -> int:
        item = self.groups.currentItem()
        return int(item.data(ID_ROLE)) if item is not None else WHOLE

    def choose_group(self, group_id: int) -> None:
        self._select_group(group_id)

    def _select_group(self, group_id: int) -> None:
        for row in range(self.groups.count()):
            item = self.groups.item(row)
            if item.data(ID_ROLE) == group_id:
                self.groups.setCurrentItem(item)
                return
        self.groups.setCurrentRow(0)

    def refresh_group(self, *_: object) -> None:
        """List the chosen group's mentions (again: their owners change as they are claimed),
        keeping the list where it was scrolled to."""
        storm = self.storm
        if storm is None:
            return
        group = self.group()
        ids = group.mention_ids if group is not None else storm.mention_ids
        scrolled = self.group_mentions.verticalScrollBar().value()
        self.group_mentions.clear()
        for mention_id in ids:
            row = self.rows(mention_id)
            if row is None:
                text = f"Mention #{mention_id} (not in this console's stream yet)"
            else:
                owner = f" · {row.assignee_name}" if row.assignee_name else ""
                text = f"{row.handle}{owner}: {_one_line(row.text)}"
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, mention_id)
            self.group_mentions.addItem(item)
        self.group_mentions.verticalScrollBar().setValue(scrolled)
        scope = f"“{group.label}”" if group is not None else words.WHOLE_STORM.lower()
        self.claim_scope.setText(f"Claim {scope}:")
        self.refresh_targets()

    def refresh_targets(self) -> None:
        """Whom the statement goes to (after a claim, or as the stream changes)."""
        storm = self.storm
        if storm is None:
            return
        group = self.group()
        ids = group.mention_ids if group is not None else storm.mention_ids
        known = {i: row for i in ids if (row := self.rows(i)) is not None}
        self.statement.set_targets(statement_targets(storm, known, self.me, group))

    def _open_mention(self, item: QListWidgetItem) -> None:
        self.openMentionRequested.emit(int(item.data(ID_ROLE)))

    # --- asking --------------------------------------------------------------------------

    def _claim_me(self) -> None:
        if self.storm is not None:
            self.claimForMe.emit(self.storm.id, self.group_id())

    def _claim_person(self) -> None:
        user_id = self.people.currentData()
        if self.storm is not None and user_id is not None:
            self.claimForPerson.emit(
                self.storm.id, self.group_id(), int(user_id), self.people.currentText()
            )

    def _claim_team(self) -> None:
        team = self.teams.currentData()
        if self.storm is not None and team:
            self.claimForTeam.emit(self.storm.id, self.group_id(), team)

    def _send(self, text: str, broadcast: bool) -> None:
        if self.storm is not None:
            self.statementRequested.emit(self.storm.id, self.group_id(), text, broadcast)

    def show_progress(self, progress: StormProgress) -> None:
        if self.storm is not None and progress.storm_id == self.storm.id:
            self.statement.show_progress(progress)
