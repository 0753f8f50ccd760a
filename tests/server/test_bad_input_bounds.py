"""Numbers beyond the database's columns, NUL characters and JSON of the wrong type get the same
answer from a real server on SQLite and on PostgreSQL: 422 (or 404 for an id that fits its
column but names nothing), never a 500, never a silent nothing.

PostgreSQL's `integer` ends at 2^31−1 and `bigint` (and SQLite's INTEGER) at 2^63−1; mention,
reply and event ids are `bigint`s, every other id, versions and offsets are `integer`s."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json

INT32 = 2**31  # one beyond PostgreSQL's integer
INT64 = 2**63  # one beyond bigint, and beyond SQLite's INTEGER


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    name = "live_server" if request.param == "sqlite" else "postgres_live_server"
    live: LiveServer = request.getfixturevalue(name)
    live.add_brand_account(f"bounds-brand-{uuid.uuid4().hex[:8]}")  # replies can be queued
    return live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=server.headers(), timeout=10) as client:
        yield client


def _status(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, (response.request.url, response.text)
    if status >= 400:
        detail = response.json()["detail"]
        for word in words:
            assert word.lower() in detail.lower(), detail


def _mention(client: httpx.Client, **fields: object) -> int:
    body = {**mention_json(f"bounds-{uuid.uuid4().hex}"), **fields}
    response = client.post("/api/v1/mentions", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["created"][0])


def _claimed(client: httpx.Client) -> int:
    mention_id = _mention(client)
    assert client.post(f"/api/v1/mentions/{mention_id}/claim", json={"version": 1}).is_success
    return mention_id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/handoffs/{n}"),
        ("POST", "/api/v1/handoffs/{n}/accept"),
        ("GET", "/api/v1/broadcasts/{n}"),
        ("POST", "/api/v1/broadcasts/{n}/ack"),
        ("GET", "/api/v1/teams/{n}"),
        ("GET", "/api/v1/teams/{n}/rota"),
        ("GET", "/api/v1/teams/{n}/cool-off"),
        ("POST", "/api/v1/teams/1/members/{n}"),
        ("DELETE", "/api/v1/canned/{n}"),
    ],
)
def test_integer_ids_beyond_2_31_in_the_path(client: httpx.Client, method: str, path: str) -> None:
    for n in (INT32, INT64, 0):
        _status(client.request(method, path.format(n=n)), 422)
    _status(client.request(method, path.format(n=INT32 - 1)), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/mentions/{n}"),
        ("POST", "/api/v1/mentions/{n}/release"),
        ("GET", "/api/v1/mentions/{n}/draft"),
        ("POST", "/api/v1/followups/{n}/done"),
    ],
)
def test_mention_ids_beyond_2_63_in_the_path(client: httpx.Client, method: str, path: str) -> None:
    _status(client.request(method, path.format(n=INT64)), 422, "mention_id")
    _status(client.request(method, path.format(n=10**30)), 422, "mention_id")
    for n in (INT32, INT64 - 1):  # a bigint that names nothing
        _status(client.request(method, path.format(n=n)), 404)


def test_user_ids_in_the_path(client: httpx.Client) -> None:
    _status(client.put(f"/api/v1/users/{INT32}/duty", json={"duty": "away"}), 422, "user_id")
    _status(client.put(f"/api/v1/users/{INT32 - 1}/duty", json={"duty": "away"}), 404)


@pytest.mark.parametrize("path", ["mentions", "handoffs", "broadcasts", "followups"])
def test_offsets_beyond_2_31(client: httpx.Client, path: str) -> None:
    for offset in (INT32, INT64):
        _status(client.get(f"/api/v1/{path}", params={"offset": offset}), 422, "offset")
    _status(client.get(f"/api/v1/{path}", params={"offset": INT32 - 1}), 200)


def test_query_ids_and_the_assignee(client: httpx.Client) -> None:
    for assignee in (str(INT32), str(INT64), "²"):
        _status(client.get("/api/v1/mentions", params={"assignee": assignee}), 422, "assignee")
    listed = client.get("/api/v1/mentions", params={"assignee": str(INT32 - 1)})
    assert listed.status_code == 200
    assert listed.json()["data"] == []
    _status(client.get("/api/v1/handoffs", params={"mention_id": INT64}), 422, "mention_id")
    _status(client.get("/api/v1/handoffs", params={"mention_id": INT32}), 200)


def test_event_cursor_beyond_2_63(server: LiveServer) -> None:
    url = f"{server.base_url}/api/v1/events"
    with httpx.Client(headers=server.headers(), timeout=10) as client:
        for cursor in (str(INT64), "9" * 5000, "-1", "1e3"):
            _status(client.get(url, headers={"Last-Event-ID": cursor}), 422, "Last-Event-ID")
        _status(client.get(url, params={"after": INT64}), 422, "after")
        # the largest cursor is a cursor: the stream opens (and has nothing after it)
        with client.stream("GET", url, headers={"Last-Event-ID": str(INT64 - 1)}) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")


def test_integers_in_bodies(client: httpx.Client) -> None:
    mention_id = _mention(client)
    claim = f"/api/v1/mentions/{mention_id}/claim"
    for version in (INT32, INT64, 10**30):
        _status(client.post(claim, json={"version": version}), 422, "version")
    assign = f"/api/v1/mentions/{mention_id}/assign"
    _status(client.post(assign, json={"user_id": INT32}), 422, "user_id")
    _status(client.post(assign, json={"user_id": INT64}), 422, "user_id")
    _status(client.post(assign, json={"user_id": INT32 - 1}), 404)
    handoff = {"mention_id": INT64, "to_user_id": 1}
    _status(client.post("/api/v1/handoffs", json=handoff), 422, "mention_id")
    handoff = {"mention_id": mention_id, "to_user_id": INT32}
    _status(client.post("/api/v1/handoffs", json=handoff), 422, "to_user_id")
    author = {"handle": "@big", "followers": INT32}
    body = {**mention_json(f"big-{uuid.uuid4().hex}"), "author": author}
    _status(client.post("/api/v1/mentions", json=body), 422, "followers")
    _status(client.put("/api/v1/teams/1/members", json={"user_ids": [INT32]}), 422, "user_ids")
    shift = {"weekday": 0, "start": "09:00", "end": "17:00", "user_id": INT32}
    _status(client.put("/api/v1/teams/1/rota", json={"shifts": [shift]}), 422, "user_id")
    draft = {"body": "x", "base_revision": INT32}
    _status(client.put(f"/api/v1/mentions/{mention_id}/draft", json=draft), 422, "base_revision")
    owned = _claimed(client)
    reply = {"client_id": str(uuid.uuid4()), "body": "Hi", "base_version": INT64}
    _status(client.post(f"/api/v1/mentions/{owned}/replies", json=reply), 422, "base_version")


def test_json_numbers_and_booleans_are_strict(client: httpx.Client) -> None:
    mention_id = _mention(client)
    claim = f"/api/v1/mentions/{mention_id}/claim"
    for version in (True, 1.0, "1"):
        _status(client.post(claim, json={"version": version}), 422, "version")
    owned = _claimed(client)
    reply = {"client_id": str(uuid.uuid4()), "body": "Hi", "base_version": 2, "force": "yes"}
    _status(client.post(f"/api/v1/mentions/{owned}/replies", json=reply), 422, "force")
    _status(client.post("/api/v1/teams", json={"name": "t", "escalate_after_minutes": 5.0}), 422)
    body = {**mention_json(f"demo-{uuid.uuid4().hex}"), "is_demo": 1}
    _status(client.post("/api/v1/mentions", json=body), 422, "is_demo")
    assert client.post(claim, json={"version": 1}).status_code == 200


def test_nul_is_taken_out_of_every_text(server: LiveServer, client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    author = {"handle": "@nul\x00l", "display_name": "Nu\x00ll"}
    body = {
        **mention_json(f"nul-\x00{tag}"),
        "text": "Where is\x00 my order?",
        "author": author,
        "thread_key": "t\x00k",
    }
    created = client.post("/api/v1/mentions", json=body)
    assert created.status_code == 200, created.text
    mention_id = created.json()["created"][0]
    stored = client.get(f"/api/v1/mentions/{mention_id}").json()
    assert stored["text"] == "Where is my order?"
    assert stored["external_id"] == f"nul-{tag}"
    assert stored["author"]["handle"] == "@null"
    assert stored["author"]["display_name"] == "Null"
    assert stored["thread_key"] == "tk"
    found = client.get("/api/v1/mentions", params={"q": "Where\x00 is my"})
    assert found.status_code == 200
    assert mention_id in [m["id"] for m in found.json()["data"]]
    again = client.post("/api/v1/mentions", json={**body, "external_id": f"nul-{tag}"})
    assert again.json()["duplicates"] == [mention_id]

    client.post(f"/api/v1/mentions/{mention_id}/claim", json={"version": 1})
    reply = {"client_id": str(uuid.uuid4()), "body": "On\x00 it", "base_version": 2}
    queued = client.post(f"/api/v1/mentions/{mention_id}/replies", json=reply)
    assert queued.status_code == 202, queued.text
    assert queued.json()["body"] == "On it"
    draft = {"body": "dr\x00aft", "base_revision": 0, "device": "la\x00ptop"}
    saved = client.put(f"/api/v1/mentions/{mention_id}/draft", json=draft)
    assert (saved.status_code, saved.json()["body"], saved.json()["device"]) == (
        200,
        "draft",
        "laptop",
    )
    sent = client.post("/api/v1/broadcasts", json={"text": "Out\x00age"})
    assert (sent.status_code, sent.json()["text"]) == (201, "Outage")
    user = client.post("/api/v1/users", json={"name": f"n\x00{tag}", "teams": [f"te\x00{tag}"]})
    assert (user.status_code, user.json()["name"]) == (201, f"n{tag}")
    team = client.post("/api/v1/teams", json={"name": f"te\x00am{tag}", "description": "d\x00"})
    assert (team.status_code, team.json()["name"]) == (201, f"team{tag}")
    canned = client.post("/api/v1/canned", json={"title": "T\x00i", "body": "B\x00o"})
    assert (canned.status_code, canned.json()["title"], canned.json()["body"]) == (201, "Ti", "Bo")
    handoff = client.post(
        "/api/v1/handoffs",
        json={"mention_id": mention_id, "to_team": f"team{tag}", "note": "n\x00ote"},
    )
    assert (handoff.status_code, handoff.json()["note"]) == (201, "note"), handoff.text
    declined = client.post(
        f"/api/v1/handoffs/{handoff.json()['id']}/decline", json={"reason": "b\x00usy"}
    )
    assert declined.status_code in (200, 403), declined.text  # the admin is not in the team
    # text that is nothing but NUL is empty text: refused where text is required
    _status(client.post("/api/v1/broadcasts", json={"text": "\x00\x00"}), 422, "text")
