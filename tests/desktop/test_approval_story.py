"""Story — the right person, fast: a rep's reply promises a refund, which her team says needs a
manager's approval. Two real consoles on one desktop: Ana (rep) and Mia (manager, on duty).

Ana types the promise and presses Send (Ctrl+Enter): nothing leaves; the composer says a
manager must approve it and puts the cursor in the reason field; she types why and presses
Enter. Mia's console tells her at once (a notification) and lists the request first in her
tray's menu; from the tray's menu she approves it in one go (the request's submenu, Approve).
Ana's composer shows the approval and the reply counts down through the team's cool-off, then
goes out to the network. Then a second customer: Ana asks again, Mia denies it from the tray
(Deny…, a reason); Ana's composer shows the reason and nothing is sent.

Oracles: the team server's API (the approvals' states, who decided, the reasons; the replies
and their status), each console's request log (no reply POSTed before the approval; the one
after it carries it), and the network (mastodon-mock: one reply to the first customer, none to
the second)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.support.live_server import LiveServer
from tests.support.xconsole import Consoles, XConsole
from tests.support.xdesktop import TRAY_HEIGHT, XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(240)]

FIRST_POST = "@acme my parcel got lost AGAIN, third time. I want my money back."
SECOND_POST = "@acme the replacement arrived broken, I expect a full refund."
PROMISE = "So sorry, Alice. We will refund your order in full today."
REASON = "Third lost parcel in a row"
DENIAL = "Offer a replacement first"
COOL_OFF = 5  # seconds: the team's cool-off, short for the story
ANA_WINDOW = (10, TRAY_HEIGHT + 10, 1000, 1000)
MIA_WINDOW = (1030, TRAY_HEIGHT + 10, 880, 1000)


def approvals(server: LiveServer) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = server.get("/api/v1/approvals")["data"]
    return data


def replies_posted(console: XConsole, mention_id: int) -> list[str]:
    path = f"/api/v1/mentions/{mention_id}/replies"
    return [
        f"{r.method} {r.status}"
        for r in console.requests()
        if r.method == "POST" and r.path.split("?")[0] == path
    ]


def show_the_composer(desk: XDesktop, wid: int) -> None:
    """Scroll the mention's column to its end, where the composer's approval line, countdown
    and Send row are (for the screenshots: keys reach the widgets either way)."""
    x, y, width, height = desk.geometry(wid)
    desk.xdotool(
        "mousemove", str(x + width - 120), str(y + height // 2),
        "click", "--repeat", "15", "--delay", "10", "5",
    )  # fmt: skip


def open_tray_menu(desk: XDesktop, console: XConsole) -> None:
    icon = poll(console.tray_icon, 20, f"{console.name}'s icon in the tray")
    shown = console.visible_windows()
    desk.click(*icon.centre, button=3)
    console.wait_for_more_windows(shown)


def ask(desk: XDesktop, ana: XConsole, wid: int, mention_id: int, server: LiveServer) -> int:
    """Ana writes the promise, presses Send (refused: the reason field takes the keys), types
    the reason and Enter; returns the request's id once the server has it."""
    before = {a["id"] for a in approvals(server)}
    ana.write_reply(wid, mention_id, PROMISE)
    mark = ana.log_mark()
    desk.key("ctrl+Return")
    # Send refused: the composer says why and puts the cursor in the reason field.
    ana.wait_for_log(rf"reply to mention {mention_id} waits for a manager's approval", after=mark)
    desk.type_text(REASON)
    desk.key("Return")
    request = poll(
        lambda: next((a for a in approvals(server) if a["id"] not in before), None),
        20,
        "Ana's request to reach the server",
    )
    assert request["mention_id"] == mention_id
    assert request["body"] == PROMISE
    assert request["reason"] == REASON
    assert request["state"] == "pending"
    return int(request["id"])


def test_a_rep_asks_a_manager_approves_from_the_tray_and_the_reply_goes_out(
    xdesk: XDesktop, server: LiveServer, mastodon: MastodonMock, consoles: Consoles
) -> None:
    server.add_brand_account("acme", base_url=mastodon.base_url, secret=BRAND_TOKEN, verify=True)
    first_post = mastodon.post("alice", FIRST_POST)
    second_post = mastodon.post("alice", SECOND_POST)
    first = int(poll(lambda: server.mention_from(str(first_post["id"])), 30, "ingest")["id"])
    second = int(poll(lambda: server.mention_from(str(second_post["id"])), 30, "ingest")["id"])
    mia_id, mia_token = server.create_user("Mia", role="manager", teams=["support"])
    _ana_id, ana_token = server.create_user("Ana", role="rep", teams=["support"])
    [team] = [t for t in server.get("/api/v1/teams")["data"] if t["name"] == "support"]
    httpx.put(
        f"{server.base_url}/api/v1/teams/{team['id']}/cool-off",
        json={"seconds": COOL_OFF, "heated_seconds": COOL_OFF, "approval_required": True},
        headers=server.headers(),
        timeout=10,
    ).raise_for_status()
    httpx.put(
        f"{server.base_url}/api/v1/users/{mia_id}/duty",
        json={"duty": "on_duty"},
        headers=server.headers(mia_token),
        timeout=10,
    ).raise_for_status()
    server.claim(first, ana_token)

    mia = consoles.launch("mia", server.base_url)
    mia_wid = mia.sign_in(mia_token)
    xdesk.place(mia_wid, *MIA_WINDOW)
    mia.wait_for_request("GET", "/api/v1/approvals", status=200)
    ana = consoles.launch("ana", server.base_url)
    wid = ana.sign_in(ana_token)
    xdesk.place(wid, *ANA_WINDOW)
    ana.select_first_row(wid, "ctrl+2", first)  # Mine: her two mentions, the first first

    request_id = ask(xdesk, ana, wid, first, server)
    assert replies_posted(ana, first) == []  # Send did not send it
    show_the_composer(xdesk, wid)
    xdesk.screenshot("rep-asked-a-manager-waiting-manager-notified")

    open_tray_menu(xdesk, mia)
    xdesk.screenshot("manager-tray-menu-request-first")
    xdesk.key("Down", "Right")  # the request's submenu: Approve, Deny…, Edit and approve…
    xdesk.screenshot("manager-tray-request-submenu")
    xdesk.key("Return")
    approved = poll(
        lambda: next(
            (a for a in approvals(server) if a["id"] == request_id and a["state"] != "pending"),
            None,
        ),
        20,
        "Mia's approval to reach the server",
    )
    assert approved["state"] == "approved"
    assert approved["decided_by"]["name"] == "Mia"

    # Ana's composer sends it through the cool-off, carrying the approval.
    poll(lambda: replies_posted(ana, first) == ["POST 202"], 20, "the approved reply to leave")
    show_the_composer(xdesk, wid)
    xdesk.screenshot("rep-composer-approved-reply-counting-down")

    def sent() -> list[dict[str, Any]] | None:
        replies: list[dict[str, Any]] = server.get(f"/api/v1/mentions/{first}")["replies"]
        return replies if any(r["status"] == "sent" for r in replies) else None

    replies = poll(sent, COOL_OFF + 30, "the approved reply to be posted", interval=0.2)
    assert [(r["body"], r["status"]) for r in replies] == [(PROMISE, "sent")]
    descendants = mastodon.context(first_post["id"])["descendants"]
    assert len(descendants) == 1, descendants
    assert "refund your order in full" in descendants[0]["content"]
    history = [h["summary"] for h in server.get(f"/api/v1/mentions/{first}")["history"]]
    assert f"Ana asked a manager to approve a reply: {REASON}" in history
    assert "Mia approved Ana's reply" in history
    xdesk.screenshot("approved-reply-posted")

    # The second customer (Ana lets the first go, takes the second): asked again, denied
    # from the tray with a reason.
    version = server.get(f"/api/v1/mentions/{first}")["version"]
    httpx.post(
        f"{server.base_url}/api/v1/mentions/{first}/release",
        json={"version": version},
        headers=server.headers(ana_token),
        timeout=10,
    ).raise_for_status()
    server.claim(second, ana_token)
    ana.select_first_row(wid, "ctrl+2", second)
    denied_id = ask(xdesk, ana, wid, second, server)
    open_tray_menu(xdesk, mia)
    xdesk.key("Down", "Right", "Down")  # Deny…
    shown = mia.visible_windows()
    xdesk.key("Return")
    mia.wait_for_more_windows(shown)  # the Deny dialog
    xdesk.type_text(DENIAL)
    xdesk.screenshot("manager-deny-dialog-with-reason")
    xdesk.key("Tab", "Return")
    denied = poll(
        lambda: next(
            (a for a in approvals(server) if a["id"] == denied_id and a["state"] != "pending"),
            None,
        ),
        20,
        "Mia's denial to reach the server",
    )
    assert (denied["state"], denied["decision_reason"]) == ("denied", DENIAL)
    show_the_composer(xdesk, wid)
    xdesk.screenshot("rep-composer-shows-the-denial")
    assert replies_posted(ana, second) == []
    assert mastodon.context(second_post["id"])["descendants"] == []
