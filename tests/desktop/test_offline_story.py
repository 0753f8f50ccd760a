"""Story: the offline round trip. The team server goes away while a rep works; her console
says it is offline, she still claims a mention and answers it (both wait in the console's
durable outbox); the server comes back, the console reconnects by itself, and the claim then
the reply reach the server — each exactly once — and the customer gets one reply.

A real Mastodon-API server (mastodon-mock) is the brand's network, a real team server process
ingests the customer's post, Ana's real console shows it. The server process is stopped
(SIGTERM) and started again on the same port and database (`LiveServer.stop`/`start`).
Oracles: the console's log (the event stream lost; its requests after the return, in order),
its local outbox (the claim and the reply queued while offline, gone after), the offline
banner's colour in a strip of her window (there, then gone), the team server's API (the
mention is Ana's, one reply, sent) and the network (one post in reply to the customer)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette

from app.ui.qt import theme
from tests.connectors.helpers import MastodonMock
from tests.desktop.stories import customer_mention
from tests.support.live_server import LiveServer
from tests.support.xconsole import Consoles, XConsole
from tests.support.xdesktop import TRAY_HEIGHT, XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(180)]

CUSTOMER_POST = "@acme hi! my parcel says delivered but nothing is here, can you check?"
REPLY = "Hi Alice, sorry about that! I have asked the courier to check; I will write back today."
WINDOW = (40, TRAY_HEIGHT + 20, 1600, 1010)  # x, y, width, height of the console's window
# The offline banner's fill as a light window paints it (the Xvfb desktop's default palette).
OFFLINE_FILL = theme.name(theme.Role.OFFLINE_BANNER, QPalette(QColor("#F0F0F0")))


def queued(console: XConsole, mention_id: int) -> list[str] | None:
    """The kinds of the mention's queued actions, once both the claim and the reply wait."""
    kinds = [i.kind for i in console.outbox() if i.mention_id == mention_id]
    return kinds if {"claim", "reply"} <= set(kinds) else None


def posts(console: XConsole, path: str, after: int = 0) -> list[int]:
    """Indexes (in the console's request log) of its POSTs to `path` that the server took."""
    return [
        i
        for i, r in enumerate(console.requests())
        if i >= after and r.method == "POST" and r.path.split("?")[0] == path and r.status < 300
    ]


def test_offline_claim_and_reply_go_out_once_when_the_server_returns(
    xdesk: XDesktop,
    server: LiveServer,
    mastodon: MastodonMock,
    consoles: Consoles,
) -> None:
    post, mention_id = customer_mention(server, mastodon, CUSTOMER_POST)
    ana_id, ana_token = server.create_user("Ana", role="rep")

    ana = consoles.launch("ana", server.base_url)
    wid = ana.sign_in(ana_token)
    xdesk.place(wid, *WINDOW)
    before = len(ana.requests())
    ana.select_first_row(wid, "ctrl+5", mention_id)  # All: it stays listed once claimed
    ana.wait_for_request("GET", rf"/api/v1/mentions/{mention_id}/draft", after=before)
    assert ana.banner_pixels(wid, OFFLINE_FILL) == 0
    xdesk.screenshot("online-the-customers-mention-selected")

    # The team server goes away: the console notices by itself and says so.
    mark = ana.log_mark()
    server.stop()
    ana.wait_for_log(r"event stream lost", after=mark, timeout=30)
    poll(
        lambda: ana.banner_pixels(wid, OFFLINE_FILL) >= 50,
        15,
        "the offline banner in Ana's window",
        interval=0.1,
    )
    xdesk.screenshot("server-gone-console-says-offline")

    # Offline, she claims the mention (Ctrl+Shift+M) and answers it; both wait in the outbox.
    xdesk.activate(wid)
    xdesk.key("ctrl+shift+m")
    poll(
        lambda: [i for i in ana.outbox() if i.kind == "claim" and i.mention_id == mention_id],
        15,
        "the claim to wait in the console's outbox",
        on_timeout=lambda: f"outbox: {ana.outbox()}",
    )
    ana.write_reply(wid, mention_id, REPLY)
    xdesk.key("ctrl+Return")
    kinds = poll(
        lambda: queued(ana, mention_id),
        15,
        "the reply to wait in the outbox behind the claim",
        on_timeout=lambda: f"outbox: {ana.outbox()}",
    )
    assert kinds == ["claim", "reply"], kinds
    xdesk.screenshot("offline-claim-and-reply-queued")
    assert not server.running

    # The server comes back on the same port and database; nobody touches the console.
    returned_at = len(ana.requests())
    server.start()
    ana.wait_for_request("GET", "/api/v1/events", status=200, after=returned_at, timeout=60)
    poll(
        lambda: ana.banner_pixels(wid, OFFLINE_FILL) == 0,
        15,
        "the offline banner to leave Ana's window",
        interval=0.1,
    )
    xdesk.screenshot("server-back-console-reconnected-by-itself")

    claim_path = f"/api/v1/mentions/{mention_id}/claim"
    replies_path = f"/api/v1/mentions/{mention_id}/replies"
    ana.wait_for_request("POST", claim_path, status=200, after=returned_at)

    def sent() -> list[dict[str, Any]] | None:
        replies: list[dict[str, Any]] = server.get(f"/api/v1/mentions/{mention_id}")["replies"]
        return replies if any(r["status"] == "sent" for r in replies) else None

    replies = poll(sent, 60, "the queued reply to be sent", interval=0.2)
    poll(lambda: not ana.outbox(), 15, "the console's outbox to empty")
    xdesk.screenshot("claim-then-reply-went-out-once")

    # Exactly once each, the claim first; the server and the network agree.
    claims, replies_posted = posts(ana, claim_path), posts(ana, replies_path)
    assert len(claims) == 1, ana.requests()
    assert len(replies_posted) == 1, ana.requests()
    assert claims[0] < replies_posted[0], ana.requests()
    detail = server.get(f"/api/v1/mentions/{mention_id}")
    assert detail["assignee_id"] == ana_id
    assert [(r["body"], r["status"], r["author"]["id"]) for r in replies] == [
        (REPLY, "sent", ana_id)
    ]
    descendants = mastodon.context(post["id"])["descendants"]
    assert len(descendants) == 1, descendants
    assert "asked the courier" in descendants[0]["content"]
