"""The console's settings file: the window layout round-trips, and damage costs only what is
damaged (a bad layout keeps the mode and server; an unreadable file gives the defaults)."""

from __future__ import annotations

from pathlib import Path

from app.client.settings import (
    ConsoleMode,
    ConsoleSettings,
    WindowLayout,
    load_settings,
    save_settings,
)


def test_the_window_layout_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    layout = WindowLayout(
        geometry="AdnQywADAAA=",
        state="AAAA/wAAAAD9",
        splitter="AAAA/wAAAAEAAAAC",
        stream_view={"mode": "mine", "order": "priority"},
    )
    save_settings(path, ConsoleSettings(mode=ConsoleMode.DEMO, window=layout))
    assert load_settings(path).window == layout


def test_a_damaged_layout_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        '{"mode": "team", "server_url": "https://desk.example", '
        '"window": {"geometry": 42, "stream_view": ["not", "a", "dict"]}}',
        "utf-8",
    )
    settings = load_settings(path)
    assert settings.mode is ConsoleMode.TEAM
    assert settings.server_url == "https://desk.example"
    assert settings.window == WindowLayout()

    path.write_text('{"mode": "solo", "window": "garbage"}', "utf-8")
    assert load_settings(path) == ConsoleSettings(mode=ConsoleMode.SOLO)


def test_an_unreadable_file_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for damage in (b"\xff\xfe\x00garbage", b"{not json", b"[1, 2, 3]", b""):
        path.write_bytes(damage)
        assert load_settings(path) == ConsoleSettings()
    assert load_settings(tmp_path / "missing.json") == ConsoleSettings()
