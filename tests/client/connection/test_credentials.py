"""Where the token goes: a real keyring backend when one works; otherwise the console knows
there is none and offers an encrypted file, which never holds the token in clear."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest

from app.client.connection.credentials import (
    CredentialError,
    EncryptedFileTokenStore,
    KeyringTokenStore,
    WrongPassphrase,
    probe_keyring,
)
from app.client.worker import BlockingWorker


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A working keyring held in memory, for tests."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def worker() -> Iterator[BlockingWorker]:
    pool = BlockingWorker("test-credentials")
    yield pool
    pool.shutdown()


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


@pytest.mark.usefixtures("restore_keyring")
async def test_a_working_keyring_keeps_the_token(worker: BlockingWorker) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    assert probe_keyring().usable
    tokens = KeyringTokenStore(worker)
    await tokens.set("https://team.example", "secret-token")
    assert await tokens.get("https://team.example") == "secret-token"
    assert "secret-token" in backend.secrets.values()
    await tokens.delete("https://team.example")
    assert await tokens.get("https://team.example") is None


@pytest.mark.usefixtures("restore_keyring")
@pytest.mark.parametrize(
    "backend",
    [
        keyring.backends.fail.Keyring(),  # type: ignore[no-untyped-call]
        keyring.backends.null.Keyring(),  # type: ignore[no-untyped-call]
    ],
)
def test_no_usable_keyring_is_detected(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)
    status = probe_keyring()
    assert not status.usable
    assert status.reason


async def test_encrypted_file_round_trip_and_wrong_passphrase(
    tmp_path: Path, worker: BlockingWorker
) -> None:
    path = tmp_path / "tokens.enc.json"
    store = EncryptedFileTokenStore(path, "correct horse battery", worker)
    await store.set("https://team.example", "tok-3f9a-very-secret")
    assert "tok-3f9a-very-secret" not in path.read_text()
    assert path.stat().st_mode & 0o077 == 0  # readable by the user only

    again = EncryptedFileTokenStore(path, "correct horse battery", worker)
    await again.unlock()
    assert await again.get("https://team.example") == "tok-3f9a-very-secret"

    wrong = EncryptedFileTokenStore(path, "wrong passphrase", worker)
    with pytest.raises(WrongPassphrase):
        await wrong.unlock()


async def test_encrypted_file_read_before_it_was_written_opens_on_the_next_launch(
    tmp_path: Path, worker: BlockingWorker
) -> None:
    """The first launch asks the new store for a token (none yet), then keeps the one typed;
    the next launch, with the same passphrase, opens the file and finds it."""
    path = tmp_path / "tokens.enc.json"
    first = EncryptedFileTokenStore(path, "correct horse battery", worker)
    assert await first.get("https://team.example") is None
    await first.set("https://team.example", "tok-first-launch")

    next_launch = EncryptedFileTokenStore(path, "correct horse battery", worker)
    await next_launch.unlock()
    assert await next_launch.get("https://team.example") == "tok-first-launch"
    await next_launch.set("https://other.example", "tok-second")

    third = EncryptedFileTokenStore(path, "correct horse battery", worker)
    assert await third.get("https://team.example") == "tok-first-launch"
    assert await third.get("https://other.example") == "tok-second"


async def test_a_damaged_token_file_is_said_not_taken_for_a_wrong_passphrase(
    tmp_path: Path, worker: BlockingWorker
) -> None:
    path = tmp_path / "tokens.enc.json"
    path.write_text("{not json")
    store = EncryptedFileTokenStore(path, "correct horse battery", worker)
    with pytest.raises(CredentialError, match="damaged") as raised:
        await store.unlock()
    assert not isinstance(raised.value, WrongPassphrase)
