"""A queued action a colleague's change stopped is asked about in the selected mention's pane:
the sentence says what changed ("dana-… claimed this mention while you were offline"), "Drop"
lets it go, "Do it anyway" (offered only when it can work) sends it on the mention as it is."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from app.client.connection.events import ConnectionState
from app.client.stream.actions import ActionOutcome, ActionResult, MentionAction
from app.client.stream.store import OutboxStatus
from app.ui.stream.filter import FilterMode
from tests.client.netcut import NetworkCut, network_between
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


@pytest.fixture
def link(live_server: LiveServer) -> Iterator[NetworkCut]:
    with network_between(live_server.base_url) as cut:
        yield cut


def _post(live_server: LiveServer, path: str, token: str, body: object) -> None:
    response = httpx.post(
        f"{live_server.base_url}/api/v1{path}",
        json=body,
        headers=live_server.headers(token),
        timeout=10,
    )
    assert response.is_success, response.text


def _act(console: Console, action: MentionAction, mention_id: int) -> ActionOutcome:
    outcome = console.run(console.ui.mention_actions.run(action, mention_id))
    assert isinstance(outcome, ActionOutcome)
    return outcome


def _offline(console: Console, link: NetworkCut) -> None:
    link.cut()
    console.wait_until(
        console.bridge.connectionChanged,
        lambda: console.session.state is ConnectionState.OFFLINE,
    )


def _reconnect_to_a_conflict(console: Console, link: NetworkCut, mention_id: int) -> None:
    link.connect()
    console.session.reconnect_now()
    console.wait_until(
        console.bridge.outboxChanged,
        lambda: any(
            e.mention_id == mention_id and e.status is OutboxStatus.CONFLICT
            for e in console.session.outbox_entries
        ),
    )


def _show(console: Console, mention_id: int) -> None:
    console.window.model.flush()
    console.window.set_filter_mode(FilterMode.ALL)
    assert console.window.select_mention(mention_id)


def test_the_rep_reads_what_changed_and_drops_the_action(
    live_server: LiveServer,
    link: NetworkCut,
    console_factory: Callable[[str, str], Console],
) -> None:
    tag = uuid.uuid4().hex[:6]
    _, ana_token = live_server.create_user(f"ana-{tag}")
    _, dana_token = live_server.create_user(f"dana-{tag}")
    _, mia_token = live_server.create_user(f"mia-{tag}", role="manager")
    [mention_id] = live_server.ingest([mention_json(f"ui-{tag}", "My parcel never came")])
    ana = console_factory(link.base_url, ana_token)
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(mention_id) is not None)
    assert _act(ana, MentionAction.CLAIM, mention_id).result is ActionResult.DONE
    _show(ana, mention_id)
    box = ana.window.detail.decision
    assert box.isHidden()

    _offline(ana, link)
    assert _act(ana, MentionAction.RESOLVE, mention_id).result is ActionResult.QUEUED
    _post(live_server, f"/mentions/{mention_id}/release", mia_token, {})
    live_server.claim(mention_id, dana_token)
    _reconnect_to_a_conflict(ana, link, mention_id)

    assert not box.isHidden()
    assert box.sentence.text() == (
        f"dana-{tag} claimed this mention while you were offline. Your resolve was not sent. "
        f"Only dana-{tag} or a manager can resolve it now."
    )
    assert box.do_anyway_button.isHidden(), "a rep cannot resolve Dana's mention"
    assert not box.drop_button.isHidden()

    box.drop_button.click()
    [task] = ana.ui.mention_actions.running
    ana.run(task)
    assert ana.session.outbox_entries == []
    assert box.isHidden()
    assert ana.window.statusBar().currentMessage() == "Dropped: your action will not be sent."
    assert live_server.get(f"/api/v1/mentions/{mention_id}")["status"] == "assigned"


def test_do_it_anyway_resolves_the_mention_as_it_is_now(
    live_server: LiveServer,
    link: NetworkCut,
    console_factory: Callable[[str, str], Console],
) -> None:
    tag = uuid.uuid4().hex[:6]
    _, ana_token = live_server.create_user(f"ana-{tag}")
    _, mia_token = live_server.create_user(f"mia-{tag}", role="manager")
    [mention_id] = live_server.ingest([mention_json(f"ui-{tag}", "Refund please")])
    ana = console_factory(link.base_url, ana_token)
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(mention_id) is not None)
    assert _act(ana, MentionAction.CLAIM, mention_id).result is ActionResult.DONE
    _show(ana, mention_id)

    _offline(ana, link)
    assert _act(ana, MentionAction.RESOLVE, mention_id).result is ActionResult.QUEUED
    _post(live_server, f"/mentions/{mention_id}/snooze", mia_token, {"minutes": 60})
    _reconnect_to_a_conflict(ana, link, mention_id)

    box = ana.window.detail.decision
    assert box.sentence.text() == (
        "This mention was snoozed while you were offline. Your resolve was not sent."
    )
    assert not box.do_anyway_button.isHidden()

    box.do_anyway_button.click()
    [task] = ana.ui.mention_actions.running
    ana.run(task)
    assert box.isHidden()
    assert live_server.get(f"/api/v1/mentions/{mention_id}")["status"] == "resolved"
    assert ana.window.statusBar().currentMessage() == (
        "Done: your action went through on the mention as it is now."
    )
