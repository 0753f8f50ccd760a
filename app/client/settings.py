"""The console's own settings, declared once with types and defaults, saved as JSON under the
user config dir (the window's layout too, as the toolkit's opaque states in base64); plus the
platform paths (data, config) everything else derives from."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path

import platformdirs
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from app.client.private_files import write_private_text

APP_NAME = "responder-console"


class ConsoleMode(StrEnum):
    SOLO = "solo"
    TEAM = "team"
    DEMO = "demo"


class TokenStorage(StrEnum):
    KEYRING = "keyring"
    ENCRYPTED_FILE = "encrypted_file"


class WindowLayout(BaseModel):
    """The window as the rep left it: geometry, docks and splitter as Qt's own saved states
    (base64 of saveGeometry / saveState), and what the stream showed (its tab, order and
    filters, as `MentionStream.view_state` gives them). Empty strings: nothing saved yet."""

    geometry: str = ""
    state: str = ""
    splitter: str = ""
    stream_view: dict[str, str] = Field(default_factory=dict)


class ConsoleSettings(BaseModel):
    mode: ConsoleMode | None = Field(default=None, description="None until the first run chose.")
    server_url: str | None = None
    token_storage: TokenStorage = TokenStorage.KEYRING
    user_name: str | None = None
    notifications: bool = True
    # Team servers on plain http:// (not this computer) the rep agreed to connect to anyway.
    plain_http_servers: list[str] = Field(default_factory=list)
    window: WindowLayout = Field(default_factory=WindowLayout)

    @field_validator("window", mode="wrap")
    @classmethod
    def _layout_or_none(cls, value: object, handler: ValidatorFunctionWrapHandler) -> object:
        # A damaged or foreign layout costs the layout, never the mode, server or token choice.
        try:
            return handler(value)
        except ValidationError:
            return WindowLayout()


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
