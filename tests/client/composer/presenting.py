"""A rep's console session with the composer core and its presenter, online against the
composer's real server (tests/support/composer.py), and `Screen`: what the presenter asked
the panel to show, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from app.client.composer.policy import CoolOffPolicy
from app.client.composer.presenter import ComposerPresenter
from app.client.composer.service import ComposerService
from app.client.composer.state import ComposerState
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from tests.client.waiting import until_true
from tests.support.composer import FakeClock, Rep


@dataclass
class Screen:
    """What the presenter asked the panel to show, in order."""

    texts: list[str] = field(default_factory=list)
    messages: list[tuple[str, bool]] = field(default_factory=list)
    states: list[ComposerState] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    questions: list[str | None] = field(default_factory=list)

    def watch(self, presenter: ComposerPresenter) -> None:
        presenter.text_replaced.connect(self.texts.append)
        presenter.message_changed.connect(lambda m: self.messages.append((m.text, m.error)))
        presenter.state_changed.connect(self.states.append)
        presenter.account_changed.connect(self.accounts.append)
        presenter.draft_conflict_changed.connect(self.questions.append)

    @property
    def message(self) -> tuple[str, bool]:
        return self.messages[-1]


@asynccontextmanager
async def composer(rep: Rep, cache: Path, clock: FakeClock) -> AsyncIterator[ComposerPresenter]:
    """A rep's console session, online, with the composer core and its presenter."""
    store = LocalStore(cache)
    worker = BlockingWorker("presenter-test")
    session = ConsoleSession(
        ResponderApi(rep.server.base_url, rep.token, timeout=5),
        store,
        worker,
        backoff=Backoff(0.05, 0.3),
    )
    await session.open()
    service = ComposerService(
        session, store, worker, device="desk", clock=clock, policy=CoolOffPolicy(20, 60)
    )
    await service.start()
    presenter = ComposerPresenter(service)
    runner = asyncio.create_task(session.run())
    try:
        await until_true(
            session.connection_changed, lambda: session.state is ConnectionState.ONLINE
        )
        presenter.viewer_changed(session.viewer)
        yield presenter
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await presenter.aclose()
        await service.aclose()
        await session.aclose()
        worker.shutdown()
        store.close()


async def open_mention(presenter: ComposerPresenter, mention_id: int) -> None:
    session = presenter.service.session
    await until_true(session.rows_changed, lambda: session.row(mention_id) is not None)
    task = presenter.show_mention(session.row(mention_id))
    assert task is not None
    await task
