"""Can Qt open a window here? Asked before the QApplication exists: without a display, or with
Qt's X11 (xcb) or Wayland platform missing a shared library, Qt aborts the process with a core
dump; the console says instead in one sentence what is wrong and how to run it.

Standard library only, so that `scripts/setup` can ask it which Debian packages the platforms
need (`python3 app/desktop/display.py` prints them): one list for both."""

from __future__ import annotations

import ctypes
import os
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# The shared libraries Qt's platform plugins cannot load without (ldd on PySide6's
# plugins/platforms/libqxcb.so, libqwayland.so, lib/libQt6XcbQpa.so.6 and
# lib/libQt6WaylandClient.so.6; xcb-cursor Qt ≥ 6.5 requires by name) -> the Debian/Ubuntu
# package that brings each.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
}
WAYLAND_LIBRARIES: dict[str, str] = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
}
# What Qt's OpenGL integration plugins load (xcbglintegrations, wayland-graphics-integration-
# client): a window opens without them, so setup installs them but the check does not ask.
OPENGL_LIBRARIES: dict[str, str] = {
    "libxcb-glx.so.0": "libxcb-glx0",
    "libwayland-egl.so.1": "libwayland-egl1",
}
WINDOW_PLATFORMS = ("xcb", "wayland")
PLATFORM_NAMES = {"xcb": "X11", "wayland": "Wayland"}
WITHOUT_A_DISPLAY = (
    "or render the console without one: QT_QPA_PLATFORM=offscreen responder --screenshot shot.png"
)


@dataclass(frozen=True, slots=True)
class DisplayCheck:
    """`problem` is the sentence to print ("" when a window can open); `platform` is the Qt
    platform to ask for when Qt's own default would not work ("" to leave Qt's choice)."""

    problem: str = ""
    platform: str = ""


def library_loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_packages(
    libraries: Mapping[str, str], loads: Callable[[str], bool] = library_loads
) -> list[str]:
    """The packages whose library does not load, in the table's order, each once."""
    missing: list[str] = []
    for soname, package in libraries.items():
        if package not in missing and not loads(soname):
            missing.append(package)
    return missing


def x11_reachable(display: str) -> bool:
    """True when an X server accepts a connection on `display` (libxcb's own connect)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return connection is not None and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection is not None:
            xcb.xcb_disconnect(connection)


def wayland_reachable(env: Mapping[str, str]) -> bool:
    name = env.get("WAYLAND_DISPLAY", "")
    path = name if os.path.isabs(name) else os.path.join(env.get("XDG_RUNTIME_DIR", ""), name)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2.0)
        try:
            sock.connect(path)
        except OSError:
            return False
    return True


def requested_platforms(env: Mapping[str, str]) -> list[str]:
    """The platform names in QT_QPA_PLATFORM ("wayland;xcb", "xcb:option=…"), in order."""
    value = env.get("QT_QPA_PLATFORM", "")
    return [part.split(":", 1)[0].strip() for part in value.split(";") if part.strip()]


def _platform_problem(
    platform: str,
    env: Mapping[str, str],
    loads: Callable[[str], bool],
    reachable: Callable[[str, Mapping[str, str]], bool],
) -> tuple[str, list[str]]:
    """Why `platform` cannot open a window ("" when it can) and the packages it lacks."""
    display_variable = "DISPLAY" if platform == "xcb" else "WAYLAND_DISPLAY"
    display = env.get(display_variable, "")
    if not display:
        return f"{display_variable} is not set", []
    missing = missing_packages(XCB_LIBRARIES if platform == "xcb" else WAYLAND_LIBRARIES, loads)
    if missing:
        return f"Qt's {PLATFORM_NAMES[platform]} platform lacks libraries", missing
    if not reachable(platform, env):
        return f"the display {display} does not answer", []
    return "", []


def _reachable(platform: str, env: Mapping[str, str]) -> bool:
    if platform == "xcb":
        return x11_reachable(env.get("DISPLAY", ""))
    return wayland_reachable(env)


def check_display(
    env: Mapping[str, str] | None = None,
    *,
    system: str = sys.platform,
    loads: Callable[[str], bool] = library_loads,
    reachable: Callable[[str, Mapping[str, str]], bool] = _reachable,
) -> DisplayCheck:
    """Whether Qt can open a window with the environment `env` (default: this process's)."""
    env = os.environ if env is None else env
    if not system.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return DisplayCheck()  # Windows and macOS always have their one platform
    requested = requested_platforms(env)
    if any(name.removesuffix("-egl") not in WINDOW_PLATFORMS for name in requested):
        return DisplayCheck()  # offscreen, minimal, vnc, eglfs…: no desktop needed
    candidates = [name.removesuffix("-egl") for name in requested] or ["xcb", "wayland"]
    reasons: list[str] = []
    packages: list[str] = []
    for platform in candidates:
        reason, missing = _platform_problem(platform, env, loads, reachable)
        if not reason:
            # Qt's default is X11 (or Wayland in a Wayland session); ask for Wayland by name
            # only when X11 would not work.
            chosen = "" if requested or platform == "xcb" else platform
            return DisplayCheck(platform=chosen)
        reasons.append(reason)
        packages += [package for package in missing if package not in packages]
    if packages:
        return DisplayCheck(
            "Responder Console cannot open a window because Qt's display libraries are "
            f"missing ({'; '.join(reasons)}): install them with "
            f"`sudo apt install {' '.join(packages)}` (scripts/setup does), {WITHOUT_A_DISPLAY}"
        )
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return DisplayCheck(
            "Responder Console needs a graphical desktop and found none (neither DISPLAY nor "
            f"WAYLAND_DISPLAY is set): start it from a desktop session, {WITHOUT_A_DISPLAY}"
        )
    return DisplayCheck(
        f"Responder Console cannot open a window ({'; '.join(reasons)}): start it from a "
        f"running desktop session, {WITHOUT_A_DISPLAY}"
    )


def all_packages() -> list[str]:
    """Every Debian package either window platform needs, OpenGL included (for scripts/setup)."""
    packages: list[str] = []
    for table in (XCB_LIBRARIES, WAYLAND_LIBRARIES, OPENGL_LIBRARIES):
        packages += [package for package in table.values() if package not in packages]
    return packages


if __name__ == "__main__":
    print(" ".join(all_packages()))
