"""The command line as DESIGN.md fixes it: tokens alone on the last line, plain database URLs,
and the solo-mode contract the desktop relies on."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import last_line, run_cli, start_live_server

pytestmark = pytest.mark.slow


def test_init_then_add_user(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    init = run_cli(["init", "--database-url", url])
    assert init.returncode == 0, init.stderr
    admin_token = last_line(init.stdout)
    assert len(admin_token) >= 40
    assert " " not in admin_token

    again = run_cli(["init", "--database-url", url])
    assert again.returncode == 1
    assert "already has an admin" in again.stderr

    added = run_cli(
        ["add-user", "dana", "--role", "manager", "--team", "billing"],
        env={"RESPONDER_DATABASE_URL": url},
    )
    assert added.returncode == 0, added.stderr
    dana_token = last_line(added.stdout)

    duplicate = run_cli(["add-user", "dana", "--database-url", url])
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr

    with start_live_server(tmp_path / "srv", database_url=url) as server:
        me = httpx.get(f"{server.base_url}/api/v1/me", headers=server.headers(dana_token)).json()
        assert me["name"] == "dana"
        assert me["role"] == "manager"
        assert me["teams"] == ["billing"]
        first = httpx.get(f"{server.base_url}/api/v1/me", headers=server.headers(admin_token))
        assert first.json()["role"] == "admin"


def test_commands_refuse_a_bad_url_or_missing_schema(tmp_path: Path) -> None:
    bad = run_cli(["add-user", "x", "--database-url", "mysql://root@localhost/db"])
    assert bad.returncode == 1
    assert "unsupported database URL" in bad.stderr
    empty = run_cli(["add-user", "x", "--database-url", f"sqlite:///{tmp_path / 'none.db'}"])
    assert empty.returncode == 1
    assert "init" in empty.stderr


def test_solo_mode_contract(tmp_path: Path) -> None:
    """The desktop's private server: --migrate, RESPONDER_SOLO_TOKEN accepted for an on-duty
    admin named RESPONDER_SOLO_USER, the token never written to the database."""
    token = secrets.token_urlsafe(32)
    url = f"sqlite:///{tmp_path / 'solo' / 'server.sqlite3'}"
    env = {"RESPONDER_SOLO_TOKEN": token, "RESPONDER_SOLO_USER": "sam"}
    with start_live_server(
        tmp_path, database_url=url, env=env, extra_args=["--migrate", "--demo"], init=False
    ) as server:
        assert server.admin_token == token
        me = httpx.get(f"{server.base_url}/api/v1/me", headers=server.headers(token)).json()
        assert me["name"] == "sam"
        assert me["role"] == "admin"
        assert me["duty"] == "on_duty"
        listed = httpx.get(f"{server.base_url}/api/v1/mentions", headers=server.headers(token))
        assert listed.status_code == 200
    database = (tmp_path / "solo" / "server.sqlite3").read_bytes()
    assert token.encode() not in database
