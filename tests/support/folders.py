"""The command-line arguments that give a console under test folders of its own."""

from __future__ import annotations

from pathlib import Path


def console_folders(root: Path) -> list[str]:
    """`--data-dir root/data --config-dir root/config`: a console that never touches the
    user's own folders, nor another test's."""
    return ["--data-dir", str(root / "data"), "--config-dir", str(root / "config")]
