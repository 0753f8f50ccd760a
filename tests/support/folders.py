"""The command-line arguments that give a console under test folders of its own."""

from __future__ import annotations

from pathlib import Path


def console_folders(root: Path) -> list[str]:
    """`--data-dir root/data --config-dir root/config`: a console that never touches the
    user's own folders, nor another test's."""
    return ["--data-dir", str(root / "data"), "--config-dir", str(root / "config")]


def home_of_its_own(home: Path) -> dict[str, str]:
    """Environment variables that give a console process `home` as its home, with the XDG
    folders inside it and a private runtime folder (made here)."""
    runtime = home / "runtime"
    runtime.mkdir(parents=True, mode=0o700, exist_ok=True)
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_RUNTIME_DIR": str(runtime),
    }
