"""Story: a storm on a manager's real desktop. Dana's console runs on Xvfb with a real tray
host; a burst of mentions about the app being down reaches the team server; her window shows
the purple storm banner, her tray icon gains the storm's purple diamond, and View ▸ Storms…
opens the storm view as a window of its own.

The screen is the oracle (pixels of the theme's storm colours, the window by its title); the
screenshots are kept for a look."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.ui.qt import theme
from app.ui.qt.theme import Role
from tests.client.team.storm_world import burst, storm_server
from tests.support.live_server import LiveServer
from tests.support.xconsole import Consoles
from tests.support.xdesktop import XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture
def storm_world(tmp_path: Path) -> Iterator[LiveServer]:
    with storm_server(tmp_path) as server:
        yield server


def test_a_storm_reaches_a_managers_window_and_tray(
    xdesk: XDesktop, storm_world: LiveServer, consoles: Consoles
) -> None:
    server = storm_world
    _, token = server.create_user("Dana", role="manager", teams=["Ops"])
    banner = theme.name(Role.STORM_BANNER)
    diamond = theme.name(Role.TRAY_STORM_BADGE)

    dana = consoles.launch("dana", server.base_url)
    window = dana.sign_in(token)
    dana.wait_for_request("GET", "/api/v1/storms", status=200)
    icon = poll(dana.tray_icon, 20, "the console's icon in the tray (trayer)")

    def tray_diamond() -> int:
        found = dana.tray_icon() or icon
        return xdesk.colour_count(found.x, found.y, found.width, found.height, diamond)

    assert dana.banner_pixels(window, banner) == 0
    assert tray_diamond() == 0
    xdesk.screenshot("calm")

    burst(server, "ds", names=("Ana Lima", "Ben <b>Bold</b>"))
    poll(
        lambda: dana.banner_pixels(window, banner) > 50,
        30,
        "the storm banner in Dana's window",
        on_timeout=dana.log,
    )
    poll(lambda: tray_diamond() > 3, 20, "the storm's diamond in the tray icon", interval=0.2)
    xdesk.screenshot("storm-banner-and-tray")

    xdesk.activate(window)
    xdesk.key("alt+v")
    xdesk.key("m")  # View ▸ Stor&ms…
    view = dana.window("^Storms$")
    _x, _y, width, height = xdesk.geometry(view)
    assert width >= 800
    assert height >= 600
    xdesk.screenshot("storm-view")
