"""Who may call what: every endpoint × {no token, bad token, rep, manager, admin, ingest}.

Each row prepares a fresh, valid request for the caller (their own mention to release, a
colleague's to resolve…) so that a refusal can only come from the role rule."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json

CALLERS = ("none", "bad", "rep", "manager", "admin", "ingest")
_ids = itertools.count(1)


@dataclass
class World:
    server: LiveServer
    client: httpx.Client
    tokens: dict[str, str]
    user_ids: dict[str, int]
    colleague_id: int
    colleague_token: str

    def new_mention(self) -> int:
        return self.server.ingest([mention_json(f"matrix-{next(_ids)}")])[0]

    def claimed_by(self, token: str) -> int:
        mention_id = self.new_mention()
        response = self.client.post(
            f"/api/v1/mentions/{mention_id}/claim",
            json={"version": 1},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return mention_id

    def own_mention(self, caller: str) -> int:
        """A mention the caller owns (a colleague's when the caller cannot own one)."""
        owner = caller if caller in ("rep", "manager", "admin", "colleague") else "colleague"
        return self.claimed_by(self.tokens[owner])


Request = tuple[str, str, object | None]


@dataclass(frozen=True)
class Row:
    name: str
    prepare: Callable[[World, str], Request]
    expect: dict[str, int]


def _user(role_status: int, *, ingest: int = 403) -> dict[str, int]:
    return {
        "none": 401,
        "bad": 401,
        "rep": role_status,
        "manager": role_status,
        "admin": role_status,
        "ingest": ingest,
    }


def _manager_only(status: int) -> dict[str, int]:
    return {**_user(status), "rep": 403}


ROWS = [
    Row("health", lambda w, c: ("GET", "/api/v1/health", None), {c: 200 for c in CALLERS}),
    Row("me", lambda w, c: ("GET", "/api/v1/me", None), _user(200)),
    Row("list users", lambda w, c: ("GET", "/api/v1/users", None), _manager_only(200)),
    Row(
        "create user",
        lambda w, c: ("POST", "/api/v1/users", {"name": f"new-{next(_ids)}", "role": "rep"}),
        _manager_only(201),
    ),
    Row(
        "create admin",
        lambda w, c: ("POST", "/api/v1/users", {"name": f"adm-{next(_ids)}", "role": "admin"}),
        {**_manager_only(201), "manager": 403},
    ),
    Row(
        "own duty",
        lambda w, c: (
            "PUT",
            f"/api/v1/users/{w.user_ids.get(c, w.colleague_id)}/duty",
            {"duty": "on_duty"},
        ),
        _user(200),
    ),
    Row(
        "someone's duty",
        lambda w, c: ("PUT", f"/api/v1/users/{w.colleague_id}/duty", {"duty": "away"}),
        _manager_only(200),
    ),
    Row("coverage", lambda w, c: ("GET", "/api/v1/coverage", None), _user(200)),
    Row(
        "ingest",
        lambda w, c: (
            "POST",
            "/api/v1/mentions",
            mention_json(f"ingest-{next(_ids)}", network="webhook"),
        ),
        {"none": 401, "bad": 401, "rep": 403, "manager": 403, "admin": 200, "ingest": 200},
    ),
    Row(
        # An ingest token posts only the networks an admin allowed it (webhook by default).
        "ingest as a network",
        lambda w, c: ("POST", "/api/v1/mentions", mention_json(f"ingest-{next(_ids)}")),
        {"none": 401, "bad": 401, "rep": 403, "manager": 403, "admin": 200, "ingest": 403},
    ),
    Row(
        "quarantine",
        lambda w, c: ("GET", "/api/v1/quarantine", None),
        {**_manager_only(200), "manager": 403},
    ),
    Row(
        "dismiss quarantined",
        lambda w, c: ("POST", "/api/v1/quarantine/2147483647/dismiss", None),
        {**_manager_only(404), "manager": 403},
    ),
    Row("list mentions", lambda w, c: ("GET", "/api/v1/mentions?status=open", None), _user(200)),
    Row(
        "mention detail",
        lambda w, c: ("GET", f"/api/v1/mentions/{w.new_mention()}", None),
        _user(200),
    ),
    Row(
        "claim",
        lambda w, c: ("POST", f"/api/v1/mentions/{w.new_mention()}/claim", {"version": 1}),
        _user(200),
    ),
    Row(
        "release own",
        lambda w, c: ("POST", f"/api/v1/mentions/{w.own_mention(c)}/release", None),
        _user(200),
    ),
    Row(
        "release colleague's",
        lambda w, c: ("POST", f"/api/v1/mentions/{w.own_mention('colleague')}/release", None),
        _manager_only(200),
    ),
    Row(
        "assign",
        lambda w, c: (
            "POST",
            f"/api/v1/mentions/{w.new_mention()}/assign",
            {"user_id": w.colleague_id},
        ),
        _manager_only(200),
    ),
    Row(
        "resolve own",
        lambda w, c: (
            "POST",
            f"/api/v1/mentions/{w.own_mention(c)}/resolve",
            {"follow_up_in_days": 2},
        ),
        _user(200),
    ),
    Row(
        "resolve colleague's",
        lambda w, c: ("POST", f"/api/v1/mentions/{w.own_mention('colleague')}/resolve", {}),
        _manager_only(200),
    ),
    Row(
        "snooze own",
        lambda w, c: ("POST", f"/api/v1/mentions/{w.own_mention(c)}/snooze", {"minutes": 30}),
        _user(200),
    ),
    Row(
        "reply to own",
        lambda w, c: (
            "POST",
            f"/api/v1/mentions/{w.own_mention(c)}/replies",
            {
                "client_id": f"00000000-0000-4000-8000-{next(_ids):012d}",
                "body": "Sorry about that — we're on it.",
                "base_version": 2,
            },
        ),
        _user(202),
    ),
    Row(
        "reply to colleague's",
        lambda w, c: (
            "POST",
            f"/api/v1/mentions/{w.own_mention('colleague')}/replies",
            {
                "client_id": f"00000000-0000-4000-8000-{next(_ids):012d}",
                "body": "Hi!",
                "base_version": 2,
            },
        ),
        {**_user(202), "rep": 409},
    ),
    Row("events", lambda w, c: ("GET", "/api/v1/events", None), _user(200)),
]


@pytest.fixture(scope="module")
def matrix(live_server: LiveServer) -> Iterator[World]:
    live_server.add_brand_account("matrix-brand")  # the mentions' replies can be posted
    rep_id, rep = live_server.create_user("matrix-rep", role="rep")
    manager_id, manager = live_server.create_user("matrix-manager", role="manager")
    colleague_id, colleague = live_server.create_user("matrix-colleague", role="rep")
    admin_me = httpx.get(f"{live_server.base_url}/api/v1/me", headers=live_server.headers()).json()
    tokens = {
        "bad": "not-a-real-token",
        "rep": rep,
        "manager": manager,
        "admin": live_server.admin_token,
        "ingest": live_server.add_ingest_token("matrix-webhook"),
        "colleague": colleague,
    }
    user_ids = {
        "rep": rep_id,
        "manager": manager_id,
        "admin": admin_me["id"],
        "colleague": colleague_id,
    }
    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:
        yield World(live_server, client, tokens, user_ids, colleague_id, colleague)


def _call(world: World, caller: str, row: Row) -> httpx.Response:
    method, path, body = row.prepare(world, caller)
    headers = {} if caller == "none" else {"Authorization": f"Bearer {world.tokens[caller]}"}
    if path == "/api/v1/events":
        with world.client.stream(method, path, headers=headers) as response:
            if response.status_code != 200:
                response.read()  # an error body is short; a 200 is an endless stream
            return response
    return world.client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_role_matrix(matrix: World, row: Row) -> None:
    got = {caller: _call(matrix, caller, row) for caller in CALLERS}
    statuses = {caller: response.status_code for caller, response in got.items()}
    assert statuses == row.expect, {c: r.text[:200] for c, r in got.items()}
    for response in got.values():
        if response.status_code in (401, 403) and response.headers.get(
            "content-type", ""
        ).startswith("application/json"):
            assert response.json()["detail"], "a refusal must say why"
