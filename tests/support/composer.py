"""Fixtures of the composer tests: a real server process per module with a Mastodon brand
account connected (so its mentions can be answered; the account points at a closed port, so
nothing leaves the machine), an injectable clock, and one rep with a claimed mention to
answer."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json, start_live_server

__all__ = [
    "BRAND_ACCOUNT",
    "FakeClock",
    "Rep",
    "live_server",
    "rep",
    "reply_states",
    "team_rep",
]

BRAND_ACCOUNT = "acme-brand"  # the Mastodon account replies go out as

_names = itertools.count(1)
COMPLAINT = "My order is three weeks late and nobody answers. Terrible service."


class FakeClock:
    """The console's clock, moved by the test."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class Rep:
    server: LiveServer
    user_id: int
    token: str
    name: str

    def new_mention(self, text: str = COMPLAINT, *, claim: bool = True) -> tuple[int, int]:
        """Ingest a mention (and claim it as this rep); returns (id, version)."""
        mention_id = self.server.ingest([mention_json(f"composer-{next(_names)}", text)])[0]
        version = 1
        if claim:
            claimed = httpx.post(
                f"{self.server.base_url}/api/v1/mentions/{mention_id}/claim",
                json={"version": 1},
                headers=self.server.headers(self.token),
                timeout=10,
            )
            claimed.raise_for_status()
            version = int(claimed.json()["version"])
        return mention_id, version

    def replies(self, mention_id: int) -> list[dict[str, object]]:
        detail = httpx.get(
            f"{self.server.base_url}/api/v1/mentions/{mention_id}",
            headers=self.server.headers(self.token),
            timeout=10,
        )
        detail.raise_for_status()
        replies: list[dict[str, object]] = detail.json()["replies"]
        return replies


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server process per module, with the Mastodon brand account `BRAND_ACCOUNT`."""
    with start_live_server(Path(tmp_path_factory.mktemp("composer-server"))) as server:
        server.add_brand_account(BRAND_ACCOUNT)
        yield server


@pytest.fixture
def rep(live_server: LiveServer) -> Rep:
    name = f"rep-{next(_names)}-{id(object())}"
    user_id, token = live_server.create_user(name, role="rep")
    return Rep(live_server, user_id, token, name)


def team_rep(
    server: LiveServer, seconds: int, heated_seconds: int, *, name: str | None = None
) -> Rep:
    """A rep (`name`, else a fresh one) alone in a new team whose cool-off (set by the admin)
    is `seconds` / `heated_seconds`: the server holds the rep's replies at least `seconds`."""
    team = f"team-{next(_names)}"
    name = name or f"rep-{next(_names)}-{team}"
    user_id, token = server.create_user(name, role="rep", teams=[team])
    teams = api_get(server, "/teams", server.admin_token)["data"]
    assert isinstance(teams, list)
    [team_id] = [t["id"] for t in teams if t["name"] == team]
    response = httpx.put(
        f"{server.base_url}/api/v1/teams/{team_id}/cool-off",
        json={"seconds": seconds, "heated_seconds": heated_seconds},
        headers=server.headers(),
        timeout=10,
    )
    response.raise_for_status()
    return Rep(server, user_id, token, name)


def reply_states(rep: Rep, mention_id: int) -> list[str]:
    """The statuses of the mention's replies on the server, oldest first."""
    return [str(r["status"]) for r in rep.replies(mention_id)]


def api_post(server: LiveServer, path: str, token: str, body: object) -> httpx.Response:
    """POST to the server's API as `token` (blocking: async tests run it in a thread)."""
    return httpx.post(
        f"{server.base_url}/api/v1{path}", json=body, headers=server.headers(token), timeout=10
    )


def api_get(server: LiveServer, path: str, token: str) -> dict[str, object]:
    response = httpx.get(
        f"{server.base_url}/api/v1{path}", headers=server.headers(token), timeout=10
    )
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return body
