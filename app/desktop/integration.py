"""The console in the desktop's menus (freedesktop.org): `responder --install-desktop-entry` writes
the application entry and its icon under XDG_DATA_HOME; `--start-at-login` writes the same entry
under XDG_CONFIG_HOME/autostart and `--no-start-at-login` removes it. No window is needed."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from app.desktop.options import Options
from app.resources import APP_ICON_SVG

APP_ID = "responder-console"  # the QApplication's desktop file name, the icon's name
ENTRY_NAME = f"{APP_ID}.desktop"


def xdg_dir(env: Mapping[str, str], variable: str, fallback: str) -> Path:
    value = env.get(variable, "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(env.get("HOME", str(Path.home()))) / fallback


def launch_command(env: Mapping[str, str]) -> list[str]:
    """What the entry runs: the installed `responder` script, else this Python with the
    package (a source checkout)."""
    script = shutil.which("responder", path=env.get("PATH"))
    if script:
        return [os.path.abspath(script)]
    return [sys.executable, "-m", "app.desktop"]


def desktop_exec(command: list[str]) -> str:
    """The Exec value: arguments quoted as the Desktop Entry Specification asks (double
    quotes around any with a reserved character; `%` doubled)."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    quoted: list[str] = []
    for argument in command:
        argument = argument.replace("%", "%%")
        if reserved & set(argument):
            escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
            argument = f'"{escaped}"'
        quoted.append(argument)
    return " ".join(quoted)


def desktop_entry(command: list[str], *, autostart: bool = False) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=Responder Console",
        "GenericName=Social media inbox",
        "Comment=Answer your brand's customers on social networks, as a team",
        f"Exec={desktop_exec(command)}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Network;InstantMessaging;",
        "Keywords=social;mentions;replies;support;",
        f"StartupWMClass={APP_ID}",
        "StartupNotify=true",
    ]
    if autostart:
        lines.append("X-GNOME-Autostart-enabled=true")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def install_desktop_entry(env: Mapping[str, str]) -> list[Path]:
    """The application entry and its scalable icon (hicolor); returns the files written."""
    data_home = xdg_dir(env, "XDG_DATA_HOME", ".local/share")
    entry = data_home / "applications" / ENTRY_NAME
    icon = data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    _write(entry, desktop_entry(launch_command(env)))
    _write(icon, APP_ICON_SVG.read_text("utf-8"))
    return [entry, icon]


def autostart_path(env: Mapping[str, str]) -> Path:
    return xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "autostart" / ENTRY_NAME


def set_start_at_login(env: Mapping[str, str], enabled: bool) -> Path:
    path = autostart_path(env)
    if enabled:
        _write(path, desktop_entry(launch_command(env), autostart=True))
    else:
        path.unlink(missing_ok=True)
    return path


def run_integration_commands(options: Options, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    if sys.platform == "win32" or sys.platform == "darwin":
        print(
            "Desktop entries are for Linux and BSD desktops; on Windows and macOS see the "
            "README's section on installing.",
            file=sys.stderr,
        )
        return 1
    if options.install_desktop_entry:
        entry, icon = install_desktop_entry(env)
        print(f"Responder Console is in your application menu: {entry} (icon {icon}).")
    if options.start_at_login is True:
        path = set_start_at_login(env, True)
        print(f"Responder Console will start when you log in ({path}).")
    elif options.start_at_login is False:
        path = set_start_at_login(env, False)
        print(f"Responder Console will no longer start when you log in ({path} removed).")
    return 0
