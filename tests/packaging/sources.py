"""What a package is built from: a copy of the checkout's sources (the `app` package,
pyproject.toml, README.md), without caches, nor the editable install's metadata or anything
else that lies around in the working tree."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def copy_sources(destination: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO_ROOT / "app", destination / "app", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, destination / name)
    return destination
