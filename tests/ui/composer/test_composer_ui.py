"""The composer panel in a running console (real server, offscreen Qt, qasync loop): prompts
follow real keystrokes, "take a breath" shows for heat, Send starts the countdown with edit /
cancel / send now, a colleague's reply is shown with the choices, canned replies go in with one
key, bad input gets a clear message with the draft kept. Each state is rendered to a PNG
(RESPONDER_SHOTS_DIR keeps them, default: the test's tmp dir)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.client.composer.cooling import ConflictChoice
from app.client.composer.display import initials
from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService
from app.client.composer.state import ComposerState
from app.ui.composer.panel import ComposerPanel
from app.ui.stream.filter import FilterMode
from tests.support.composer import COMPLAINT, FakeClock
from tests.support.live_server import LiveServer, mention_json
from tests.support.qt_loop import as_qt_event, qloop
from tests.ui.console import Console

__all__ = ["qloop"]

CALM = "I'm so sorry your order is late. I'm checking with the warehouse now."
HEATED = "AS I ALREADY SAID, you should have read the terms!!! Calm down."


class ComposerHarness:
    def __init__(
        self,
        console: Console,
        panel: ComposerPanel,
        service: ComposerService,
        clock: FakeClock,
        shots: Path,
    ) -> None:
        self.console = console
        self.panel = panel
        self.service = service
        self.clock = clock
        self.shots = shots

    def run(self, awaitable: Any, timeout: float = 15.0) -> Any:
        return self.console.run(awaitable, timeout)

    def next_signal(self, signal: SignalInstance) -> asyncio.Future[tuple[object, ...]]:
        future: asyncio.Future[tuple[object, ...]] = self.console.loop.create_future()

        def fire(*args: object) -> None:
            if not future.done():
                future.set_result(args)
            signal.disconnect(fire)

        signal.connect(fire)
        return future

    def open(self, mention_id: int) -> None:
        window = self.console.window
        window.model.flush()
        window.set_filter_mode(FilterMode.ALL)
        assert window.select_mention(mention_id)
        task = self.panel.presenter.opening
        assert task is not None
        self.run(task)
        assert self.panel.presenter.row is not None
        assert self.panel.presenter.row.id == mention_id

    def keys(self, press: Callable[[], None]) -> None:
        """Deliver keystrokes while the loop runs, as they arrive in the running console."""
        self.run(as_qt_event(press))

    def type(self, text: str) -> Any:
        """Real keystrokes into the editor; returns the tone report shown after the pause."""
        checked = self.next_signal(self.panel.checkCompleted)
        self.panel.editor.setFocus()
        self.keys(lambda: QTest.keyClicks(self.panel.editor, text))
        return self.run(checked)[0]

    def clear(self) -> None:
        self.panel.editor.selectAll()
        self.keys(lambda: QTest.keyClick(self.panel.editor, Qt.Key.Key_Delete))

    def shot(self, name: str, *, whole_window: bool = False) -> Path:
        self.keys(QApplication.processEvents)  # inside the loop, as the console paints
        path = self.shots / f"composer-{name}.png"
        widget = self.console.window if whole_window else self.panel
        assert widget.grab().save(str(path))
        assert path.stat().st_size > 2000
        return path


def state_of(panel: ComposerPanel) -> ComposerState:
    return panel.presenter.state  # read afresh: the panel changes it while the loop runs


@pytest.fixture
def harness(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> Iterator[ComposerHarness]:
    name = f"dana-kim-{uuid.uuid4().hex[:5]}"
    _, token = live_server.create_user(name, role="rep")
    clock = FakeClock()
    console = Console(
        qloop,
        live_server.base_url,
        token,
        tmp_path / "cache.sqlite3",
        composer=lambda session, store, worker: ComposerService(
            session,
            store,
            worker,
            device="test-desk",
            clock=clock,
            policy=CoolOffPolicy(20, 60),
            save_delay=0.01,
        ),
    )
    service, panel = console.composer_service, console.ui.composer
    assert service is not None
    assert panel is not None
    console.window.resize(1280, 860)
    shots = Path(os.environ.get("RESPONDER_SHOTS_DIR", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield ComposerHarness(console, panel, service, clock, shots)
    finally:
        console.settle(panel.aclose())
        console.settle(service.aclose())
        console.close()


def _claimed_mention(server: LiveServer, harness: ComposerHarness, text: str = COMPLAINT) -> int:
    mention_id = server.ingest([mention_json(f"ui-{uuid.uuid4().hex[:8]}", text)])[0]
    session = harness.console.session
    harness.console.wait_until(
        harness.console.bridge.rowsChanged, lambda: session.row(mention_id) is not None
    )
    outcome = harness.run(session.claim(mention_id))
    assert outcome.result.value == "done", outcome.message
    return mention_id


def test_prompts_breath_countdown_and_leaving(
    harness: ComposerHarness, live_server: LiveServer
) -> None:
    mention_id = _claimed_mention(live_server, harness)
    harness.open(mention_id)
    panel = harness.panel
    assert state_of(panel) is ComposerState.WRITING
    assert panel.editor.isEnabled()
    harness.shot("0-empty")

    report = harness.type("Thanks for reaching out.")
    codes = {f.code.value for f in report.findings}
    assert {"no_apology", "no_action"} <= codes  # the three A's for a complaint
    assert panel.prompts.isVisible()
    assert len(panel.prompts.rows) == len(report.findings)
    assert "/ 500 (Mastodon)" in panel.counter.text()
    harness.shot("1-prompts")
    harness.shot("1-window", whole_window=True)

    # dismiss one prompt with a reason: it stays dismissed while typing on
    first = panel.prompts.rows[0].finding
    panel.prompts.dismiss_row(panel.prompts.rows[0], "I'll do it in the DM")
    assert panel.presenter.dismissals.items[0].reason == "I'll do it in the DM"
    assert all(r.finding.code != first.code for r in panel.prompts.rows)
    harness.type(" Really.")
    assert all(r.finding.code != first.code for r in panel.prompts.rows)

    # a missing next step: "Use suggestion" adds one
    [action] = [r for r in panel.prompts.rows if r.finding.code.value == "no_action"]
    checked = harness.next_signal(panel.checkCompleted)
    harness.keys(action.use_button.click)
    harness.run(checked)
    assert "looking into this" in panel.editor.toPlainText()
    assert all(r.finding.code.value != "no_action" for r in panel.prompts.rows)

    # heat: the take-a-breath state suggests, it does not block
    harness.clear()
    heated = harness.type(HEATED)
    assert heated.take_a_breath
    assert panel.breath.isVisible()
    assert panel.editor.isEnabled()
    assert panel.send_bar.send_button.isEnabled()
    harness.shot("2-take-a-breath")
    harness.shot("2-window", whole_window=True)

    harness.run(panel.presenter.send())
    assert state_of(panel) is ComposerState.COUNTING
    assert panel.countdown.isVisible()
    assert "Sending in 60 s" in panel.countdown.label.text()  # heated: the long cool-off
    assert not panel.countdown.send_now_button.isEnabled()
    harness.shot("3-counting-heated")
    harness.run(panel.presenter.send_now())
    assert "heated or blaming" in panel.message.text()

    # calm it down, update the waiting reply, then send now
    harness.clear()
    harness.type(CALM)
    assert not panel.breath.isVisible()
    harness.run(panel.presenter.update_reply())
    assert panel.countdown.send_now_button.isEnabled()
    harness.shot("4-counting-calm")
    harness.clock.advance(5)
    harness.run(panel.presenter.send_now())
    # The team's cool-off (20 s from the reply's arrival at the server) still holds it, and
    # the countdown says so in a sentence.
    assert state_of(panel) is ComposerState.COUNTING
    assert "Sending in 15 s" in panel.countdown.label.text()
    assert "not sooner" in panel.countdown.label.text()
    harness.shot("5-send-now-held-by-the-team")
    harness.clock.advance(15)
    left = harness.next_signal(harness.panel.bridge.replyLeft)

    async def see_it_leave() -> None:
        panel.presenter.service.cool_off.wake()  # the test moved the clock: look again
        await left

    harness.run(see_it_leave())
    assert state_of(panel) is ComposerState.POSTING
    assert "the team server is posting it to Mastodon" in panel.message.text()
    detail = httpx.get(
        f"{live_server.base_url}/api/v1/mentions/{mention_id}",
        headers=live_server.headers(harness.console.session.api.token),
        timeout=10,
    ).json()
    assert [r["body"] for r in detail["replies"]] == [CALM]


def test_cancel_keeps_the_text_and_bad_input_is_explained(
    harness: ComposerHarness, live_server: LiveServer
) -> None:
    mention_id = _claimed_mention(live_server, harness)
    harness.open(mention_id)
    panel = harness.panel
    harness.type("   ")
    harness.run(panel.presenter.send())
    assert "empty" in panel.message.text()
    assert state_of(panel) is ComposerState.WRITING
    harness.clear()
    harness.type("Sorry about this. " * 30)
    assert "/ 500" in panel.counter.text()
    harness.run(panel.presenter.send())
    assert "Shorten it by" in panel.message.text()
    assert panel.editor.toPlainText().startswith("Sorry about this.")
    harness.shot("5-over-limit")
    harness.clear()
    harness.type(CALM)
    harness.run(panel.presenter.send())
    assert state_of(panel) is ComposerState.COUNTING
    harness.clock.advance(19.9)
    harness.run(panel.presenter.cancel_reply())
    assert state_of(panel) is ComposerState.WRITING
    assert panel.editor.toPlainText() == CALM
    harness.clock.advance(5)
    harness.run(harness.service.cool_off.tick())
    assert harness.service.cool_off.replies == []


def test_signature_and_canned_with_one_key(
    harness: ComposerHarness, live_server: LiveServer
) -> None:
    _, manager_token = live_server.create_user(f"mgr-{uuid.uuid4().hex[:5]}", role="manager")
    for title, body, kind in (
        ("Apology", "I'm really sorry about this.", "canned"),
        ("Shipping credit", "I've added a shipping credit to your account.", "playbook"),
    ):
        created = httpx.post(
            f"{live_server.base_url}/api/v1/canned",
            json={"title": title, "body": body, "kind": kind},
            headers=live_server.headers(manager_token),
            timeout=10,
        )
        assert created.status_code == 201
    harness.run(harness.service.refresh())
    mention_id = _claimed_mention(live_server, harness)
    harness.open(mention_id)
    panel = harness.panel
    panel.editor.setFocus()
    mine = [c.body for c in harness.service.canned]
    harness.keys(
        lambda: QTest.keyClick(panel.editor, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    )
    assert panel.editor.toPlainText() == mine[0]
    harness.keys(lambda: panel.sign_box.setChecked(True))
    assert panel.presenter.full_text().endswith(" ^DK")
    harness.shot("6-canned-signed")
    # resolve with the default check-back in 3 days
    assert panel.send_bar.follow_up_days.value() == 3
    harness.run(panel.presenter.resolve(panel.send_bar.follow_up()))
    assert "check back in 3 days" in panel.message.text()
    token = harness.console.session.api.token
    resolved = httpx.get(
        f"{live_server.base_url}/api/v1/mentions/{mention_id}",
        headers=live_server.headers(token),
        timeout=10,
    ).json()
    assert resolved["status"] == "resolved"
    assert resolved["follow_up_at"] is not None


def test_initials() -> None:
    assert initials("Dana Kim") == "DK"
    assert initials("dana") == "D"
    assert initials("dana-kim-3f2a") == "DK"
    assert initials("") == ""


def test_colleague_replied_shows_their_reply_and_the_choices(
    harness: ComposerHarness, live_server: LiveServer
) -> None:
    mention_id = _claimed_mention(live_server, harness)
    harness.open(mention_id)
    panel = harness.panel
    harness.type(CALM)
    _, manager_token = live_server.create_user(f"mia-{uuid.uuid4().hex[:5]}", role="manager")
    version = httpx.get(
        f"{live_server.base_url}/api/v1/mentions/{mention_id}",
        headers=live_server.headers(manager_token),
        timeout=10,
    ).json()["version"]
    posted = httpx.post(
        f"{live_server.base_url}/api/v1/mentions/{mention_id}/replies",
        json={
            "client_id": str(uuid.uuid4()),
            "body": "Mia here: refunded!",
            "base_version": version,
        },
        headers=live_server.headers(manager_token),
        timeout=10,
    )
    assert posted.status_code == 202
    harness.run(panel.presenter.send())
    harness.clock.advance(20)
    harness.run(harness.service.cool_off.tick())
    assert state_of(panel) is ComposerState.CONFLICT
    assert panel.conflict.isVisible()
    assert "Mia here: refunded!" in panel.conflict.colleague_text.text()
    harness.shot("7-conflict")
    harness.run(panel.presenter.choose(ConflictChoice.DISCARD))
    assert state_of(panel) is ComposerState.WRITING
    assert panel.editor.toPlainText() == ""
