"""Story: a rep sends a reply, the console is killed (kill -9) during the cool-off, the rep
starts it again: the countdown resumes where it was and the reply goes out exactly once, when
its cool-off ends — the team server holds it (it has it from Send on), so it neither waits for
the console nor leaves early.

A real Mastodon-API server (mastodon-mock) is the brand's network: a customer posts, the team
server ingests it, Ana owns it. In her real console she goes to the reply editor
(Ctrl+Shift+R), types, sends (Ctrl+Enter), and the reply waits its 20 s cool-off on the team
server, its countdown kept in the console's durable outbox. SIGKILL; relaunch with the same
HOME; sign in again ("this session only" asks again). Oracles: the team server's API (the
mention's replies and their due and sent times), the network (the post's replies on
mastodon-mock) and the console's local outbox file (the reply is durable before the kill)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.connectors.helpers import MastodonMock
from tests.desktop.stories import customer_mention
from tests.support.live_server import LiveServer
from tests.support.xconsole import Consoles, XConsole
from tests.support.xdesktop import TRAY_HEIGHT, XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(170)]

COOL_OFF_SECONDS = 20  # the default for a calm draft to a calm customer (README)
CUSTOMER_POST = "@acme hello, could you tell me when the spring catalogue comes out?"
REPLY = "Thanks for asking, Alice! Sorry for the wait: the spring catalogue is out on 3 March."
WINDOW = (40, TRAY_HEIGHT + 40, 1280, 800)  # x, y, width, height of the console's window


def api(server: LiveServer, path: str, token: str | None = None) -> Any:
    response = httpx.get(f"{server.base_url}{path}", headers=server.headers(token), timeout=10)
    response.raise_for_status()
    return response.json()


def open_mine(desk: XDesktop, console: XConsole, mention_id: int, *, fresh: bool) -> int:
    """Bring the console's window up, show Mine (Ctrl+2) and select its one mention."""
    wid = console.main_window()
    desk.place(wid, *WINDOW)
    before = len(console.requests())
    console.select_first_row(wid, "ctrl+2", mention_id)
    if fresh:  # the composer opens the mention's draft (404: none yet)
        console.wait_for_request("GET", rf"/api/v1/mentions/{mention_id}/draft", after=before)
    return wid


def test_kill_minus_nine_during_the_cool_off_resumes_and_sends_once(
    xdesk: XDesktop,
    server: LiveServer,
    mastodon: MastodonMock,
    consoles: Consoles,
) -> None:
    post, mention_id = customer_mention(server, mastodon, CUSTOMER_POST)
    ana_id, ana_token = server.create_user("Ana", role="rep")
    server.claim(mention_id, ana_token)

    ana = consoles.launch("ana", server.base_url)
    ana.sign_in(ana_token)
    wid = open_mine(xdesk, ana, mention_id, fresh=True)

    # Go to the reply editor (Ctrl+Shift+R) and type; the synced draft shows it reached it.
    ana.write_reply(wid, mention_id, REPLY)

    def draft_synced() -> bool:
        response = httpx.get(
            f"{server.base_url}/api/v1/mentions/{mention_id}/draft",
            headers=server.headers(ana_token),
            timeout=10,
        )
        return response.status_code == 200 and REPLY in response.json().get("body", "")

    poll(draft_synced, 20, "the typed reply to reach the server as Ana's draft")
    xdesk.screenshot("reply-typed-draft-synced")

    xdesk.key("ctrl+Return")
    poll(lambda: ana.outbox_holds(REPLY), 15, "the reply to wait in the console's outbox")
    sent_at = time.monotonic()
    [waiting] = [i for i in ana.outbox() if i.kind == "reply" and i.mention_id == mention_id]
    due_at = datetime.fromtimestamp(float(waiting.payload["due_at"]), UTC)
    xdesk.screenshot("sent-cool-off-counting")

    ana.kill9()
    killed_after = time.monotonic() - sent_at
    assert killed_after < COOL_OFF_SECONDS / 2, f"killed only {killed_after:.1f} s after Send"
    xdesk.screenshot("console-killed-mid-countdown")
    # The server holds it (from Send on), due when the console's countdown ends; not posted.
    [held] = api(server, f"/api/v1/mentions/{mention_id}")["replies"]
    assert held["status"] == "queued"
    server_due = datetime.fromisoformat(held["due_at"])
    assert abs((server_due - due_at).total_seconds()) < 2, (server_due, due_at)
    assert mastodon.context(post["id"])["descendants"] == []

    ana = consoles.relaunch(ana)
    ana.sign_in(ana_token)  # "this session only": the token is asked again
    open_mine(xdesk, ana, mention_id, fresh=False)
    xdesk.screenshot("restarted-countdown-resumed")
    # On a busy machine the relaunch can take longer than the cool-off, so the reply may have
    # left by now; it must never have left before it was due.
    for reply in api(server, f"/api/v1/mentions/{mention_id}")["replies"]:
        if reply["sent_at"] is not None:
            sent = datetime.fromisoformat(reply["sent_at"])
            assert sent >= server_due, f"the reply left at {sent}, before it was due ({server_due})"

    def replied() -> list[dict[str, Any]] | None:
        replies = api(server, f"/api/v1/mentions/{mention_id}")["replies"]
        return replies if any(r["status"] == "sent" for r in replies) else None

    replies = poll(replied, COOL_OFF_SECONDS + 30, "the reply to be sent", interval=0.2)
    left_after = time.monotonic() - sent_at
    # The countdown resumed: not skipped (it left no earlier than the cool-off), not restarted
    # from zero after the relaunch (it left well before a second full cool-off).
    assert left_after >= COOL_OFF_SECONDS - 1.5, f"left {left_after:.1f} s after Send"
    assert left_after < 2 * COOL_OFF_SECONDS + 10, f"left {left_after:.1f} s after Send"
    poll(lambda: not ana.outbox_holds(REPLY), 15, "the console's outbox to let the reply go")
    xdesk.screenshot("reply-sent-once")

    replies = api(server, f"/api/v1/mentions/{mention_id}")["replies"]
    assert [(r["body"], r["status"], r["author"]["id"]) for r in replies] == [
        (REPLY, "sent", ana_id)
    ]
    assert datetime.fromisoformat(replies[0]["sent_at"]) >= server_due
    descendants = mastodon.context(post["id"])["descendants"]
    assert len(descendants) == 1, descendants
    assert "spring catalogue" in descendants[0]["content"]
