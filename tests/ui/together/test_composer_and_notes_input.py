"""The composer and the notes input of a whole console (composer included) against a real
server, offscreen, with real keystrokes: typing a reply on a mention a colleague owns reports
"typing" and shows a quiet word in the composer before any cool-off starts; `@` in the notes
input completes from the team's people, and Enter adds the note."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.client.waiting import until_true
from tests.support.live_server import LiveServer, mention_json
from tests.ui.shell.full_console import FullConsole

pytestmark = pytest.mark.slow


@pytest.fixture
def ben(
    qloop: asyncio.AbstractEventLoop,
    live_server: LiveServer,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[FullConsole]:
    name = "cw-ben" if "typing" in request.node.name else "cn-ben"
    _, token = live_server.create_user(name, teams=["support"])
    made = FullConsole(qloop, live_server.base_url, token, tmp_path / "cache.sqlite3")
    try:
        yield made
    finally:
        made.close()


def test_typing_on_a_colleagues_mention_warns_quietly_and_is_reported(
    live_server: LiveServer, ben: FullConsole
) -> None:
    _, dana_token = live_server.create_user("cw-Dana", teams=["support"])
    [mention_id] = live_server.ingest([mention_json("cw-1", "Where is my parcel?")])
    live_server.claim(mention_id, dana_token)
    ben.start()
    assert ben.ui.team is not None
    team = ben.ui.team
    ben.open(mention_id)
    word = ben.panel.colleagues
    assert word.isHidden()  # only once he types

    answers: list[str] = []
    team.desk.reporter.sent.connect(lambda p: answers.append(p.state.value))
    ben.type("Hello! I am looking into it")
    assert team.desk.reporter.state is not None
    assert team.desk.reporter.state.value == "typing"
    assert word.text() == (
        "cw-Dana owns this mention: your reply would answer for them. A note may be better."
    )
    assert not word.isHidden()
    assert ben.panel.presenter.countdown() is None  # before any cool-off

    ben.run(until_true(team.desk.reporter.sent, lambda: "typing" in answers))
    listed = live_server.get("/api/v1/presence", dana_token)["data"]
    assert ("cw-ben", "typing") in [(p["user"]["name"], p["state"]) for p in listed]


def test_at_completes_from_the_team_and_enter_adds_the_note(
    live_server: LiveServer, ben: FullConsole
) -> None:
    live_server.create_user("cn-Dana Cole", teams=["support"])
    live_server.create_user("cn-Dan", teams=["billing"])
    [mention_id] = live_server.ingest([mention_json("cn-1", "Charged twice")])
    ben.start()
    assert ben.ui.team is not None
    team = ben.ui.team
    ben.wait_until(team.bridge.rosterChanged, lambda: len(team.notes_panel.people) >= 3)
    ben.open(mention_id)
    panel = team.notes_panel
    panel.input.setFocus()
    ben.inside(lambda: QTest.keyClicks(panel.input, "please look @cn-da"))
    assert panel.names.stringList() == ["cn-Dan", "cn-Dana Cole"]
    ben.inside(lambda: panel.insert_name("cn-Dana Cole"))
    assert panel.input.text() == "please look @cn-Dana Cole "
    ben.inside(lambda: QTest.keyClicks(panel.input, "thanks"))
    ben.inside(lambda: QTest.keyClick(panel.input, Qt.Key.Key_Return))
    ben.wait_until(team.together_bridge.noteAdded, lambda: bool(panel.shown_notes()))
    [shown] = panel.shown_notes()
    assert shown == "cn-ben: please look @cn-Dana Cole thanks"
    assert panel.input.text() == ""
    detail = live_server.get(f"/api/v1/mentions/{mention_id}")
    [note] = detail["notes"]
    assert note["body"] == "please look @cn-Dana Cole thanks"
    assert len(note["mentioned_user_ids"]) == 1
