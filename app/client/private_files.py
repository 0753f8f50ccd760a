"""The user's local files are theirs alone: every file the console (and its private server)
writes is 0600 and every folder 0700 — created so from the first byte, and tightened on start
when an older version left them wider. On Windows the modes are not meaningful and are left to
the user profile's access lists."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# What the private server process is started with: whatever it creates is the user's alone.
PRIVATE_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """`path` as a 0700 folder (created with its missing parents, those 0700 too)."""
    missing = []
    for parent in (path, *path.parents):
        if parent.exists():
            break
        missing.append(parent)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    for created in (*missing, path):
        with contextlib.suppress(OSError):
            os.chmod(created, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """`path` exists as a 0600 file (an empty one when it was missing), its folder 0700.
    SQLite gives its -wal and -shm files the mode of the database file: creating the database
    file this way first keeps them private too."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_FILE)
    return path


def write_private_text(path: Path, text: str) -> None:
    """Replace `path` atomically with `text` (UTF-8), 0600 from the first byte."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        with contextlib.suppress(OSError):
            os.chmod(tmp, PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def tighten_tree(root: Path) -> None:
    """Make `root` and everything under it the user's alone (folders 0700, files 0600), as
    earlier versions wrote them with the umask's 0755/0644. Symbolic links are not followed."""
    if not root.is_dir() or root.is_symlink():
        return
    _chmod(root, PRIVATE_DIR)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _chmod(Path(folder, name), PRIVATE_DIR)
        for name in files:
            _chmod(Path(folder, name), PRIVATE_FILE)


def _chmod(path: Path, mode: int) -> None:
    try:
        current = path.lstat()
    except OSError:
        return
    if stat.S_ISLNK(current.st_mode) or stat.S_IMODE(current.st_mode) == mode:
        return
    with contextlib.suppress(OSError):
        os.chmod(path, mode)
