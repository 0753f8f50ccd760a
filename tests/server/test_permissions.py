"""Who may call what, for every endpoint of team operations: no token, a wrong token, rep,
manager, admin. Each row prepares a fresh valid request for the caller, so a refusal can only
come from the role rule."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.server.helpers import World, make_world

CALLERS = ("none", "bad", "rep", "manager", "admin")
_n = itertools.count(1)
Request = tuple[str, str, object | None]


@dataclass(frozen=True)
class Row:
    name: str
    prepare: Callable[[World, str], Request]
    expect: tuple[int, int, int]  # rep, manager, admin (no token / bad token: always 401)


def _uid(w: World, caller: str) -> int:
    return w.ids.get(caller, w.ids["colleague"])


def _handoff_to(w: World, caller: str) -> int:
    mention_id = w.claimed("colleague")
    target = w.ids.get(caller, w.ids["rep"])
    body = {"mention_id": mention_id, "to_user_id": target, "note": ""}
    response = w.call("POST", "/handoffs", "colleague", body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _team(w: World) -> int:
    name = f"matrix-{next(_n)}"
    response = w.call("POST", "/teams", "admin", {"name": name})
    assert response.status_code == 201
    return int(response.json()["id"])


def _broadcast(w: World) -> int:
    response = w.call("POST", "/broadcasts", "manager", {"text": "note"})
    assert response.status_code == 201
    return int(response.json()["id"])


def _own_mention(w: World, caller: str) -> int:
    return w.claimed(caller if caller in w.ids else "colleague")


def _member_team(w: World) -> tuple[int, int]:
    team_id = _team(w)
    added = w.call("POST", f"/teams/{team_id}/members/{w.ids['colleague']}", "admin")
    assert added.status_code == 200
    return team_id, w.ids["colleague"]


ROWS = [
    Row("list teams", lambda w, c: ("GET", "/teams", None), (200, 200, 200)),
    Row("read team", lambda w, c: ("GET", f"/teams/{_team(w)}", None), (200, 200, 200)),
    Row(
        "create team",
        lambda w, c: ("POST", "/teams", {"name": f"new-{next(_n)}"}),
        (403, 403, 201),
    ),
    Row(
        "team settings",
        lambda w, c: ("PATCH", f"/teams/{_team(w)}", {"escalate_after_minutes": 30}),
        (403, 200, 200),
    ),
    Row(
        "rename team",
        lambda w, c: ("PATCH", f"/teams/{_team(w)}", {"name": f"renamed-{next(_n)}"}),
        (403, 403, 200),
    ),
    Row(
        "set members",
        lambda w, c: ("PUT", f"/teams/{_team(w)}/members", {"user_ids": [w.ids["colleague"]]}),
        (403, 403, 200),
    ),
    Row(
        "add member",
        lambda w, c: ("POST", f"/teams/{_team(w)}/members/{w.ids['colleague']}", None),
        (403, 403, 200),
    ),
    Row(
        "remove member",
        lambda w, c: ("DELETE", "/teams/{}/members/{}".format(*_member_team(w)), None),
        (403, 403, 200),
    ),
    Row("read rota", lambda w, c: ("GET", f"/teams/{_team(w)}/rota", None), (200, 200, 200)),
    Row(
        "set rota",
        lambda w, c: ("PUT", f"/teams/{_team(w)}/rota", {"shifts": []}),
        (403, 200, 200),
    ),
    Row("roster", lambda w, c: ("GET", "/roster", None), (200, 200, 200)),
    Row("coverage", lambda w, c: ("GET", "/coverage", None), (200, 200, 200)),
    Row("overview", lambda w, c: ("GET", "/overview?days=7", None), (403, 200, 200)),
    Row(
        "own duty",
        lambda w, c: ("PUT", f"/users/{_uid(w, c)}/duty", {"duty": "away"}),
        (200, 200, 200),
    ),
    Row(
        "someone else's duty",
        lambda w, c: ("PUT", f"/users/{w.ids['colleague']}/duty", {"duty": "away"}),
        (403, 200, 200),
    ),
    Row(
        "hand off",
        lambda w, c: (
            "POST",
            "/handoffs",
            {"mention_id": _own_mention(w, c), "to_team": "billing", "note": "n"},
        ),
        (201, 201, 201),
    ),
    Row("my handoffs", lambda w, c: ("GET", "/handoffs", None), (200, 200, 200)),
    Row("every handoff", lambda w, c: ("GET", "/handoffs?box=all", None), (403, 200, 200)),
    Row(
        "read handoff",
        lambda w, c: ("GET", f"/handoffs/{_handoff_to(w, c)}", None),
        (200, 200, 200),
    ),
    Row(
        "accept handoff",
        lambda w, c: ("POST", f"/handoffs/{_handoff_to(w, c)}/accept", None),
        (200, 200, 200),
    ),
    Row(
        "decline handoff",
        lambda w, c: ("POST", f"/handoffs/{_handoff_to(w, c)}/decline", {"reason": "not mine"}),
        (200, 200, 200),
    ),
    Row("send broadcast", lambda w, c: ("POST", "/broadcasts", {"text": "hi"}), (403, 201, 201)),
    Row("list broadcasts", lambda w, c: ("GET", "/broadcasts?unacked=me", None), (200, 200, 200)),
    Row(
        "read broadcast",
        lambda w, c: ("GET", f"/broadcasts/{_broadcast(w)}", None),
        (200, 200, 200),
    ),
    Row(
        "ack broadcast",
        lambda w, c: ("POST", f"/broadcasts/{_broadcast(w)}/ack", None),
        (200, 200, 200),
    ),
    Row("my follow-ups", lambda w, c: ("GET", "/followups", None), (200, 200, 200)),
    Row("all follow-ups", lambda w, c: ("GET", "/followups?scope=all", None), (403, 200, 200)),
]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    for w in make_world(Path(tmp_path_factory.mktemp("matrix"))):
        w.user("rep")
        w.user("manager", role="manager")
        w.user("colleague")
        w.tokens["admin"] = w.admin_token
        admin_id = w.call("GET", "/me", "admin").json()["id"]
        w.ids["admin"] = int(admin_id)
        yield w


@pytest.mark.parametrize(
    ("row", "caller"),
    [pytest.param(r, c, id=f"{r.name}-{c}") for r in ROWS for c in CALLERS],
)
def test_permission_matrix(matrix: World, row: Row, caller: str) -> None:
    method, path, body = row.prepare(matrix, caller)
    if caller == "none":
        headers: dict[str, str] = {}
    elif caller == "bad":
        headers = {"Authorization": "Bearer not-a-real-token"}
    else:
        headers = matrix.h(caller)
    response = matrix.client.request(method, f"/api/v1{path}", headers=headers, json=body)
    expected = (
        401 if caller in ("none", "bad") else row.expect[("rep", "manager", "admin").index(caller)]
    )
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.json()["detail"]
