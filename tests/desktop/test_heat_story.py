"""Story 3 — heat: a rep answers in anger, the console makes her wait longer, she takes it
back and sends a calm reply instead; only the calm one ever reaches the customer.

A real Mastodon-API server (mastodon-mock) is the brand's network: a customer asks a calm
question, the team server ingests it, Ana owns it. In her real console she goes to the reply
editor (Ctrl+Shift+R) and types a heated reply — capitals, "!!!", blame. The tone prompts show
(screenshot). Send (Ctrl+Enter) hands it to the team server, which holds it for the team's
heated cool-off (the console keeps its countdown in its durable outbox); during the countdown
she edits it ("Update text": still heated, the wait stays), then cancels it (the countdown's
Cancel button: the server's copy is cancelled), rewrites the reply calmly and sends again: this
one waits only the normal cool-off, then goes out.

Oracles: the console's local outbox (each reply's due time minus its send time, against the
cool-off the server gives Ana, and the heated mark), the console's request log (one POST
…/replies per Send, the edit and the cancel asked of the server), the team server's API (the
heated reply cancelled, never sent; the calm one sent) and the network (one post in reply to
the customer, the calm one)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.connectors.helpers import MastodonMock
from tests.desktop.stories import customer_mention
from tests.support.live_server import LiveServer
from tests.support.xconsole import Consoles, OutboxItem, XConsole
from tests.support.xdesktop import TRAY_HEIGHT, XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(180)]

CUSTOMER_POST = "@acme hello, could you tell me when the spring catalogue comes out?"
HEATED = "THIS IS NOT OUR FAULT!!! You obviously did not read the manual, that is on you!!!"
CALM = "Thanks for asking, Alice! Sorry for the wait: the spring catalogue is out on 3 March."
HEATED_EDIT = " Sorry."  # what she adds during the countdown: still heated
WINDOW = (40, TRAY_HEIGHT + 20, 1600, 1010)  # x, y, width, height of the console's window


def draft_body(server: LiveServer, mention_id: int, token: str) -> str:
    response = httpx.get(
        f"{server.base_url}/api/v1/mentions/{mention_id}/draft",
        headers=server.headers(token),
        timeout=10,
    )
    return str(response.json().get("body", "")) if response.status_code == 200 else ""


def waiting_reply(
    console: XConsole, mention_id: int, body: str, *, held: bool = False
) -> OutboxItem | None:
    """The reply with `body` in the console's outbox; with `held`, once the team server holds
    it (its due time is then the server's, as the countdown shows it)."""
    return next(
        (
            item
            for item in console.outbox()
            if item.kind == "reply"
            and item.mention_id == mention_id
            and item.payload["body"] == body
            and (not held or item.payload.get("held"))
        ),
        None,
    )


def cool_off_of(item: OutboxItem) -> float:
    """How long the reply was set to wait at Send: its due time minus its send time."""
    return float(item.payload["due_at"]) - float(item.payload["queued_at"])


def show_the_composer(desk: XDesktop, wid: int) -> None:
    """Scroll the mention's column (the window's right-hand part) to its end, where the
    composer's prompts, countdown and Send row are: for the screenshots only (the keys reach
    the composer's widgets whether or not they are scrolled into view)."""
    x, y, width, height = desk.geometry(wid)
    desk.xdotool(
        "mousemove", str(x + width - 120), str(y + height // 2),
        "click", "--repeat", "15", "--delay", "10", "5",
    )  # fmt: skip


def cancel_the_countdown(desk: XDesktop, console: XConsole, mention_id: int) -> None:
    """Alt+L: the countdown's Cancel (its own letter in the window; it once shared Alt+C with
    the Console menu and Qt only moved the focus)."""
    desk.key("alt+l")
    poll(
        lambda: (
            not [i for i in console.outbox() if i.kind == "reply" and i.mention_id == mention_id]
        ),
        5,
        "the cancelled reply to leave the console's outbox after Alt+L",
        interval=0.1,
    )


def replies_posted(console: XConsole, mention_id: int, after: int = 0) -> list[str]:
    path = f"/api/v1/mentions/{mention_id}/replies"
    return [
        f"{r.method} {r.path} {r.status}"
        for r in console.requests()[after:]
        if r.method == "POST" and r.path.split("?")[0] == path
    ]


def test_a_heated_reply_waits_longer_and_a_cancelled_one_never_leaves(
    xdesk: XDesktop,
    server: LiveServer,
    mastodon: MastodonMock,
    consoles: Consoles,
) -> None:
    post, mention_id = customer_mention(server, mastodon, CUSTOMER_POST)
    ana_id, ana_token = server.create_user("Ana", role="rep")
    server.claim(mention_id, ana_token)
    cool_off = server.get("/api/v1/cool-off", ana_token)
    assert cool_off["heated_seconds"] > cool_off["seconds"], cool_off

    ana = consoles.launch("ana", server.base_url)
    wid = ana.sign_in(ana_token)
    xdesk.place(wid, *WINDOW)
    before = len(ana.requests())
    ana.select_first_row(wid, "ctrl+2", mention_id)  # Mine: her one mention
    ana.wait_for_request("GET", rf"/api/v1/mentions/{mention_id}/draft", after=before)

    # The heated reply, typed into the reply editor (Ctrl+Shift+R takes the focus there).
    ana.write_reply(wid, mention_id, HEATED)
    poll(
        lambda: draft_body(server, mention_id, ana_token) == HEATED,
        20,
        "the heated reply to reach the server as Ana's draft",
        on_timeout=lambda: f"draft now: {draft_body(server, mention_id, ana_token)!r}",
    )
    show_the_composer(xdesk, wid)
    xdesk.screenshot("heated-reply-typed-tone-prompts-show")

    sent_before = len(ana.requests())
    xdesk.key("ctrl+Return")
    heated = poll(
        lambda: waiting_reply(ana, mention_id, HEATED, held=True),
        15,
        "the heated reply to be held by the team server",
    )
    show_the_composer(xdesk, wid)
    xdesk.screenshot("heated-reply-sent-long-cool-off-counting")
    assert heated.payload["heated"] is True, heated
    assert cool_off_of(heated) == pytest.approx(cool_off["heated_seconds"], abs=1), heated

    # During the countdown she edits it (the countdown's "Update text", Alt+U): still heated,
    # so it keeps its long wait, counted from the first Send.
    xdesk.key("ctrl+shift+r", "ctrl+End")
    xdesk.type_text(HEATED_EDIT)
    xdesk.key("alt+u")
    edited = poll(
        lambda: waiting_reply(ana, mention_id, HEATED + HEATED_EDIT, held=True),
        15,
        "the edited reply to replace the waiting one in the outbox",
        on_timeout=lambda: f"outbox: {ana.outbox()}",
    )
    assert edited.payload["due_at"] == heated.payload["due_at"], edited
    assert edited.payload["heated"] is True, edited
    show_the_composer(xdesk, wid)
    xdesk.screenshot("edited-reply-still-counting-the-long-cool-off")

    # Then she takes it back: the countdown's Cancel button, by its Alt+letter.
    cancel_the_countdown(xdesk, ana, mention_id)
    cancelled_at = time.time()
    assert cancelled_at < float(heated.payload["due_at"]), "cancelled only after it was due"
    xdesk.screenshot("heated-reply-cancelled-nothing-sent")
    assert len(replies_posted(ana, mention_id, after=sent_before)) == 1  # held by the server
    [taken_back] = server.get(f"/api/v1/mentions/{mention_id}")["replies"]
    assert (taken_back["body"], taken_back["status"]) == (HEATED + HEATED_EDIT, "cancelled")
    asked = [f"{r.method} {r.path}" for r in ana.requests()[sent_before:]]
    assert f"PUT /api/v1/replies/{taken_back['id']}" in asked, asked
    assert f"POST /api/v1/replies/{taken_back['id']}/cancel" in asked, asked
    assert mastodon.context(post["id"])["descendants"] == []

    # She rewrites it calmly (the cancelled text stayed in the editor) and sends again.
    ana.write_reply(wid, mention_id, CALM)
    poll(
        lambda: draft_body(server, mention_id, ana_token) == CALM,
        20,
        "the calm reply to reach the server as Ana's draft",
        on_timeout=lambda: f"draft now: {draft_body(server, mention_id, ana_token)!r}",
    )
    show_the_composer(xdesk, wid)
    xdesk.screenshot("calm-reply-typed-no-heat-prompts")
    xdesk.key("ctrl+Return")
    calm = poll(
        lambda: waiting_reply(ana, mention_id, CALM),
        15,
        "the calm reply to wait in the console's outbox",
    )
    sent_at = float(calm.payload["queued_at"])
    show_the_composer(xdesk, wid)
    xdesk.screenshot("calm-reply-sent-normal-cool-off-counting")
    assert calm.payload["heated"] is False, calm
    assert cool_off_of(calm) == pytest.approx(cool_off["seconds"], abs=1), calm
    assert cool_off_of(heated) > cool_off_of(calm)

    def sent() -> list[dict[str, Any]] | None:
        replies: list[dict[str, Any]] = server.get(f"/api/v1/mentions/{mention_id}")["replies"]
        return replies if any(r["status"] == "sent" for r in replies) else None

    held = [r for r in server.get(f"/api/v1/mentions/{mention_id}")["replies"] if r["body"] == CALM]
    assert [r["status"] for r in held] == ["queued"], held  # the server holds it, not sent

    replies = poll(sent, cool_off["seconds"] + 30, "the calm reply to be sent", interval=0.2)
    left_after = time.time() - sent_at
    assert left_after >= cool_off["seconds"] - 1.5, f"left {left_after:.1f} s after Send"
    poll(lambda: not ana.outbox(), 15, "the console's outbox to let the reply go")
    xdesk.screenshot("calm-reply-sent-once")

    assert [(r["body"], r["status"], r["author"]["id"]) for r in replies] == [
        (HEATED + HEATED_EDIT, "cancelled", ana_id),
        (CALM, "sent", ana_id),
    ]
    assert len(replies_posted(ana, mention_id)) == 2, replies_posted(ana, mention_id)
    descendants = mastodon.context(post["id"])["descendants"]
    assert len(descendants) == 1, descendants
    assert "spring catalogue is out" in descendants[0]["content"]
    assert "FAULT" not in descendants[0]["content"]
