"""Working on a mention together between real consoles (a real server process, offscreen):
a colleague viewing a mention shows as a badge on its row and a line in the detail pane,
typing says so, and the state lapses in the other console when the first stops refreshing
(a crash: no "left" is sent); a note that @mentions "Ana Lopez" notifies exactly her — not
"Ana", not its author — counts on her "Mentions of me" tab until she opens the mention, and
shows in every console's notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from app.models.schemas import PresenceState
from app.ui.qt.plain import plain_tooltip
from app.ui.stream.filter import FilterMode
from app.ui.stream.model import Column
from tests.support.live_server import LiveServer, mention_json
from tests.ui.team_harness import TeamTestConsole

pytestmark = pytest.mark.slow

Factory = Callable[[str, str], TeamTestConsole]


def _has_row(console: TeamTestConsole, mention_id: int) -> None:
    console.wait_until(
        console.bridge.rowsChanged, lambda: console.session.row(mention_id) is not None
    )


def _open(console: TeamTestConsole, mention_id: int) -> None:
    console.window.set_filter_mode(FilterMode.ALL)
    console.window.model.flush()
    assert console.inside(lambda: console.window.select_mention(mention_id))


def test_presence_appears_and_lapses_in_another_console(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, dana_token = live_server.create_user("tp-Dana Cole", teams=["support"])
    _, ben_token = live_server.create_user("tp-ben", teams=["support"])
    [mention_id] = live_server.ingest([mention_json("tp-1", "My parcel never arrived")])
    dana = team_console_factory(live_server.base_url, dana_token)
    ben = team_console_factory(live_server.base_url, ben_token)
    for console in (dana, ben):
        _has_row(console, mention_id)
    _open(ben, mention_id)
    model, pane = ben.ui.stream.model, ben.ui.stream.detail
    changed = ben.team.together_bridge.presenceChanged
    assert model.present(mention_id) == ()
    assert pane.presence_line.isHidden()

    # Dana opens it: Ben's row shows her initials, his detail pane says she is viewing.
    _open(dana, mention_id)
    ben.wait_until(changed, lambda: model.present(mention_id) == ("TC",))
    owner_cell = model.index_of(mention_id, Column.OWNER)
    assert owner_cell.data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip("tp-Dana Cole is viewing")
    assert pane.presence_line.text() == "tp-Dana Cole is viewing"
    assert not pane.presence_line.isHidden()
    # She types: said at once; her own console lists nobody else (Ben views too).
    dana.inside(dana.team.together.typed)
    ben.wait_until(changed, lambda: pane.presence_line.text() == "tp-Dana Cole is typing…")
    dana_pane = dana.ui.stream.detail
    dana.wait_until(
        dana.team.together_bridge.presenceChanged,
        lambda: dana_pane.presence_line.text() == "tp-ben is viewing",
    )
    assert dana.ui.stream.model.present(mention_id) == ("T",)

    # Dana's console stops without a word (a crash). Her state holds in Ben's console until
    # its expiry, then goes by itself: no ghost.
    dana.inside(dana.desk.reporter.stop)
    board = ben.desk.presence
    [state] = board.others_on(mention_id)
    assert state.state is PresenceState.TYPING
    board.clock = lambda: state.expires_at - timedelta(seconds=1)
    assert ben.inside(board.drop_lapsed) == []
    assert model.present(mention_id) == ("TC",)
    board.clock = lambda: state.expires_at
    assert ben.inside(board.drop_lapsed) == [mention_id]
    assert model.present(mention_id) == ()
    assert pane.presence_line.isHidden()


def test_a_note_naming_ana_lopez_notifies_exactly_her(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, lopez_token = live_server.create_user("Ana Lopez", teams=["support"])
    _, ana_token = live_server.create_user("Ana", teams=["support"])
    _, ben_token = live_server.create_user("tn-ben", teams=["support"])
    [mention_id] = live_server.ingest([mention_json("tn-1", "Charged twice for one order")])
    lopez = team_console_factory(live_server.base_url, lopez_token)
    ana = team_console_factory(live_server.base_url, ana_token)
    ben = team_console_factory(live_server.base_url, ben_token)
    for console in (lopez, ana, ben):
        _has_row(console, mention_id)
    _open(ben, mention_id)

    panel = ben.team.notes_panel
    assert panel.input.isEnabled()
    panel.input.setText("@ana lopez can you check the refund? It looks like billing's.")
    panel.add_button.click()
    ben.run(ben.quiet())
    assert panel.input.text() == ""

    lopez.wait_until(lopez.team.together_bridge.namedMe, lambda: bool(lopez.team.together.told))
    assert lopez.team.together.told == ["tn-ben mentioned you in a note"]
    assert lopez.window.notifier.alerts_shown[-1] == "tn-ben mentioned you in a note"
    tabs = lopez.ui.stream.filter_bar.tabs
    tab = lopez.ui.stream.filter_bar.modes.index(FilterMode.MENTIONS_OF_ME)
    assert tabs.tabText(tab) == "@me (1)"
    assert lopez.ui.stream.mentioned_me == frozenset({mention_id})
    # Ana heard of the note (every console does) but was not named: no notification.
    ana.wait_until(
        ana.team.together_bridge.noteAdded,
        lambda: bool(ana.desk.notes.notes_for(mention_id)),
    )
    assert ana.team.together.told == []
    assert ana.ui.stream.mentioned_me == frozenset()
    assert ben.team.together.told == []  # the author is not told of their own note
    ben.wait_until(ben.team.together_bridge.noteAdded, lambda: bool(panel.shown_notes()))
    assert panel.shown_notes() == [
        "tn-ben: @ana lopez can you check the refund? It looks like billing's."
    ]

    # The "Mentions of me" tab lists the mention; opening it reads the note.
    lopez.window.set_filter_mode(FilterMode.MENTIONS_OF_ME)
    lopez.window.model.flush()
    assert lopez.ui.stream.proxy.rowCount() == 1
    assert lopez.inside(lambda: lopez.window.select_mention(mention_id))
    assert tabs.tabText(tab) == "@me"
    lopez.run(lopez.ui.stream.detail_loaded())
    assert lopez.team.notes_panel.shown_notes() == panel.shown_notes()
