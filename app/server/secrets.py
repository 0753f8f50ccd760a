"""The brand-account secret store: secrets live outside the database, named by `secret_ref`.

A secret is resolved, in order, from the environment variable `RESPONDER_SECRET_<REF>`, the
secrets file (JSON `{ref: secret}`, created with mode 0600; by default beside the SQLite
database, or under the server's data dir for PostgreSQL) and, in solo mode, the OS keyring.
Secrets are never logged and never put into messages; `SecretStore.__repr__` shows paths only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from platformdirs import user_data_dir

from app.server.db import sqlite_file

log = logging.getLogger(__name__)

ENV_PREFIX = "RESPONDER_SECRET_"
KEYRING_SERVICE = "responder-server"


class SecretStoreError(Exception):
    """The secret store cannot be read or written (the message never contains a secret)."""


def secret_ref_for(name: str) -> str:
    """A reference for an account name that is also a valid environment variable suffix."""
    ref = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
    return ref or "ACCOUNT"


def env_var_for(ref: str) -> str:
    return f"{ENV_PREFIX}{ref}"


def default_secrets_path(database_url: str) -> Path:
    """Beside a SQLite database file (`<name>.secrets.json`); else under the user data dir."""
    path = sqlite_file(database_url)
    if path is not None:
        return path.with_name(f"{path.stem}.secrets.json")
    return Path(user_data_dir("responder-server")) / "secrets.json"


class SecretStore:
    """Reads and writes brand-account secrets. Blocking (file and keyring I/O): call it from a
    worker thread when on the event loop."""

    def __init__(
        self,
        path: Path,
        *,
        use_keyring: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.path = path
        self.use_keyring = use_keyring
        self._environ = environ if environ is not None else os.environ

    def __repr__(self) -> str:
        return f"SecretStore(path={str(self.path)!r}, use_keyring={self.use_keyring})"

    # --- reading -----------------------------------------------------------------------------

    def _read_file(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(
                f"cannot read the secrets file {self.path}: {exc.strerror}"
            ) from exc
        try:
            data = json.loads(text) if text.strip() else {}
        except ValueError as exc:
            raise SecretStoreError(f"the secrets file {self.path} is not valid JSON") from exc
        if not isinstance(data, dict):
            raise SecretStoreError(f"the secrets file {self.path} is not a JSON object")
        return {str(k): str(v) for k, v in data.items()}

    def resolve(self, ref: str) -> str | None:
        """The secret named `ref`, or None when no source has it."""
        if not ref:
            return None
        from_env = self._environ.get(env_var_for(ref))
        if from_env:
            return from_env
        from_file = self._read_file().get(ref)
        if from_file:
            return from_file
        if self.use_keyring:
            return self._keyring_get(ref)
        return None

    def _keyring_get(self, ref: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            value = keyring.get_password(KEYRING_SERVICE, ref)
        except (KeyringError, RuntimeError) as exc:  # no backend on a headless machine
            log.warning("keyring unavailable for brand-account secrets: %s", type(exc).__name__)
            return None
        return str(value) if value else None

    # --- writing -----------------------------------------------------------------------------

    def put(self, ref: str, secret: str) -> str:
        """Store `secret` under `ref`; returns where ("keyring" or "file"). In solo mode the
        keyring is tried first; the secrets file (mode 0600) is the fallback and the default."""
        if self.use_keyring and self._keyring_put(ref, secret):
            return "keyring"
        data = self._read_file()
        data[ref] = secret
        self._write_file(data)
        return "file"

    def _keyring_put(self, ref: str, secret: str) -> bool:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, ref, secret)
        except (KeyringError, RuntimeError) as exc:
            log.warning("keyring unavailable (%s); using the secrets file", type(exc).__name__)
            return False
        return True

    def delete(self, ref: str) -> None:
        """Forget `ref` in the file and the keyring (environment variables are the operator's)."""
        data = self._read_file()
        if ref in data:
            del data[ref]
            self._write_file(data)
        if self.use_keyring:
            import keyring
            from keyring.errors import KeyringError

            with contextlib.suppress(KeyringError, RuntimeError):
                keyring.delete_password(KEYRING_SERVICE, ref)

    def _write_file(self, data: Mapping[str, str]) -> None:
        """Atomically replace the file; the new file is 0600 from its first byte."""
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".secrets-", dir=directory)
        except OSError as exc:
            raise SecretStoreError(
                f"cannot write the secrets file {self.path}: {exc.strerror}"
            ) from exc
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(dict(data), handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except OSError as exc:
            Path(tmp_name).unlink(missing_ok=True)
            raise SecretStoreError(
                f"cannot write the secrets file {self.path}: {exc.strerror}"
            ) from exc


def secret_store_for(
    database_url: str,
    secrets_file: str | None,
    *,
    solo: bool,
    environ: Mapping[str, str] | None = None,
) -> SecretStore:
    """The store a server (or the CLI) with these settings uses."""
    path = Path(secrets_file).expanduser() if secrets_file else default_secrets_path(database_url)
    return SecretStore(path, use_keyring=solo, environ=environ)
