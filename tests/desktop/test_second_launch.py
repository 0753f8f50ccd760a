"""Story: the rep's console is minimised; she starts Responder Console again from the menu. No
second console opens: the running one comes to the front, focused, and the second launch ends
with status 0 — in a real X server with a window manager."""

from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer
from tests.support.xconsole import Consoles, XConsole
from tests.support.xdesktop import XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(120)]


def test_a_second_launch_brings_the_running_console_to_the_front(
    xdesk: XDesktop, server: LiveServer, consoles: Consoles
) -> None:
    _ana_id, ana_token = server.create_user("Ana", role="rep")
    ana = consoles.launch("ana", server.base_url)
    window = ana.sign_in(ana_token)
    ana.wait_for_request("GET", "/api/v1/events", status=200)
    xdesk.activate(window)
    xdesk.xdotool("windowminimize", str(window))
    poll(lambda: xdesk.active_window() != window, 10, "the console to be minimised")
    xdesk.screenshot("console-minimised")

    again = XConsole.launch(xdesk, "ana-again", server.base_url, ana.home)
    assert again.process.wait(timeout=60) == 0, again.log()
    assert "its window was brought to the front" in again.log()
    poll(
        lambda: xdesk.active_window() == window,
        10,
        "the running console's window to come to the front",
        on_timeout=lambda: f"active: {xdesk.active_window()}\n{ana.log()[-2000:]}",
    )
    xdesk.screenshot("second-launch-raised-the-first")
    assert ana.process.poll() is None
    assert xdesk.window_ids("Responder Console", pid=again.pid) == []
