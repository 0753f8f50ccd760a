"""Every file the console and its private server write is the user's alone: started in a fresh
HOME (XDG dirs) where an older version left a world-readable settings file and cache folder,
`main.py` leaves only 0700 folders and 0600 files behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.client.settings import ConsoleSettings, save_settings
from app.client.stream.store import LocalStore

REPO_ROOT = Path(__file__).resolve().parents[3]


def _wide(root: Path) -> dict[str, str]:
    """Whatever under `root` others may read, write or enter."""
    found = {}
    for path in (root, *root.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found[str(path.relative_to(root))] = oct(mode)
    return found


@pytest.mark.slow
def test_a_solo_start_leaves_only_private_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = home / ".local" / "share" / "responder-console"
    config = home / ".config" / "responder-console"
    (data / "cache").mkdir(parents=True, mode=0o755)
    config.mkdir(parents=True, mode=0o755)
    (config / "settings.json").write_text('{"mode": "solo"}')
    for path, mode in ((data, 0o755), (data / "cache", 0o755), (config / "settings.json", 0o644)):
        os.chmod(path, mode)
    shot = tmp_path / "console.png"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("RESPONDER_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "main.py", "--screenshot", str(shot)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    written = {p.name for p in data.rglob("*")}
    assert {"solo.sqlite3", "server.sqlite3", "server.log", "port"} <= written, written
    assert _wide(data) == {}
    assert _wide(config) == {}


def test_settings_are_saved_private_over_a_wider_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "settings.json"
    path.parent.mkdir(mode=0o755)
    os.chmod(path.parent, 0o755)
    path.write_text("{}")
    os.chmod(path, 0o644)
    save_settings(path, ConsoleSettings(user_name="Robin"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "Robin" in path.read_text()


def test_the_cache_and_its_wal_files_are_private(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "data" / "cache" / "team-1.sqlite3")
    try:
        store.set_event_cursor(7)  # a write: the -wal and -shm files exist while it is open
        files = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in store.path.parent.iterdir()}
        assert {"team-1.sqlite3-wal", "team-1.sqlite3-shm"} <= set(files)
        assert set(files.values()) == {"0o600"}, files
        assert _wide(tmp_path / "data") == {}
    finally:
        store.close()
