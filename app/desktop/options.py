"""The console's command line: what to start (solo, demo, a team server), a screenshot run, the
colour scheme, and the desktop-integration commands that need no window."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt

from app.client.connection.plain_http import ALLOW_FLAG
from app.client.settings import (
    config_dir,
    data_dir,
)

COLOR_SCHEMES: dict[str, Qt.ColorScheme | None] = {
    "system": None,
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}


@dataclass(frozen=True, slots=True)
class Options:
    server: str | None
    demo: bool
    screenshot: Path | None
    data_dir: Path
    config_dir: Path
    color_scheme: str = "system"
    allow_plain_http: bool = False
    install_desktop_entry: bool = False
    start_at_login: bool | None = None  # None: leave as it is

    @property
    def integration_requested(self) -> bool:
        """A desktop-integration command: done without a window, then exit."""
        return self.install_desktop_entry or self.start_at_login is not None


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="responder", description="Responder Console: answer your customers as a team."
    )
    parser.add_argument("--server", metavar="URL", help="connect to a team server")
    parser.add_argument("--demo", action="store_true", help="solo mode with demo mentions")
    parser.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help="connect to a team server over plain http:// (unencrypted) without asking",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        type=Path,
        help="start, wait until the stream has loaded, save the main window as PNG, exit",
    )
    parser.add_argument(
        "--color-scheme",
        choices=tuple(COLOR_SCHEMES),
        default="system",
        help="light or dark for the console alone (default: follow the system)",
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Responder Console to the desktop's application menu (with its icon), then exit",
    )
    login = parser.add_mutually_exclusive_group()
    login.add_argument(
        "--start-at-login",
        dest="start_at_login",
        action="store_const",
        const=True,
        default=None,
        help="start the console when you log in to the desktop, then exit",
    )
    login.add_argument(
        "--no-start-at-login",
        dest="start_at_login",
        action="store_const",
        const=False,
        help="stop starting the console at login, then exit",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--config-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.server and args.demo:
        parser.error("--demo runs a private demo server; it cannot be combined with --server")
    return Options(
        server=args.server,
        demo=args.demo,
        screenshot=args.screenshot,
        data_dir=args.data_dir or data_dir(),
        config_dir=args.config_dir or config_dir(),
        color_scheme=args.color_scheme,
        allow_plain_http=args.allow_plain_http,
        install_desktop_entry=args.install_desktop_entry,
        start_at_login=args.start_at_login,
    )
