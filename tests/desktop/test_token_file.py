"""Story: no keyring on this computer, so the rep keeps her token in a file encrypted with a
passphrase. The next launch asks for the passphrase (a wrong one is refused and asked again)
and signs her in — it must not lock her out (a known bug once made the file unreadable on the
next launch). The server's API and the console's own requests are the oracles: after the
unlock the console asks `GET /api/v1/me` with the stored token and gets 200."""

from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer, mention_json
from tests.support.xconsole import UNLOCK_TITLE, Consoles
from tests.support.xdesktop import XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(120)]

PASSPHRASE = "correct horse battery"


def test_encrypted_token_file_signs_in_on_the_next_launch(
    xdesk: XDesktop, server: LiveServer, consoles: Consoles
) -> None:
    _ana_id, ana_token = server.create_user("Ana", role="rep")
    server.ingest([mention_json("hello-1", "Hello, is the shop open on Sunday?")])

    ana = consoles.launch("ana", server.base_url)
    ana.choose_encrypted_file(PASSPHRASE)
    ana.type_token(ana_token)
    window = ana.main_window()
    ana.wait_for_request("GET", "/api/v1/me", status=200)
    ana.wait_for_request("GET", "/api/v1/events", status=200)
    xdesk.screenshot("first-launch-signed-in-token-kept-encrypted")
    [token_file] = list(ana.home.rglob("tokens.enc.json"))
    assert ana_token not in token_file.read_text(), "the token is stored in clear"
    assert (token_file.stat().st_mode & 0o077) == 0, oct(token_file.stat().st_mode)

    # Quit properly (Console ▸ Quit, Ctrl+Q) and start again.
    xdesk.activate(window)
    xdesk.key("ctrl+q")
    assert ana.process.wait(timeout=30) == 0, ana.problem()
    ana = consoles.relaunch(ana)

    first = ana.window(UNLOCK_TITLE)
    xdesk.screenshot("next-launch-asks-for-the-passphrase")
    ana.unlock("not the passphrase")
    again = poll(
        lambda: next((w for w in xdesk.window_ids(UNLOCK_TITLE, pid=ana.pid) if w != first), None),
        20,
        "the passphrase dialog to ask again after a wrong passphrase",
        on_timeout=ana.problem,
    )
    xdesk.screenshot("wrong-passphrase-asked-again")
    before = len(ana.requests())
    ana.unlock(PASSPHRASE)
    xdesk.wait_for_no_window(UNLOCK_TITLE, pid=ana.pid, timeout=30)
    assert again
    ana.wait_for_request("GET", "/api/v1/me", status=200, after=before)
    ana.wait_for_request("GET", "/api/v1/events", status=200, after=before)
    xdesk.screenshot("unlocked-signed-in-again")
    assert not [r for r in ana.requests() if r.status == 401], "the stored token was refused"
