"""Approvals in a manager's running console against a real server (offscreen): a rep's request
is told at once to an on-duty manager (a notification) and shows first in the tray with
Approve, Deny… and Edit and approve…; Approve in the tray approves it on the server and the
entry goes; a denial with a reason and an edited approval go through the same desk; an
off-duty manager lists the request without being interrupted; a rep's console shows no
entries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QMenu

from app.client.approvals.board import request_title
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.ui.team_harness import TeamTestConsole

pytestmark = pytest.mark.slow

Factory = Callable[[str, str], TeamTestConsole]
PROMISE = "So sorry about this. We will refund your order in full today."


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with start_live_server(tmp_path / "server") as live:
        live.add_brand_account("acme")
        yield live


def _visible(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]


def _api(server: LiveServer, method: str, path: str, token: str, body: Any = None) -> Any:
    response = httpx.request(
        method,
        f"{server.base_url}/api/v1{path}",
        json=body,
        headers=server.headers(token),
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def _ask(server: LiveServer, token: str, n: int, reason: str = "Third lost parcel") -> Any:
    [mention_id] = server.ingest([mention_json(f"ui-approval-{n}", "My parcel never came!")])
    server.claim(mention_id, token)
    body = {"mention_id": mention_id, "body": PROMISE, "reason": reason}
    return _api(server, "POST", "/approvals", token, body)


def test_a_request_is_told_listed_in_the_tray_and_approved_in_one_click(
    server: LiveServer, team_console_factory: Factory
) -> None:
    mia_id, mia_token = server.create_user("mia", role="manager")
    _dana_id, dana_token = server.create_user("dana", role="rep")
    _api(server, "PUT", f"/users/{mia_id}/duty", mia_token, {"duty": "on_duty"})
    mia = team_console_factory(server.base_url, mia_token)
    dana = team_console_factory(server.base_url, dana_token)
    desk, tray = mia.team.approvals, mia.window.notifier.menu
    assert "1 reply waiting for approval" not in _visible(tray)

    asked = _ask(server, dana_token, 1)
    mia.wait_until(mia.team_bridge.approvalsChanged, lambda: bool(desk.remote.waiting))
    title = request_title(desk.board.approvals[asked["id"]])
    assert title == "dana asks to promise a refund"
    assert desk.told == [title]  # the desktop notification
    entries = _visible(tray)
    assert entries[0] == "1 reply waiting for approval"
    assert entries[1].startswith("dana asks to promise a refund · ")
    remote = desk.remote
    assert [a.text() for a in remote.menus[asked["id"]].actions()] == [
        "&Approve",
        "&Deny…",
        "&Edit and approve…",
    ]
    # The rep's console lists nothing to answer.
    assert not dana.team.approvals.remote.waiting

    mia.inside(lambda: remote.action(asked["id"], "approve").trigger())
    mia.wait_until(mia.team_bridge.approvalsChanged, lambda: not desk.remote.waiting)
    stored = _api(server, "GET", f"/approvals/{asked['id']}", mia_token)
    assert stored["state"] == "approved"
    assert stored["decided_by"]["name"] == "mia"
    assert "1 reply waiting for approval" not in _visible(tray)
    dana.wait_until(dana.team_bridge.approvalAnswered, lambda: bool(dana.team.approvals.told))
    assert dana.team.approvals.told == ["mia approved your reply: it goes out after the cool-off."]

    denied = _ask(server, dana_token, 2)
    edited = _ask(server, dana_token, 3)
    mia.wait_until(mia.team_bridge.approvalsChanged, lambda: len(desk.remote.waiting) == 2)
    assert _visible(tray)[0] == "2 replies waiting for approval"
    mia.act(desk.deny(denied["id"], "Offer a replacement, not a refund."))
    mia.act(desk.approve(edited["id"], "We will send a replacement parcel today."))
    assert _api(server, "GET", f"/approvals/{denied['id']}", mia_token)["decision_reason"] == (
        "Offer a replacement, not a refund."
    )
    assert _api(server, "GET", f"/approvals/{edited['id']}", mia_token)["edited"] is True
    assert not desk.remote.waiting


def test_an_off_duty_manager_lists_a_request_without_a_notification(
    server: LiveServer, team_console_factory: Factory
) -> None:
    _lee_id, lee_token = server.create_user("lee", role="manager")
    _dana_id, dana_token = server.create_user("dana", role="rep")
    lee = team_console_factory(server.base_url, lee_token)
    desk = lee.team.approvals
    _ask(server, dana_token, 4)
    lee.wait_until(lee.team_bridge.approvalsChanged, lambda: bool(desk.remote.waiting))
    assert desk.told == []
    assert _visible(lee.window.notifier.menu)[0] == "1 reply waiting for approval"
