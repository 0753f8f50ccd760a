"""Where the user's server token is kept: the OS keyring, or — when this machine has no usable
keyring and the user agrees — a file encrypted with a passphrase. Never a file in clear.

Every keyring or file call is blocking, so it runs on the caller-supplied worker thread. keyring
(which looks for its backends as it is imported) and cryptography are imported when first used:
solo mode never needs them, and they are a tenth of a second of every start-up otherwise."""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from app.client.private_files import private_dir
from app.client.worker import BlockingWorker

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

SERVICE = "responder-console"


def _keyring() -> ModuleType:
    import keyring
    import keyring.errors

    return keyring


class CredentialError(Exception):
    """The token could not be read or stored; the message is for the user."""


class WrongPassphrase(CredentialError):
    pass


class TokenStore(Protocol):
    """Keeps one bearer token per server URL."""

    description: str

    async def get(self, server: str) -> str | None: ...

    async def set(self, server: str, token: str) -> None: ...

    async def delete(self, server: str) -> None: ...


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    usable: bool
    backend: str
    reason: str


def probe_keyring() -> KeyringStatus:
    """Is there a keyring that really stores secrets? Blocking: call it on a worker thread.

    The fail and null backends store nothing, and keyrings.alt's plaintext file would keep the
    token in clear: all three count as "no usable keyring"."""
    keyring = _keyring()
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if "fail" in name.split(".") or "null" in name.split("."):
        return KeyringStatus(False, name, "No keyring service (Secret Service, KWallet) runs here.")
    if "Plaintext" in name or "keyrings.alt" in name:
        return KeyringStatus(False, name, "The only keyring here stores secrets in clear text.")
    try:
        keyring.get_password(SERVICE, "__probe__")
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        return KeyringStatus(False, name, f"The keyring did not answer: {exc}")
    return KeyringStatus(True, name, "")


class KeyringTokenStore:
    """Tokens in the OS keyring (Secret Service, macOS Keychain, Windows Credential Locker)."""

    description = "the system keyring"

    def __init__(self, worker: BlockingWorker) -> None:
        self._worker = worker

    async def get(self, server: str) -> str | None:
        keyring = _keyring()
        try:
            return await self._worker.call(lambda: keyring.get_password(SERVICE, server))
        except (keyring.errors.KeyringError, RuntimeError) as exc:
            raise CredentialError(f"The keyring could not be read: {exc}") from exc

    async def set(self, server: str, token: str) -> None:
        keyring = _keyring()
        try:
            await self._worker.call(lambda: keyring.set_password(SERVICE, server, token))
        except (keyring.errors.KeyringError, RuntimeError) as exc:
            raise CredentialError(f"The keyring refused the token: {exc}") from exc

    async def delete(self, server: str) -> None:
        keyring = _keyring()
        try:
            await self._worker.call(lambda: keyring.delete_password(SERVICE, server))
        except keyring.errors.PasswordDeleteError:
            return
        except (keyring.errors.KeyringError, RuntimeError) as exc:
            raise CredentialError(f"The keyring could not delete the token: {exc}") from exc


def _derive_key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


class EncryptedFileTokenStore:
    """Tokens in a JSON file, each encrypted with Fernet under a key derived from the user's
    passphrase by scrypt. The passphrase is asked in the UI and held only in memory."""

    description = "an encrypted file"

    def __init__(self, path: Path, passphrase: str, worker: BlockingWorker) -> None:
        self.path = path
        self._passphrase = passphrase
        self._worker = worker
        # The salt of a file not yet written is chosen once: a read before the first write
        # and the write itself must derive the same key, or the next launch cannot open it.
        self._new_salt = secrets.token_bytes(16)
        self._keyed: tuple[bytes, Fernet] | None = None

    def _fernet_for(self, salt: bytes) -> Fernet:
        from cryptography.fernet import Fernet

        if self._keyed is None or self._keyed[0] != salt:
            self._keyed = (salt, Fernet(_derive_key(self._passphrase, salt)))
        return self._keyed[1]

    def _read(self) -> tuple[bytes, dict[str, str], str]:
        if not self.path.exists():
            return self._new_salt, {}, ""
        try:
            data = json.loads(self.path.read_text("utf-8"))
            salt = base64.b64decode(data["salt"], validate=True)
            tokens = {str(k): str(v) for k, v in dict(data.get("tokens", {})).items()}
            check = str(data["check"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CredentialError(
                f"The token file {self.path} is damaged; move it away to sign in again."
            ) from exc
        return salt, tokens, check

    def _load(self) -> tuple[Fernet, bytes, dict[str, str], str]:
        from cryptography.fernet import InvalidToken

        salt, tokens, check = self._read()
        fernet = self._fernet_for(salt)
        if check:
            try:
                fernet.decrypt(check.encode("ascii"))
            except InvalidToken as exc:
                raise WrongPassphrase("That passphrase does not open the token file.") from exc
        else:
            check = fernet.encrypt(b"responder").decode("ascii")
        return fernet, salt, tokens, check

    def _save(self, salt: bytes, tokens: dict[str, str], check: str) -> None:
        private_dir(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        salt_text = base64.b64encode(salt).decode("ascii")
        body = json.dumps({"salt": salt_text, "check": check, "tokens": tokens})
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
        tmp.replace(self.path)

    def _get(self, server: str) -> str | None:
        from cryptography.fernet import InvalidToken

        fernet, _salt, tokens, _check = self._load()
        sealed = tokens.get(server)
        if sealed is None:
            return None
        try:
            return fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise WrongPassphrase("That passphrase does not open the token file.") from exc

    def _set(self, server: str, token: str) -> None:
        fernet, salt, tokens, check = self._load()
        tokens[server] = fernet.encrypt(token.encode("utf-8")).decode("ascii")
        self._save(salt, tokens, check)

    def _delete(self, server: str) -> None:
        _fernet, salt, tokens, check = self._load()
        if tokens.pop(server, None) is not None:
            self._save(salt, tokens, check)

    async def unlock(self) -> None:
        """Check the passphrase (raises `WrongPassphrase`)."""
        await self._worker.call(self._load)

    async def get(self, server: str) -> str | None:
        return await self._worker.call(lambda: self._get(server))

    async def set(self, server: str, token: str) -> None:
        await self._worker.call(lambda: self._set(server, token))

    async def delete(self, server: str) -> None:
        await self._worker.call(lambda: self._delete(server))


class MemoryTokenStore:
    """Keeps tokens for this run only (solo mode's random token never needs storing)."""

    description = "memory only"

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}

    async def get(self, server: str) -> str | None:
        return self._tokens.get(server)

    async def set(self, server: str, token: str) -> None:
        self._tokens[server] = token

    async def delete(self, server: str) -> None:
        self._tokens.pop(server, None)
