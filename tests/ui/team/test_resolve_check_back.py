"""Resolve from the keyboard (Ctrl+Shift+D, the Resolve action) checks back as the composer's
Resolve button does: ticked "Check back in N days" makes a follow-up in N days; unticked, none."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService
from app.client.stream.actions import ActionOutcome, ActionResult
from app.ui.shell.actions import Action
from app.ui.stream.filter import FilterMode
from tests.support.composer import FakeClock
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _follow_up_at(server: LiveServer, token: str, mention_id: int) -> datetime | None:
    url = f"{server.base_url}/api/v1/mentions/{mention_id}"
    body = httpx.get(url, headers=server.headers(token), timeout=10).json()
    value = body["follow_up_at"]
    return None if value is None else datetime.fromisoformat(value)


def test_the_keyboard_resolve_uses_the_composers_check_back_choice(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    _, token = live_server.create_user(f"rb-{uuid.uuid4().hex[:5]}", role="rep")
    ticked, unticked = live_server.ingest(
        [
            mention_json(f"rb-{i}-{uuid.uuid4().hex[:6]}", f"Any news on my refund {i}?")
            for i in (1, 2)
        ]
    )
    console = Console(
        qloop,
        live_server.base_url,
        token,
        tmp_path / "cache.sqlite3",
        composer=lambda session, store, worker: ComposerService(
            session,
            store,
            worker,
            device="rb-desk",
            clock=FakeClock(),
            policy=CoolOffPolicy(20, 60),
            save_delay=0.01,
        ),
    )
    panel, service = console.ui.composer, console.composer_service
    assert panel is not None
    assert service is not None
    try:
        window = console.window
        console.wait_until(
            console.bridge.rowsChanged,
            lambda: all(console.session.row(i) is not None for i in (ticked, unticked)),
        )
        for mention_id in (ticked, unticked):
            claimed = console.run(console.session.claim(mention_id))
            assert isinstance(claimed, ActionOutcome)
            assert claimed.result is ActionResult.DONE
        window.model.flush()
        window.set_filter_mode(FilterMode.ALL)
        bar = panel.send_bar

        def resolve_by_keys(mention_id: int) -> None:
            window.model.flush()
            assert window.select_mention(mention_id)
            window.action(Action.RESOLVE).trigger()
            outcome = console.run(console.ui.mention_actions.running[-1])
            assert isinstance(outcome, ActionOutcome)
            assert outcome.result is ActionResult.DONE, outcome.message

        bar.follow_up_box.setChecked(True)
        bar.follow_up_days.setValue(3)
        before = datetime.now(UTC)
        resolve_by_keys(ticked)
        due = _follow_up_at(live_server, token, ticked)
        assert due is not None, "the ticked check-back was ignored"
        assert before + timedelta(days=3) - timedelta(minutes=5) <= due
        assert due <= datetime.now(UTC) + timedelta(days=3, minutes=5)

        bar.follow_up_box.setChecked(False)
        resolve_by_keys(unticked)
        assert _follow_up_at(live_server, token, unticked) is None
    finally:
        console.settle(panel.aclose())
        console.settle(service.aclose())
        console.close()
