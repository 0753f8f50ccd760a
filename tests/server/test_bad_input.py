"""Bad input gets a clear 4xx ErrorBody — never a 500, never a half-applied change."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    live_server.add_brand_account("bad-input-brand")  # replies to its mentions can be posted
    with httpx.Client(
        base_url=live_server.base_url, headers=live_server.headers(), timeout=10
    ) as client:
        yield client


def _error(response: httpx.Response, status: int, *words: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    for word in words:
        assert word.lower() in body["detail"].lower(), body
    return dict(body)


def _count(client: httpx.Client) -> int:
    return int(client.get("/api/v1/mentions", params={"limit": 1}).json()["count"])


def _new_mention(client: httpx.Client, name: str) -> int:
    response = client.post("/api/v1/mentions", json=mention_json(name))
    return int(response.json()["created"][0])


def test_malformed_json(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/mentions",
        content=b'{"network": "mastodon", "external_id": ',
        headers={"Content-Type": "application/json"},
    )
    _error(response, 400, "not valid JSON")


def test_wrong_types_and_unknown_enum(client: httpx.Client) -> None:
    body = mention_json("bad-1")
    body["author"] = "not an object"
    _error(client.post("/api/v1/mentions", json=body), 422, "author")
    body = mention_json("bad-2", network="myspace")
    _error(client.post("/api/v1/mentions", json=body), 422, "network")
    mention_id = _new_mention(client, "bad-3")
    _error(
        client.post(f"/api/v1/mentions/{mention_id}/claim", json={"version": "first"}),
        422,
        "version",
    )
    _error(client.put("/api/v1/users/1/duty", json={"duty": "sleeping"}), 422, "duty")
    _error(client.post("/api/v1/users", json={"name": "x", "role": "boss"}), 422, "role")


def test_unknown_fields_are_refused(client: httpx.Client) -> None:
    body = {**mention_json("bad-4"), "priority": 99}
    _error(client.post("/api/v1/mentions", json=body), 422, "priority", "not a known field")


def test_list_with_one_bad_item_stores_nothing(client: httpx.Client) -> None:
    before = _count(client)
    items = [mention_json("batch-ok-1"), {**mention_json("batch-bad"), "network": "nope"}]
    _error(client.post("/api/v1/mentions", json=items), 422, "network")
    assert _count(client) == before


def test_unknown_ids(client: httpx.Client) -> None:
    _error(client.get("/api/v1/mentions/999999"), 404, "999999")
    _error(client.post("/api/v1/mentions/999999/claim", json={"version": 1}), 404, "999999")
    _error(client.put("/api/v1/users/999999/duty", json={"duty": "away"}), 404, "999999")
    mention_id = _new_mention(client, "bad-assign")
    _error(
        client.post(f"/api/v1/mentions/{mention_id}/assign", json={"user_id": 999999}),
        404,
        "999999",
    )
    _error(client.get("/api/v1/nothing-here"), 404, "endpoint")
    _error(client.get("/api/v1/mentions/abc"), 422, "mention_id")


def test_stale_versions(client: httpx.Client) -> None:
    mention_id = _new_mention(client, "stale-1")
    assert client.post(f"/api/v1/mentions/{mention_id}/claim", json={"version": 1}).is_success
    body = _error(
        client.post(f"/api/v1/mentions/{mention_id}/release", json={"version": 1}), 409, "version"
    )
    assert body["current_version"] == 2
    reply = {"client_id": str(uuid.uuid4()), "body": "Hello", "base_version": 1}
    body = _error(client.post(f"/api/v1/mentions/{mention_id}/replies", json=reply), 409)
    assert body["code"] == "stale_base_version"
    detail = client.get(f"/api/v1/mentions/{mention_id}").json()
    assert detail["replies"] == [], "a refused reply left a trace"
    assert detail["version"] == 2


def test_bad_query_parameters(client: httpx.Client) -> None:
    _error(client.get("/api/v1/mentions", params={"status": "open,weird"}), 422, "weird")
    _error(client.get("/api/v1/mentions", params={"limit": 501}), 422, "limit")
    _error(client.get("/api/v1/mentions", params={"sort": "random"}), 422, "sort")
    _error(client.get("/api/v1/mentions", params={"assignee": "bob"}), 422, "assignee")


def test_bad_event_cursor(client: httpx.Client) -> None:
    _error(
        client.get("/api/v1/events", headers={"Last-Event-ID": "yesterday"}), 422, "Last-Event-ID"
    )


def test_snooze_in_the_past(client: httpx.Client) -> None:
    mention_id = _new_mention(client, "snooze-past")
    client.post(f"/api/v1/mentions/{mention_id}/claim", json={"version": 1})
    _error(
        client.post(
            f"/api/v1/mentions/{mention_id}/snooze", json={"until": "2001-01-01T00:00:00Z"}
        ),
        422,
        "future",
    )


def test_oversized_bodies(client: httpx.Client) -> None:
    big = mention_json("huge", text="x" * (1024 * 1024 + 10))
    _error(client.post("/api/v1/mentions", json=big), 413, "larger than")

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(2000):
            yield b'"' + b"y" * 1000 + b'",'
        yield b'"end"]'

    response = client.post(
        "/api/v1/mentions", content=chunks(), headers={"Content-Type": "application/json"}
    )
    _error(response, 413, "larger than")


def test_missing_and_wrong_tokens(live_server: LiveServer) -> None:
    url = f"{live_server.base_url}/api/v1/me"
    _error(httpx.get(url), 401, "missing bearer token")
    _error(httpx.get(url, headers={"Authorization": "Bearer nope"}), 401, "not valid")
    _error(httpx.get(url, headers={"Authorization": "Basic dXNlcjpwdw=="}), 401)


def test_duplicate_user_name(client: httpx.Client) -> None:
    assert client.post("/api/v1/users", json={"name": "twin"}).status_code == 201
    _error(client.post("/api/v1/users", json={"name": "twin"}), 409, "already exists")


def test_reply_client_id_is_idempotent(client: httpx.Client) -> None:
    mention_id = _new_mention(client, "idem-1")
    client.post(f"/api/v1/mentions/{mention_id}/claim", json={"version": 1})
    reply = {"client_id": str(uuid.uuid4()), "body": "On it!", "base_version": 2}
    first = client.post(f"/api/v1/mentions/{mention_id}/replies", json=reply)
    again = client.post(f"/api/v1/mentions/{mention_id}/replies", json=reply)
    assert first.status_code == again.status_code == 202
    assert first.json()["status"] == "queued"
    same = ("id", "client_id", "mention_id", "body", "author", "created_at")
    # (the reply sender may already have moved it on: compare what identifies the reply)
    assert {k: again.json()[k] for k in same} == {k: first.json()[k] for k in same}
    other = _new_mention(client, "idem-2")
    client.post(f"/api/v1/mentions/{other}/claim", json={"version": 1})
    _error(client.post(f"/api/v1/mentions/{other}/replies", json=reply), 409, "client_id")
    assert len(client.get(f"/api/v1/mentions/{mention_id}").json()["replies"]) == 1


def test_one_item_or_a_list_is_told_about_its_own_fields_once(client: httpx.Client) -> None:
    """The body may be one mention or a list: a bad one is told what is wrong with it, not
    also that it is not a list (or not a single object), and each problem once."""
    one = _error(
        client.post("/api/v1/mentions", json=mention_json("bad-5", network="myspace")),
        422,
        "network",
    )
    assert "list" not in str(one["detail"]).lower(), one
    assert "MentionCreate" not in str(one["detail"]), one
    many = _error(
        client.post("/api/v1/mentions", json=[mention_json("bad-6", network="myspace")]),
        422,
        "0.network",
    )
    assert "dictionary" not in str(many["detail"]).lower(), many
    assert "MentionCreate" not in str(many["detail"]), many


def test_a_refusal_ends_with_one_full_stop(client: httpx.Client) -> None:
    body = {**mention_json("bad-7", network="webhook"), "external_id": "x\x01y"}
    refused = _error(client.post("/api/v1/mentions", json=body), 422, "external_id")
    assert str(refused["detail"]).endswith(".")
    assert not str(refused["detail"]).endswith(".."), refused
