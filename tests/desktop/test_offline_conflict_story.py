"""Story: what a rep did offline meets what a colleague did meanwhile. Ana's laptop loses the
team server (her console reaches it through a TCP forwarder the story cuts) while she holds a
customer's mention; offline she snoozes it, then resolves it — both wait in her console's
outbox, each with the mention's version she saw. Meanwhile Dana, the manager, takes the
mention over. When Ana's network returns, her snooze is refused (a stale version: `409`), her
resolve is held behind it instead of landing on Dana's mention, and her window says what
changed and what waits, with "Drop" (and no "Do it anyway": only Dana or a manager could).

Oracles: Ana's request log (the snooze refused once, the resolve never sent), her outbox (the
snooze in conflict, the resolve pending behind it), the team server's API (the mention is
Dana's and still open) and screenshots of her window."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.connectors.helpers import MastodonMock
from tests.desktop.stories import customer_mention
from tests.support.live_server import LiveServer
from tests.support.tcp_proxy import TcpProxy
from tests.support.xconsole import Consoles, OutboxItem
from tests.support.xdesktop import TRAY_HEIGHT, XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(180)]

CUSTOMER_POST = "@acme my order #5512 arrived broken, what now?"
WINDOW = (40, TRAY_HEIGHT + 20, 1600, 1010)


@pytest.fixture
def ana_network(server: LiveServer) -> Iterator[TcpProxy]:
    """Ana's way to the team server: a forwarder the story can cut and restore."""
    port = int(server.base_url.rsplit(":", 1)[1])
    with TcpProxy("127.0.0.1", port) as proxy:
        yield proxy


def kinds(items: list[OutboxItem], mention_id: int) -> list[tuple[str, str]]:
    return [(i.kind, i.status) for i in items if i.mention_id == mention_id]


def test_a_colleagues_change_stops_the_offline_actions_until_the_rep_decides(
    xdesk: XDesktop,
    server: LiveServer,
    mastodon: MastodonMock,
    consoles: Consoles,
    ana_network: TcpProxy,
) -> None:
    _, mention_id = customer_mention(server, mastodon, CUSTOMER_POST)
    _, ana_token = server.create_user("Ana", role="rep")
    dana_id, dana_token = server.create_user("Dana", role="manager")

    ana = consoles.launch("ana", f"http://127.0.0.1:{ana_network.port}")
    wid = ana.sign_in(ana_token)
    xdesk.place(wid, *WINDOW)
    ana.select_first_row(wid, "ctrl+5", mention_id)
    before = len(ana.requests())
    xdesk.activate(wid)
    xdesk.key("ctrl+shift+m")  # claim, online
    ana.wait_for_request("POST", rf"/api/v1/mentions/{mention_id}/claim", status=200, after=before)
    xdesk.screenshot("ana-claimed-the-mention")

    # Ana's network goes; offline she snoozes the mention, then resolves it.
    mark = ana.log_mark()
    ana_network.stop()
    ana.wait_for_log(r"event stream lost", after=mark, timeout=30)
    offline_from = len(ana.requests())
    xdesk.activate(wid)
    xdesk.key("ctrl+shift+l")
    poll(lambda: kinds(ana.outbox(), mention_id), 15, "the snooze to wait in the outbox")
    xdesk.key("ctrl+shift+d")
    queued = poll(
        lambda: both if len(both := kinds(ana.outbox(), mention_id)) == 2 else None,
        15,
        "the resolve to wait behind the snooze",
        on_timeout=lambda: f"outbox: {ana.outbox()}",
    )
    assert [k for k, _ in queued] == ["snooze", "resolve"], queued
    xdesk.screenshot("offline-snooze-and-resolve-queued")

    # Meanwhile Dana, the manager, takes the mention over.
    taken = httpx.post(
        f"{server.base_url}/api/v1/mentions/{mention_id}/assign",
        json={"user_id": dana_id},
        headers={"Authorization": f"Bearer {dana_token}"},
        timeout=10,
    )
    assert taken.status_code == 200, taken.text

    # Ana's network returns: the snooze is refused, the resolve waits for her decision.
    ana_network.start()
    ana.wait_for_request(
        "POST", rf"/api/v1/mentions/{mention_id}/snooze", status=409, after=offline_from, timeout=60
    )
    stopped = poll(
        lambda: now if ("snooze", "conflict") in (now := kinds(ana.outbox(), mention_id)) else None,
        30,
        "the snooze to stop in conflict",
        on_timeout=lambda: f"outbox: {ana.outbox()}",
    )
    assert stopped == [("snooze", "conflict"), ("resolve", "pending")], stopped
    xdesk.screenshot("back-online-ana-is-asked-what-to-do")

    # Nothing of hers landed on Dana's mention.
    resolves = [
        r
        for r in ana.requests()[offline_from:]
        if r.method == "POST" and r.path.split("?")[0].endswith(f"/{mention_id}/resolve")
    ]
    assert resolves == [], resolves
    detail = server.get(f"/api/v1/mentions/{mention_id}")
    assert detail["assignee_id"] == dana_id
    assert detail["status"] == "assigned", detail["status"]
