"""A restarted console selects the mention whose reply is counting down: a running console
(offscreen Qt, qasync loop, real server) sends a reply and quits mid-countdown; the next start
on the same cache, as the desktop does (app/desktop/console.py: `select_resumed_reply` once the
cached stream is loaded), shows that mention with its countdown, Edit, Cancel and Send now."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService
from app.client.composer.state import ComposerState
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.ui.composer.panel import ComposerPanel
from app.ui.shell.resume import select_resumed_reply
from app.ui.stream.filter import FilterMode
from tests.support.composer import COMPLAINT, FakeClock
from tests.support.live_server import LiveServer, mention_json
from tests.support.qt_loop import qloop
from tests.ui.console import Console

__all__ = ["qloop"]

CALM = "I'm so sorry your order is late. I'm checking with the warehouse now."


def _console(
    loop: asyncio.AbstractEventLoop, server: LiveServer, token: str, cache: Path, clock: FakeClock
) -> Console:
    def composer(session: object, store: LocalStore, worker: BlockingWorker) -> ComposerService:
        return ComposerService(
            session,  # type: ignore[arg-type]
            store,
            worker,
            device="desk",
            clock=clock,
            policy=CoolOffPolicy(20, 60),
            save_delay=0.01,
        )

    return Console(loop, server.base_url, token, cache, composer=composer)


def _close(console: Console) -> None:
    panel, service = console.ui.composer, console.composer_service
    assert panel is not None
    assert service is not None
    console.settle(panel.aclose())
    console.settle(service.aclose())
    console.close()


def test_a_restart_selects_the_mention_whose_reply_counts_down(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    _, token = live_server.create_user(f"rep-{uuid.uuid4().hex[:5]}", role="rep")
    clock = FakeClock()
    cache = tmp_path / "cache.sqlite3"
    ids = live_server.ingest(
        [mention_json(f"restart-{uuid.uuid4().hex[:8]}-{n}", COMPLAINT) for n in range(3)]
    )
    answered = ids[1]

    first = _console(qloop, live_server, token, cache, clock)
    try:
        session = first.session
        first.wait_until(first.bridge.rowsChanged, lambda: session.row(answered) is not None)
        assert first.run(session.claim(answered)).result.value == "done"
        window = first.window
        window.model.flush()
        window.set_filter_mode(FilterMode.ALL)
        assert window.select_mention(answered)
        panel = first.ui.composer
        assert isinstance(panel, ComposerPanel)
        assert panel.presenter.opening is not None
        first.run(panel.presenter.opening)

        async def type_and_send() -> None:
            panel.editor.setPlainText(CALM)
            await panel.presenter.send()

        first.run(type_and_send())
        assert panel.presenter.state is ComposerState.COUNTING
        assert window.select_mention(ids[2])  # the rep looks elsewhere, then quits
    finally:
        _close(first)

    clock.advance(5)
    second = _console(qloop, live_server, token, cache, clock)
    try:
        window = second.window
        service = second.composer_service
        assert service is not None
        assert service.resumed_mention() == answered
        assert select_resumed_reply(window, service) == answered
        assert window.detail.mention_id == answered
        panel = second.ui.composer
        assert isinstance(panel, ComposerPanel)
        assert panel.presenter.opening is not None
        second.run(panel.presenter.opening)
        assert panel.presenter.state is ComposerState.COUNTING
        assert panel.countdown.isVisibleTo(panel)
        assert panel.countdown.label.text().startswith("Sending in 15 s")
    finally:
        _close(second)
