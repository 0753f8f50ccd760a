"""Customers' and colleagues' words show as they were written, never as HTML: a display name
`<img src="file:///…">` must not load a local file in a tooltip, a link must not become one.

Each place gets both hostile texts. A label must be fixed to plain text and show the
characters; a tooltip (Qt has no plain mode for tooltips: `QToolTip` renders whatever
`Qt.mightBeRichText` calls rich) is rendered here as `QToolTip` renders it, and must read as
the original characters, with no image and no link in it."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QTreeWidgetItem

from app.client.handoffs.board import Box
from app.client.stream.actions import ActionResult
from app.client.stream.rows import MentionRow
from app.models.composer import CannedKind, CannedPublic
from app.models.enums import Duty, MentionStatus, Network, Role
from app.models.schemas import (
    BroadcastAckPublic,
    BroadcastPublic,
    MentionDetail,
    MentionPublic,
    UserRef,
)
from app.models.team_schemas import (
    FollowupPublic,
    RosterMember,
    RosterPublic,
    RosterTeam,
    RotaPublic,
)
from app.ui.broadcasts.acks_view import BroadcastAcksView
from app.ui.composer.canned import CannedButton
from app.ui.handoffs.dialogs import HandoffChoice
from app.ui.manager.rota_dialog import RotaDialog
from app.ui.qt.plain import plain_label, plain_message_box, plain_tooltip, set_plain
from app.ui.shell.notifier import TrayKind, UrgentNotifier, tray_texts, tray_tooltip
from app.ui.stream.detail_pane import MentionDetailPane
from app.ui.stream.model import Column, MentionStreamModel
from app.ui.team.followups_view import FollowupsView
from app.ui.team.roster_view import RosterView
from app.ui.team.tray import DutyRemote
from tests.support.live_server import LiveServer, mention_json
from tests.ui.team_harness import TeamTestConsole

IMG = '<img src="file:///etc/hostname">'
LINK = '<a href="http://x">click</a>'
HOSTILE = (IMG, LINK)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def rendered(tooltip: str) -> str:
    """What a tooltip shows, read as `QToolTip` reads it (rich if it might be rich); fails
    if the rendering holds an image or a link."""
    document = QTextDocument()
    if GuiQt.mightBeRichText(tooltip):
        document.setHtml(tooltip)
    else:
        document.setPlainText(tooltip)
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            assert not fragment.charFormat().isImageFormat(), f"an image in {tooltip!r}"
            assert not fragment.charFormat().isAnchor(), f"a link in {tooltip!r}"
            fragments += 1
        block = block.next()
    return document.toPlainText()


def assert_plain(label: QLabel, words: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert words in label.text()


def _mention(mention_id: int, name: str, text: str) -> MentionPublic:
    return MentionPublic.model_validate(
        {
            "id": mention_id,
            "network": Network.MASTODON,
            "external_id": f"x-{mention_id}",
            "author": {"handle": "stranger", "display_name": name},
            "text": text,
            "url": None,
            "created_at": NOW,
            "ingested_at": NOW,
            "updated_at": NOW,
            "status": MentionStatus.NEW,
            "assignee_id": None,
            "version": 1,
            "priority": 10.0,
            "sentiment": 0.0,
            "risk_words": [],
        }
    )


def _row(name: str, text: str) -> MentionRow:
    return MentionRow.from_public(_mention(1, name, text))


# --- the helper ------------------------------------------------------------------------------


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("words", [*HOSTILE, "a & b\nline two <b>", "plain words"])
def test_a_plain_tooltip_renders_exactly_the_words(words: str) -> None:
    assert rendered(plain_tooltip(words)) == words
    assert plain_tooltip("") == ""


@pytest.mark.usefixtures("qapp")
def test_plain_labels_and_message_boxes_show_the_characters() -> None:
    label = plain_label(IMG)
    assert_plain(label, IMG)
    set_plain(label, LINK)
    assert_plain(label, LINK)
    box = plain_message_box(QMessageBox.Icon.Critical, "The private server did not start", IMG)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == IMG


# --- the stream and the selected mention ------------------------------------------------------


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize(("name", "text"), [HOSTILE, HOSTILE[::-1]])
def test_the_stream_tooltips_show_the_authors_name_and_text_as_written(
    name: str, text: str
) -> None:
    model = MentionStreamModel(clock=lambda: NOW)
    model.load([_row(name, text)])
    text_tip = model.data(model.index(0, Column.TEXT), Qt.ItemDataRole.ToolTipRole)
    author_tip = model.data(model.index(0, Column.AUTHOR), Qt.ItemDataRole.ToolTipRole)
    assert rendered(text_tip) == text
    assert rendered(author_tip) == f"{name} @stranger"
    assert model.data(model.index(0, Column.AGE), Qt.ItemDataRole.ToolTipRole) is None
    # The cells themselves are painted as plain text (the delegate draws the string).
    assert model.data(model.index(0, Column.TEXT)) == text


@pytest.mark.usefixtures("qapp")
def test_the_detail_pane_shows_name_thread_and_history_as_written() -> None:
    pane = MentionDetailPane()
    pane.show_row(_row(IMG, LINK), my_user_id=None)
    assert_plain(pane.heading, IMG)
    assert pane.body.toPlainText() == LINK
    detail = MentionDetail.model_validate(
        {
            **_mention(1, IMG, LINK).model_dump(),
            "thread": [_mention(2, LINK, IMG).model_dump()],
            "replies": [],
            "handoffs": [],
            "history": [
                {
                    "event_id": 1,
                    "type": "mention.updated",
                    "actor": {"id": 7, "name": LINK},
                    "at": NOW,
                    "summary": IMG,
                }
            ],
        }
    )
    pane.show_detail(detail)
    thread = pane.thread_view.topLevelItem(0)
    history = pane.history_view.topLevelItem(0)
    assert isinstance(thread, QTreeWidgetItem)
    assert isinstance(history, QTreeWidgetItem)
    assert thread.text(1) == IMG
    # The history reads as the server's sentences (the actor's name is in them), as written.
    assert history.text(1) == IMG
    for item in (thread, history):
        for column in range(3):
            assert rendered(item.toolTip(column)) in ("", item.text(column))


# --- team: follow-ups, roster, tray ------------------------------------------------------------


@pytest.mark.usefixtures("qapp")
def test_a_follow_up_shows_the_customers_words_and_the_owner_as_written() -> None:
    view = FollowupsView()
    followup = FollowupPublic(
        mention=_mention(3, IMG, LINK), due_at=NOW, due=True, owner=UserRef(id=4, name=IMG)
    )
    view.show_followups([followup])
    item = view.tree.topLevelItem(0)
    assert item is not None
    assert item.text(2) == IMG
    assert item.text(3) == LINK
    assert rendered(item.toolTip(3)) == LINK


@pytest.mark.usefixtures("qapp")
def test_the_roster_shows_team_and_people_as_written() -> None:
    view = RosterView()
    member = RosterMember(user=UserRef(id=5, name=IMG), role=Role.REP, duty=Duty.ON_DUTY, since=NOW)
    view.show_roster(
        RosterPublic(
            at=NOW,
            teams=[RosterTeam(team_id=1, team=LINK, on_duty=[member], away=[], off_duty=[])],
        )
    )
    group = view.tree.topLevelItem(0)
    assert group is not None
    person = group.child(0)
    assert group.text(0).startswith(LINK)
    assert person.text(0) == IMG
    assert rendered(person.toolTip(0)) in ("", IMG)
    assert view.heading.textFormat() == Qt.TextFormat.PlainText or "<" not in view.heading.text()


@pytest.mark.usefixtures("qapp")
def test_the_tray_says_colleagues_names_literally_whoever_draws_it() -> None:
    tray_menu = QMenu()
    tray_menu.addAction("Quit")
    remote = DutyRemote(tray_menu, lambda: 0)
    names = "Tom & Jerry " + IMG
    remote.set_roster(
        RosterPublic(
            at=NOW,
            teams=[
                RosterTeam(
                    team_id=1,
                    team="support",
                    on_duty=[
                        RosterMember(
                            user=UserRef(id=6, name=names),
                            role=Role.REP,
                            duty=Duty.ON_DUTY,
                            since=NOW,
                        )
                    ],
                    away=[],
                    off_duty=[],
                )
            ],
        )
    )
    [person_menu] = [a.menu() for a in remote.everyone_menu.actions() if a.menu()]
    # A menu reads "&" as a shortcut mark: doubled, it shows as one "&".
    assert person_menu.title().startswith("Tom && Jerry " + IMG)
    tooltip = "Responder Console\nCovered: 1 on duty (" + names + ")"
    assert rendered(tray_tooltip(TrayKind.QT, tooltip)) == tooltip
    assert html.unescape(tray_tooltip(TrayKind.DESKTOP, tooltip)) == tooltip
    assert "<" not in tray_tooltip(TrayKind.DESKTOP, tooltip)


@pytest.mark.usefixtures("qapp")
def test_a_notification_shows_the_customers_words_whoever_draws_it() -> None:
    notifier = UrgentNotifier(quiet_ms=10)
    notifier.alert(_row(IMG, LINK + " " + IMG))
    title, message = notifier.messages_shown[-1]
    assert title == "Urgent mention from @stranger"
    # Qt's own balloon and native notifications show plain text; the desktop's notification
    # service reads the body as markup, so there it is escaped.
    if notifier.tray_kind is TrayKind.DESKTOP:
        assert html.unescape(message) == LINK + " " + IMG
        assert "<" not in message
    else:
        assert message == LINK + " " + IMG
    for words in HOSTILE:
        shown_title, body = tray_texts(TrayKind.DESKTOP, words, words)
        assert "<" not in body
        assert html.unescape(body) == words
        assert shown_title == words  # the summary is plain text in every notification service
        assert tray_texts(TrayKind.QT, words, words) == (words, words)


# --- broadcasts, replies library, rota ----------------------------------------------------------


@pytest.mark.usefixtures("qapp")
def test_a_broadcast_and_its_acknowledgements_show_as_written() -> None:
    view = BroadcastAcksView()
    view.update_broadcast(
        BroadcastPublic(
            id=1,
            author=UserRef(id=1, name=LINK),
            text=IMG + "\n" + LINK,
            severity="urgent",
            created_at=NOW,
            acks=[BroadcastAckPublic(user=UserRef(id=2, name=IMG), acked_at=NOW)],
            pending=[UserRef(id=3, name=LINK)],
        )
    )
    top = view.tree.topLevelItem(0)
    assert top is not None
    assert LINK in top.text(0)
    assert rendered(top.toolTip(0)) == IMG + "\n" + LINK
    text, done, waiting = (top.child(i) for i in range(3))
    assert rendered(text.toolTip(0)) == IMG + "\n" + LINK
    assert IMG in done.text(0)
    assert LINK in waiting.text(0)
    assert view.acked_names(1) == [IMG]


@pytest.mark.usefixtures("qapp")
def test_canned_replies_and_rota_team_names_show_as_written() -> None:
    button = CannedButton()
    button.set_canned(
        [
            CannedPublic(
                id=1,
                kind=CannedKind.CANNED,
                title="Refund",
                body=IMG,
                role=None,
                team=None,
                shortcut="",
                position=0,
                updated_at=NOW,
            )
        ]
    )
    [action] = [a for a in button.entries.actions() if not a.isSeparator()]
    assert rendered(action.toolTip()) == IMG
    dialog = RotaDialog(
        RotaPublic(team_id=1, team=IMG, time_zone="UTC", shifts=[], on_rota_now=[]),
        [UserRef(id=1, name=LINK)],
    )
    headings = [label for label in dialog.findChildren(QLabel) if IMG in label.text()]
    assert headings
    for label in headings:
        assert label.textFormat() == Qt.TextFormat.PlainText


# --- between real consoles: a handoff, the status bar, the notification -----------------------


def test_a_colleagues_name_and_note_show_as_written_in_the_handoff_panel_and_status_bar(
    live_server: LiveServer, team_console_factory: Callable[[str, str], TeamTestConsole]
) -> None:
    _, ana_token = live_server.create_user(IMG, teams=["support"])
    ben_id, ben_token = live_server.create_user(LINK, teams=["billing"])
    ana = team_console_factory(live_server.base_url, ana_token)
    ben = team_console_factory(live_server.base_url, ben_token)
    ben.act(ben.session.set_duty(Duty.ON_DUTY))
    [mention_id] = live_server.ingest([mention_json("plain-1", "Where is my parcel?")])
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(mention_id) is not None)

    # The status bar names the user as written.
    assert_plain(ben.window.duty_label, LINK)
    assert_plain(ana.window.duty_label, IMG)

    note = IMG + "\n" + LINK
    outcome = ana.act(ana.team.handoffs.hand_off(mention_id, HandoffChoice(ben_id, None, note)))
    assert outcome.result is ActionResult.DONE, outcome.message
    panel = ben.team.handoff_panel
    ben.wait_until(ben.team_bridge.handoffsChanged, lambda: len(panel.items(Box.TO_ME)) == 1)
    item = panel.items(Box.TO_ME)[0]
    assert item.text(1) == f"{IMG} → {LINK}"
    assert rendered(item.toolTip(1)) == f"{IMG} → {LINK}"
    assert rendered(item.toolTip(3)) == note
    assert item.text(3) == " ".join(note.split())

    # The notification of the handoff names the colleague and quotes the note as written.
    title, message = ben.window.notifier.messages_shown[-1]
    assert title == f"{IMG} handed you mention #{mention_id}"
    shown = html.unescape(message) if ben.window.notifier.tray_kind is TrayKind.DESKTOP else message
    assert shown == " ".join(note.split())
