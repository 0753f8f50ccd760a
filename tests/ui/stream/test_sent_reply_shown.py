"""The rep sees what they sent, in a running console (offscreen Qt, qasync loop) against a real
team server and a real Mastodon-API server (mastodon-mock): the reply shows in the conversation
while it cools off (with the status bar's outbox line and the mention's marker saying so), then
as sent with the link to the post, and the history says it in a sentence; the sent text's
prompts clear; the labels go when the state goes. A reply the network refuses shows as failed
with the reason."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTreeWidget

from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService
from app.client.composer.state import ComposerState
from app.ui.composer.panel import ComposerPanel
from app.ui.stream.filter import FilterMode
from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.server.helpers import add_mastodon_account, events_from_now, is_account, is_mention
from tests.support.composer import FakeClock, team_rep
from tests.support.fixtures import mastodon, server
from tests.support.live_server import LiveServer
from tests.support.qt_loop import qloop
from tests.ui.console import Console

pytestmark = pytest.mark.slow

COOL_OFF = 5  # seconds

__all__ = ["mastodon", "qloop", "server"]

REPLY = "I'm so sorry your order is late. I've asked the warehouse to trace it now."
PROMPTED = "Thanks for reaching out."  # prompts: no apology, no next step


def _column(view: QTreeWidget, column: int) -> list[str]:
    return [view.topLevelItem(i).text(column) for i in range(view.topLevelItemCount())]


class Desk:
    def __init__(self, console: Console, clock: FakeClock) -> None:
        self.console = console
        self.clock = clock
        panel = console.ui.composer
        service = console.composer_service
        assert isinstance(panel, ComposerPanel)
        assert service is not None
        self.panel = panel
        self.service = service
        self.detail = console.window.detail

    def open(self, mention_id: int) -> None:
        window = self.console.window
        window.model.flush()
        window.set_filter_mode(FilterMode.ALL)
        assert window.select_mention(mention_id)
        task = self.panel.presenter.opening
        assert task is not None
        self.console.run(task)

    def send(self, text: str) -> None:
        async def type_and_send() -> None:  # inside the loop, as in the running console
            self.panel.editor.setPlainText(text)
            self.panel.run_check()
            await self.panel.presenter.send()

        self.console.run(type_and_send())
        assert self.panel.presenter.state is ComposerState.COUNTING

    def states(self) -> list[str]:
        return self.detail.reply_states()

    def wait_for_state(self, prefix: str) -> None:
        self.console.wait_until(
            self.detail.detailShown,
            lambda: any(s.startswith(prefix) for s in self.states()),
            timeout=30,
        )


@pytest.fixture
def desk(qloop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path) -> Iterator[Desk]:
    # The rep's team holds replies 5 s: the server (on its real clock) lets them go soon after
    # the console's countdown (on the test's clock) ends.
    token = team_rep(server, COOL_OFF, COOL_OFF, name=f"dana-{uuid.uuid4().hex[:5]}").token
    clock = FakeClock()
    console = Console(
        qloop,
        server.base_url,
        token,
        tmp_path / "cache.sqlite3",
        composer=lambda session, store, worker: ComposerService(
            session,
            store,
            worker,
            device="desk",
            clock=clock,
            policy=CoolOffPolicy(COOL_OFF, COOL_OFF),
            save_delay=0.01,
        ),
    )
    console.window.resize(1280, 860)
    desk = Desk(console, clock)
    try:
        yield desk
    finally:
        console.run(desk.panel.aclose())
        console.run(desk.service.aclose())
        console.close()


def _mention(server: LiveServer, mastodon: MastodonMock, text: str) -> int:
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        events.wait(is_account("acme", "ok"))
        post = mastodon.post("alice", text)
        mention = events.wait(is_mention(post["id"])).data["payload"]["mention"]
    return int(mention["id"])


def test_a_sent_reply_is_seen_cooling_then_sent_with_its_link(
    desk: Desk, server: LiveServer, mastodon: MastodonMock
) -> None:
    mention_id = _mention(server, mastodon, "@acme my order is three weeks late, terrible")
    console, detail = desk.console, desk.detail
    console.wait_until(
        console.bridge.rowsChanged, lambda: console.session.row(mention_id) is not None
    )
    claimed = console.run(console.session.claim(mention_id))
    assert claimed.result.value == "done"
    desk.open(mention_id)
    desk.send(PROMPTED)
    assert desk.panel.prompts.rows  # the sent text had prompts

    # cooling off: in the conversation, the status bar and the mention's marker, once each
    console.wait_until(
        console.bridge.outboxChanged,
        lambda: console.window.outbox_label.text() == "Outbox: 1 reply cooling off",
    )
    assert _column(detail.thread_view, 1)[-1].startswith("→ cooling off")
    assert _column(detail.thread_view, 1)[-1].endswith("\n" + PROMPTED)
    assert desk.states()[-1].startswith("cooling off")
    assert not any("No other posts" in t for t in _column(detail.thread_view, 0))
    assert "your reply is in its cool-off" in detail.meta.text()
    assert "offline" not in detail.meta.text()

    desk.clock.advance(COOL_OFF)
    desk.service.cool_off.wake()
    desk.wait_for_state("sent: ")
    [sent] = [s for s in desk.states() if s.startswith("sent: ")]
    url = sent.removeprefix("sent: ")
    assert url.startswith("http")
    assert detail.reply_link(sent) == url
    # no copy of it left "cooling off" and no stale labels
    assert not any(s.startswith("cooling off") for s in desk.states())
    console.wait_until(
        console.bridge.outboxChanged, lambda: console.window.outbox_label.text() == "Outbox: empty"
    )
    assert "cool-off" not in detail.meta.text()
    # the history says it in sentences, with the link
    history = _column(detail.history_view, 1)
    assert history[0] == "Arrived from Mastodon"
    assert any(
        line.startswith("Reply by dana-") and line.endswith(f" was posted: {url}")
        for line in history
    )
    # after sending, the editor is empty and the old prompts are gone
    console.wait_until(
        desk.panel.bridge.messageChanged, lambda: desk.panel.editor.toPlainText() == ""
    )
    assert desk.panel.prompts.rows == []


def test_a_refused_reply_shows_as_failed_with_the_reason(
    desk: Desk, server: LiveServer, mastodon: MastodonMock
) -> None:
    mention_id = _mention(server, mastodon, "@acme where is my parcel?")
    console = desk.console
    console.wait_until(
        console.bridge.rowsChanged, lambda: console.session.row(mention_id) is not None
    )
    assert console.run(console.session.claim(mention_id)).result.value == "done"
    desk.open(mention_id)
    mastodon.fault(
        match={"methods": ["POST"], "path": "/api/v1/statuses"},
        effect={"type": "status", "status": 422},
        count=5,
    )
    desk.send(REPLY)
    desk.clock.advance(COOL_OFF)
    desk.service.cool_off.wake()
    desk.wait_for_state("failed: ")
    assert not any(s.startswith(("sent", "cooling off")) for s in desk.states())
    history = _column(desk.detail.history_view, 1)
    assert any(" failed: " in line for line in history)
    # the server not answering a reload (offline) keeps what was shown, not a blank
    desk.detail.show_detail(None)
    assert _column(desk.detail.history_view, 1) == history
    assert any(s.startswith("failed: ") for s in desk.states())
