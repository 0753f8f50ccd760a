"""The console's own settings, declared once with types and defaults, saved as JSON under the
user config dir (the window's layout too, as the toolkit's opaque states in base64); plus the
platform paths (data, config) everything else derives from.

Plain dataclasses read field by field (not pydantic models): the settings are read before the
window is shown, and pydantic with its plugin look-up costs about a tenth of a second there. The
methods keep pydantic's names (`model_copy`, `model_dump_json`, `model_validate_json`)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

import platformdirs

from app.client.private_files import write_private_text

APP_NAME = "responder-console"


class ConsoleMode(StrEnum):
    SOLO = "solo"
    TEAM = "team"
    DEMO = "demo"


class TokenStorage(StrEnum):
    KEYRING = "keyring"
    ENCRYPTED_FILE = "encrypted_file"


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name}: not a string")
    return value


def _optional_text(value: object, name: str) -> str | None:
    return None if value is None else _text(value, name)


class _Settings:
    """What both settings records share: a copy with changes, JSON out and in."""

    __slots__ = ()

    def model_copy(self, *, update: Mapping[str, Any]) -> Self:
        return dataclasses.replace(self, **update)  # type: ignore[type-var]

    def model_dump_json(self, *, indent: int | None = None) -> str:
        return json.dumps(dataclasses.asdict(self), indent=indent, ensure_ascii=False)  # type: ignore[call-overload]

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> Self:
        """The record a JSON document describes; ValueError when it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("settings: not a JSON object")
        return cls.from_fields(data)

    @classmethod
    def from_fields(cls, data: Mapping[str, object]) -> Self:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class WindowLayout(_Settings):
    """The window as the rep left it: geometry, docks and splitter as Qt's own saved states
    (base64 of saveGeometry / saveState), and what the stream showed (its tab, order and
    filters, as `MentionStream.view_state` gives them). Empty strings: nothing saved yet."""

    geometry: str = ""
    state: str = ""
    splitter: str = ""
    stream_view: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_fields(cls, data: Mapping[str, object]) -> WindowLayout:
        view = data.get("stream_view", {})
        if not isinstance(view, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in view.items()
        ):
            raise ValueError("stream_view: not a mapping of strings")
        return cls(
            geometry=_text(data.get("geometry", ""), "geometry"),
            state=_text(data.get("state", ""), "state"),
            splitter=_text(data.get("splitter", ""), "splitter"),
            stream_view=dict(view),
        )


@dataclass(frozen=True, slots=True)
class ConsoleSettings(_Settings):
    mode: ConsoleMode | None = None  # None until the first run chose
    server_url: str | None = None
    token_storage: TokenStorage = TokenStorage.KEYRING
    user_name: str | None = None
    notifications: bool = True
    # Team servers on plain http:// (not this computer) the rep agreed to connect to anyway.
    plain_http_servers: list[str] = field(default_factory=list)
    window: WindowLayout = field(default_factory=WindowLayout)

    @classmethod
    def from_fields(cls, data: Mapping[str, object]) -> ConsoleSettings:
        mode = data.get("mode")
        notifications = data.get("notifications", True)
        if not isinstance(notifications, bool):
            raise ValueError("notifications: not true or false")
        servers = data.get("plain_http_servers", [])
        if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
            raise ValueError("plain_http_servers: not a list of strings")
        window = data.get("window", {})
        layout = WindowLayout()
        if isinstance(window, dict):
            # A damaged or foreign layout costs the layout, never the mode, server or token.
            with contextlib.suppress(ValueError):
                layout = WindowLayout.from_fields(window)
        return cls(
            mode=None if mode is None else ConsoleMode(_text(mode, "mode")),
            server_url=_optional_text(data.get("server_url"), "server_url"),
            token_storage=TokenStorage(_text(data.get("token_storage", "keyring"), "storage")),
            user_name=_optional_text(data.get("user_name"), "user_name"),
            notifications=notifications,
            plain_http_servers=list(servers),
            window=layout,
        )


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_path(root: Path, mode: ConsoleMode, server_url: str | None) -> Path:
    """One local cache per server: solo and demo keep their own, a team server by its URL."""
    if mode is ConsoleMode.TEAM and server_url:
        digest = hashlib.sha256(server_url.rstrip("/").encode()).hexdigest()[:16]
        return root / "cache" / f"team-{digest}.sqlite3"
    return root / "cache" / f"{mode.value}.sqlite3"


def load_settings(path: Path) -> ConsoleSettings:
    try:
        return ConsoleSettings.model_validate_json(path.read_text("utf-8"))
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON, not our settings
        return ConsoleSettings()


def save_settings(path: Path, settings: ConsoleSettings) -> None:
    write_private_text(path, settings.model_dump_json(indent=2))
