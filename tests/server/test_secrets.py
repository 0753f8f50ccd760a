"""The brand-account secret store on real files: where a secret is looked up, in which order,
that the file is private (0600) from its first byte, and that nothing prints a secret."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from app.server.secrets import (
    SecretStore,
    default_secrets_path,
    env_var_for,
    secret_ref_for,
    secret_store_for,
)


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_refs_are_environment_variable_names() -> None:
    assert secret_ref_for("Acme on mastodon.social") == "ACME_ON_MASTODON_SOCIAL"
    assert env_var_for("ACME") == "RESPONDER_SECRET_ACME"
    assert secret_ref_for("!!!") == "ACCOUNT"


def test_default_path_is_beside_the_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.sqlite3'}"
    assert default_secrets_path(url) == tmp_path / "team.secrets.json"
    assert default_secrets_path("postgresql://u@h/db").name == "secrets.json"


def test_file_is_private_and_environment_wins(tmp_path: Path) -> None:
    store = SecretStore(tmp_path / "dir" / "secrets.json", environ={})
    assert store.resolve("ACME") is None
    assert store.put("ACME", "s3cr3t-token") == "file"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.resolve("ACME") == "s3cr3t-token"
    store.put("OTHER", "second")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert "s3cr3t" not in repr(store)

    overridden = SecretStore(store.path, environ={"RESPONDER_SECRET_ACME": "from-env"})
    assert overridden.resolve("ACME") == "from-env"
    assert overridden.resolve("OTHER") == "second"

    store.delete("ACME")
    assert store.resolve("ACME") is None
    assert store.resolve("OTHER") == "second"


def test_solo_mode_uses_the_keyring_first(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    url = f"sqlite:///{tmp_path / 'solo.sqlite3'}"
    store = secret_store_for(url, None, solo=True, environ={})
    assert store.put("ACME", "kept-in-keyring") == "keyring"
    assert not store.path.exists()
    assert store.resolve("ACME") == "kept-in-keyring"
    store.delete("ACME")
    assert memory_keyring.items == {}


def test_a_headless_keyring_falls_back_to_the_file(tmp_path: Path) -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())  # type: ignore[no-untyped-call]
    try:
        store = SecretStore(tmp_path / "secrets.json", use_keyring=True, environ={})
        assert store.put("ACME", "fallback") == "file"
        assert store.resolve("ACME") == "fallback"
        assert store.resolve("MISSING") is None
    finally:
        keyring.set_keyring(previous)


def test_a_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    from app.server.secrets import SecretStoreError

    path = tmp_path / "secrets.json"
    path.write_text("not json")
    with pytest.raises(SecretStoreError, match="not valid JSON"):
        SecretStore(path, environ={}).resolve("ACME")
