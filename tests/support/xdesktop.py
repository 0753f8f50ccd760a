"""A real X desktop for story tests: Xvfb, a window manager, a tray host and a session bus.

    from tests.support.xdesktop import start_xdesktop

    with start_xdesktop(shots_dir) as desk:            # Xvfb :N + openbox + trayer + dbus
        desk.env                                       # DISPLAY=:N, DBUS_SESSION_BUS_ADDRESS=…
        wid = desk.wait_for_window("Responder Console", pid=console_pid)
        desk.activate(wid)
        desk.key("ctrl+shift+m")                       # real (XTEST) key presses
        desk.type_text("hello")
        desk.click(120, 300)
        desk.screenshot("claimed")                     # <shots_dir>/NN-claimed.png, whole screen

Every start-up step waits for its readiness condition with a deadline, never a fixed sleep:
Xvfb writes its display number on `-displayfd` once it accepts clients (and `xdpyinfo` then
answers); openbox sets `_NET_SUPPORTING_WM_CHECK` on the root window; trayer owns the
`_NET_SYSTEM_TRAY_S0` selection (asked through Xlib's XGetSelectionOwner with ctypes, so no
extra Python package is needed). Teardown stops everything this module started, by process id.

`desktop_unavailable()` says why this machine cannot run such a desktop (a missing program),
or returns "" when it can."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

SCREEN_WIDTH = 2560
SCREEN_HEIGHT = 1080
TRAY_HEIGHT = 28

# program -> the Debian package that brings it (scripts/setup installs them)
REQUIRED_PROGRAMS = {
    "Xvfb": "xvfb",
    "openbox": "openbox",
    "trayer": "trayer",
    "xdotool": "xdotool",
    "import": "imagemagick",
    "xdpyinfo": "x11-utils",
    "xprop": "x11-utils",
    "xwininfo": "x11-utils",
    "dbus-daemon": "dbus-daemon",
}


def desktop_unavailable() -> str:
    """Why a real X desktop cannot run here ("" when it can)."""
    missing = [
        f"{prog} ({pkg})" for prog, pkg in REQUIRED_PROGRAMS.items() if not shutil.which(prog)
    ]
    if missing:
        return (
            "no real X desktop on this machine: missing "
            + ", ".join(missing)
            + " — scripts/setup installs them on Debian/Ubuntu"
        )
    if ctypes.util.find_library("X11") is None:
        return "no real X desktop on this machine: libX11 is missing (libx11-6)"
    return ""


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child between fork and exec: be killed when the test process dies, even when it
    never runs its teardown (pytest-timeout ends a stuck run with os._exit)."""
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def poll(
    condition: Callable[[], T | None],
    timeout: float,
    what: str,
    *,
    interval: float = 0.05,
    on_timeout: Callable[[], str] | None = None,
) -> T:
    """Call `condition` until it returns something truthy; raise TimeoutError after `timeout`.

    The interval is the pause between two looks at another process's state (there is nothing
    to await across processes), not a guess at how long something takes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = on_timeout() if on_timeout else ""
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}\n{extra}")
        time.sleep(interval)


class _Xlib:
    """Just enough of libX11 (through ctypes) to ask who owns a selection."""

    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            raise RuntimeError("libX11 not found")
        lib = ctypes.CDLL(name)
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XInternAtom.restype = ctypes.c_ulong
        lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.XGetSelectionOwner.restype = ctypes.c_ulong
        lib.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._lib = lib
        self._display = lib.XOpenDisplay(display.encode())
        if not self._display:
            raise RuntimeError(f"cannot open X display {display}")

    def selection_owner(self, selection: str) -> int:
        atom = self._lib.XInternAtom(self._display, selection.encode(), 0)
        return int(self._lib.XGetSelectionOwner(self._display, atom))

    def close(self) -> None:
        if self._display:
            self._lib.XCloseDisplay(self._display)
            self._display = None


# a line of `xwininfo -tree`: 0x800007 "Responder Console": ("main.py" "…")  22x26+0+0  +2537+1
_TREE_LINE = re.compile(
    r"^\s*(?P<wid>0x[0-9a-f]+) (?:\"(?P<name>[^\"]*)\"|\(has no name\)).*?"
    r"(?P<w>\d+)x(?P<h>\d+)[+-]-?\d+[+-]-?\d+\s+\+(?P<x>-?\d+)\+(?P<y>-?\d+)\s*$",
    re.M,
)


@dataclass(frozen=True)
class TrayIcon:
    wid: int
    name: str
    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


@dataclass
class XDesktop:
    """A running X desktop; every helper talks to its display."""

    display: str
    shots_dir: Path
    log_dir: Path
    env: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    shots: list[Path] = field(default_factory=list)
    _xlib: _Xlib | None = None

    # --- running X clients ---------------------------------------------------------------

    def run(
        self, args: Sequence[str], *, timeout: float = 15.0, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            list(args),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} exited {result.returncode}: {result.stderr.strip()}"
            )
        return result

    def xdotool(self, *args: str, check: bool = True) -> str:
        return self.run(["xdotool", *args], check=check).stdout

    # --- windows -------------------------------------------------------------------------

    def window_ids(self, title_substring: str, *, pid: int | None = None) -> list[int]:
        """Visible windows whose title contains `title_substring` (a regex for xdotool)."""
        args = ["search", "--onlyvisible"]
        if pid is not None:
            args += ["--all", "--pid", str(pid)]  # without --all, xdotool ORs the conditions
        args += ["--name", title_substring]
        out = self.xdotool(*args, check=False)
        return [int(line) for line in out.split() if line.strip().isdigit()]

    def window_id(self, title_substring: str, *, pid: int | None = None) -> int | None:
        ids = self.window_ids(title_substring, pid=pid)
        return ids[-1] if ids else None

    def wait_for_window(
        self,
        title_substring: str,
        *,
        pid: int | None = None,
        timeout: float = 30.0,
        alive: Callable[[], str] | None = None,
    ) -> int:
        """Wait until a visible window with that title exists; `alive` returns a reason to stop
        early (e.g. the console exited) or ""."""

        def look() -> int | None:
            if alive is not None and (problem := alive()):
                raise RuntimeError(f"while waiting for window {title_substring!r}: {problem}")
            return self.window_id(title_substring, pid=pid)

        return poll(
            look,
            timeout,
            f"a window titled {title_substring!r}",
            on_timeout=lambda: "windows now: " + "; ".join(self.window_titles()),
        )

    def wait_for_no_window(
        self, title_substring: str, *, pid: int | None = None, timeout: float = 15.0
    ) -> None:
        poll(
            lambda: not self.window_ids(title_substring, pid=pid),
            timeout,
            f"the window {title_substring!r} to close",
        )

    def window_title(self, wid: int) -> str:
        return self.xdotool("getwindowname", str(wid), check=False).strip()

    def window_titles(self) -> list[str]:
        out = self.xdotool("search", "--onlyvisible", "--name", ".", check=False)
        return [self.window_title(int(w)) for w in out.split() if w.isdigit()]

    def geometry(self, wid: int) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the window's client area on the screen."""
        out = self.run(["xwininfo", "-id", str(wid)]).stdout
        values = {}
        for key, pattern in (
            ("x", r"Absolute upper-left X:\s+(-?\d+)"),
            ("y", r"Absolute upper-left Y:\s+(-?\d+)"),
            ("w", r"Width:\s+(\d+)"),
            ("h", r"Height:\s+(\d+)"),
        ):
            match = re.search(pattern, out)
            if match is None:
                raise RuntimeError(f"xwininfo gave no {key} for {wid}:\n{out}")
            values[key] = int(match.group(1))
        return values["x"], values["y"], values["w"], values["h"]

    def activate(self, wid: int) -> None:
        """Raise and focus a window (through the window manager) and wait until it has focus."""
        if self.active_window() == wid:
            return
        # xdotool's own --sync can wait for ever when the window manager focuses a modal child.
        self.xdotool("windowactivate", str(wid), check=False)
        poll(
            lambda: self.active_window() == wid,
            10,
            f"window {wid} ({self.window_title(wid)!r}) to get the focus",
            on_timeout=lambda: f"active: {self.active_window()}",
        )

    def active_window(self) -> int | None:
        out = self.xdotool("getactivewindow", check=False).strip()
        return int(out) if out.isdigit() else None

    def place(self, wid: int, x: int, y: int, width: int, height: int) -> None:
        """Move and resize a window; waits until the window manager has done it."""
        self.xdotool("windowsize", "--sync", str(wid), str(width), str(height))
        self.xdotool("windowmove", "--sync", str(wid), str(x), str(y))

    # --- input (XTEST: real key and button events, to the focused window) ----------------

    def key(self, *keys: str) -> None:
        """Press key combinations in order, e.g. key("ctrl+shift+m") or key("Down", "Return")."""
        self.xdotool("key", "--clearmodifiers", "--delay", "30", *keys)

    def type_text(self, text: str, *, delay_ms: int = 12) -> None:
        self.xdotool("type", "--clearmodifiers", "--delay", str(delay_ms), "--", text)

    def click(self, x: int, y: int, *, button: int = 1) -> None:
        """Click at screen coordinates."""
        self.xdotool("mousemove", "--sync", str(x), str(y), "click", str(button))

    def click_in(self, wid: int, dx: int, dy: int, *, button: int = 1) -> None:
        """Click at a position relative to a window's client area."""
        x, y, _w, _h = self.geometry(wid)
        self.click(x + dx, y + dy, button=button)

    # --- pictures ------------------------------------------------------------------------

    def screenshot(self, name: str) -> Path:
        """Save the whole screen as <shots_dir>/NN-name.png (NN: the step number)."""
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")
        path = self.shots_dir / f"{len(self.shots) + 1:02d}-{safe}.png"
        self.run(["import", "-window", "root", str(path)], timeout=30)
        self.shots.append(path)
        return path

    # --- the tray ------------------------------------------------------------------------

    def tray_owner(self) -> int:
        """The window owning the system tray selection of screen 0 (0: no tray)."""
        if self._xlib is None:
            self._xlib = _Xlib(self.display)
        return self._xlib.selection_owner("_NET_SYSTEM_TRAY_S0")

    def tray_icons(self) -> list[TrayIcon]:
        """The icons embedded in the tray host, with their place on the screen."""
        trayer = self.processes.get("trayer")
        if trayer is None:
            return []
        panels = self.window_ids("^panel$", pid=trayer.pid)
        icons: list[TrayIcon] = []
        for panel in panels:
            tree = self.run(["xwininfo", "-tree", "-id", str(panel)], check=False).stdout
            for match in _TREE_LINE.finditer(tree):
                wid = int(match.group("wid"), 16)
                if wid == panel or match.group("name") is None:
                    continue
                icons.append(
                    TrayIcon(
                        wid,
                        match.group("name"),
                        int(match.group("x")),
                        int(match.group("y")),
                        int(match.group("w")),
                        int(match.group("h")),
                    )
                )
        return icons

    def pixels(self, x: int, y: int, width: int, height: int) -> list[tuple[int, int, int]]:
        """The colours (0-255 RGB) of a screen rectangle, row by row, e.g. a tray icon's."""
        out = self.run(
            [
                "import",
                "-window",
                "root",
                "-crop",
                f"{width}x{height}+{x}+{y}",
                "+repage",
                "-depth",
                "8",
                "txt:-",
            ],
            timeout=30,
        ).stdout
        return [
            (int(r), int(g), int(b))
            for r, g, b in re.findall(r"^\d+,\d+: \((\d+),(\d+),(\d+)", out, re.M)
        ]

    def colour_count(
        self, x: int, y: int, width: int, height: int, colour: str, *, tolerance: int = 12
    ) -> int:
        """How many pixels of a screen rectangle are within `tolerance` (per channel) of
        `colour` ("#RRGGBB"): e.g. whether a banner of that colour shows in a window's strip."""
        want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return sum(
            1
            for pixel in self.pixels(x, y, width, height)
            if all(abs(a - b) <= tolerance for a, b in zip(pixel, want, strict=True))
        )

    def close(self) -> None:
        if self._xlib is not None:
            self._xlib.close()
            self._xlib = None


def _stop(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=timeout)


def _log_tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _start_xvfb(log_dir: Path, timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a display number it picks itself (-displayfd): no clash with other runs."""
    read_fd, write_fd = os.pipe()
    log_path = log_dir / "xvfb.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                f"{SCREEN_WIDTH}x{SCREEN_HEIGHT}x24",
                "-nolisten",
                "tcp",
                "-noreset",
                "+extension",
                "RANDR",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + timeout
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or process.poll() is not None:
                raise RuntimeError(
                    f"Xvfb did not report its display within {timeout} s "
                    f"(exit {process.poll()}):\n{_log_tail(log_path)}"
                )
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 16)
                if not chunk:
                    raise RuntimeError(f"Xvfb closed -displayfd:\n{_log_tail(log_path)}")
                number += chunk
    except BaseException:
        _stop(process)
        raise
    finally:
        os.close(read_fd)
    return process, f":{number.decode().strip()}"


@contextlib.contextmanager
def start_xdesktop(
    shots_dir: Path,
    *,
    log_dir: Path | None = None,
    with_tray: bool = True,
    timeout: float = 30.0,
) -> Iterator[XDesktop]:
    """Start Xvfb, a session bus, openbox and (unless `with_tray=False`) trayer; yield the
    desktop; stop them all (by process id) when the block ends."""
    problem = desktop_unavailable()
    if problem:
        raise RuntimeError(problem)
    log_dir = log_dir or shots_dir
    log_dir.mkdir(parents=True, exist_ok=True)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    desk: XDesktop | None = None
    try:
        xvfb, display = _start_xvfb(log_dir, timeout)
        processes["Xvfb"] = xvfb
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY"}
        }
        env["DISPLAY"] = display
        desk = XDesktop(display=display, shots_dir=shots_dir, log_dir=log_dir, env=env)
        desk.processes = processes
        poll(
            lambda: desk.run(["xdpyinfo"], check=False).returncode == 0,
            timeout,
            f"xdpyinfo to answer on {display}",
        )

        # A private session bus, as on any desktop (otherwise libdbus would auto-launch one
        # that nobody stops). No Secret Service runs on it: the keyring stays unusable.
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=(log_dir / "dbus.log").open("wb"),
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        processes["dbus-daemon"] = bus
        assert bus.stdout is not None
        ready, _, _ = select.select([bus.stdout], [], [], timeout)
        address = bus.stdout.readline().decode().strip() if ready else ""
        if not address:
            raise RuntimeError(f"dbus-daemon gave no address:\n{_log_tail(log_dir / 'dbus.log')}")
        env["DBUS_SESSION_BUS_ADDRESS"] = address

        def spawn(name: str, args: Sequence[str]) -> subprocess.Popen[bytes]:
            with (log_dir / f"{name}.log").open("wb") as log:
                process = subprocess.Popen(
                    list(args),
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=die_with_parent,
                )
            processes[name] = process
            return process

        def alive(name: str) -> Callable[[], str]:
            def check() -> str:
                process = processes[name]
                if process.poll() is not None:
                    return (
                        f"{name} exited {process.returncode}:\n{_log_tail(log_dir / f'{name}.log')}"
                    )
                return ""

            return check

        spawn("openbox", ["openbox", "--sm-disable"])

        def wm_ready() -> bool:
            if problem := alive("openbox")():
                raise RuntimeError(problem)
            out = desk.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], check=False).stdout
            return "window id #" in out

        poll(wm_ready, timeout, "openbox to manage the screen (_NET_SUPPORTING_WM_CHECK)")

        if with_tray:
            spawn(
                "trayer",
                [
                    "trayer",
                    "--edge",
                    "top",
                    "--align",
                    "right",
                    "--widthtype",
                    "pixel",
                    "--width",
                    "240",
                    "--heighttype",
                    "pixel",
                    "--height",
                    str(TRAY_HEIGHT),
                    "--SetDockType",
                    "true",
                    "--SetPartialStrut",
                    "true",
                    "--transparent",
                    "false",
                    "--tint",
                    "0x303030",
                    "--iconspacing",
                    "4",
                ],
            )

            def tray_ready() -> bool:
                if problem := alive("trayer")():
                    raise RuntimeError(problem)
                return desk.tray_owner() != 0

            poll(tray_ready, timeout, "trayer to own _NET_SYSTEM_TRAY_S0")
        yield desk
    finally:
        if desk is not None:
            desk.close()
        for name in reversed(list(processes)):
            _stop(processes[name])
