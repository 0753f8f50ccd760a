"""Story: a manager lives in the tray. Her console puts a coverage icon in the desktop's tray
(a real tray host, trayer); switching her duty from the window's Duty menu changes her duty on
the server and turns the icon from the red "nobody on duty" to covered; the tray icon's own
menu switches it again.

The server's API (`GET /api/v1/me` with her token) is the oracle for duty; the tray icon's
colour, sampled from the screen, for what the tray shows."""

from __future__ import annotations

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json
from tests.support.xconsole import Consoles, XConsole
from tests.support.xdesktop import TrayIcon, XDesktop, poll

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(150)]


def duty_of(server: LiveServer, token: str) -> str:
    response = httpx.get(f"{server.base_url}/api/v1/me", headers=server.headers(token), timeout=10)
    response.raise_for_status()
    return str(response.json()["duty"])


def wait_for_duty(server: LiveServer, token: str, duty: str) -> None:
    poll(
        lambda: duty_of(server, token) == duty,
        20,
        f"the server to record duty {duty!r}",
        on_timeout=lambda: f"duty now: {duty_of(server, token)!r}",
    )


def icon_colour(desk: XDesktop, icon: TrayIcon) -> str:
    """The tray badge's colour: "red" (nobody on duty: a red cross), "amber" (thin: an amber
    triangle) or "green" (covered: a green tick) — whichever most of its vivid pixels are."""
    counts = {"red": 0, "amber": 0, "green": 0}
    for r, g, b in desk.pixels(icon.x, icon.y, icon.width, icon.height):
        if max(r, g, b) - min(r, g, b) < 80:
            continue  # grey background, white or black symbol
        if r > 150 and g < 90:
            counts["red"] += 1
        elif r > 180 and g > 120 and b < 120:
            counts["amber"] += 1
        elif g > r + 30 and g > b + 30:
            counts["green"] += 1
    colour, count = max(counts.items(), key=lambda item: item[1])
    return colour if count >= 20 else f"unclear {counts}"


def wait_for_icon_colour(desk: XDesktop, console: XConsole, *colours: str) -> str:
    def look() -> str | None:
        icon = console.tray_icon()
        if icon is None:
            return None
        colour = icon_colour(desk, icon)
        return colour if colour in colours else None

    return poll(
        look,
        20,
        f"the tray icon to turn {' or '.join(colours)}",
        interval=0.2,
        on_timeout=lambda: f"icon now: {console.tray_icon()}",
    )


def test_manager_switches_duty_from_the_duty_menu_and_the_tray(
    xdesk: XDesktop, server: LiveServer, consoles: Consoles
) -> None:
    _dana_id, dana_token = server.create_user("Dana", role="manager")
    server.create_user("Ana", role="rep")
    server.ingest([mention_json(f"q-{i}", f"Question {i} about my invoice") for i in range(3)])
    assert duty_of(server, dana_token) == "off_duty"

    dana = consoles.launch("dana", server.base_url)
    window = dana.sign_in(dana_token)
    # The team side has loaded once the console has asked for the coverage and the roster.
    dana.wait_for_request("GET", "/api/v1/coverage", status=200)
    dana.wait_for_request("GET", "/api/v1/roster", status=200)

    # The tray host embeds the console's icon: red, nobody is on duty.
    icon = poll(dana.tray_icon, 20, "the console's icon in the tray (trayer)")
    assert icon.width >= 16, icon
    assert icon.height >= 16, icon
    assert wait_for_icon_colour(xdesk, dana, "red") == "red"
    xdesk.screenshot("tray-icon-red-nobody-on-duty")

    # Duty ▸ On duty, by keyboard: Alt+D opens the menu on its first item, "On duty".
    xdesk.activate(window)
    shown = dana.visible_windows()
    xdesk.key("alt+d")
    dana.wait_for_more_windows(shown)  # the menu is a window of its own
    xdesk.screenshot("duty-menu-open")
    xdesk.key("Return")
    wait_for_duty(server, dana_token, "on_duty")
    colour = wait_for_icon_colour(xdesk, dana, "green", "amber")
    xdesk.screenshot(f"on-duty-from-the-duty-menu-tray-icon-{colour}")

    # The tray icon's own menu (right click): Show the console, On duty, Away, … — Away.
    icon = poll(dana.tray_icon, 10, "the tray icon")
    shown = dana.visible_windows()
    xdesk.click(*icon.centre, button=3)
    dana.wait_for_more_windows(shown)
    xdesk.screenshot("tray-menu-open")
    xdesk.key("Down", "Down", "Down", "Return")
    wait_for_duty(server, dana_token, "away")
    colour = wait_for_icon_colour(xdesk, dana, "red", "amber")
    xdesk.screenshot(f"away-from-the-tray-menu-tray-icon-{colour}")
