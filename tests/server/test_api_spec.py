"""The OpenAPI spec says what the server answers: the 400 for malformed JSON and the 413 for an
oversized body are documented, every id and offset carries its column's bounds, text fields
and strict types are what the server enforces, and a 405 lists every method the path allows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.live_server import LiveServer

INT32_MAX = 2**31 - 1


@pytest.fixture(scope="module")
def spec(live_server: LiveServer) -> dict[str, Any]:
    response = httpx.get(f"{live_server.base_url}/openapi.json", timeout=10)
    response.raise_for_status()
    return dict(response.json())


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    for parameter in operation.get("parameters", []):
        if parameter["name"] == name:
            return dict(parameter["schema"])
    raise AssertionError(f"no parameter {name}")


def test_every_body_documents_malformed_json_and_the_size_cap(spec: dict[str, Any]) -> None:
    with_body = [op for op in _operations(spec) if "requestBody" in op[2]]
    assert len(with_body) > 15
    for method, path, operation in with_body:
        for status in ("400", "413", "422"):
            assert status in operation["responses"], f"{method} {path} omits {status}"
        assert "malformed" in operation["responses"]["400"]["description"].lower()


def test_ids_and_offsets_carry_their_bounds(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            name, schema = parameter["name"], parameter["schema"]
            schema = next((s for s in schema.get("anyOf", [schema]) if s.get("type")), schema)
            if name.endswith("_id") or name == "offset":
                assert schema.get("type") == "integer", (method, path, name)
                if name in ("mention_id", "reply_id", "customer_id"):  # bigint: 2^63 is exact
                    assert schema.get("exclusiveMaximum") == 2**63, (method, path, schema)
                else:
                    assert schema.get("maximum") == INT32_MAX, (method, path, name, schema)
    after = _parameter(spec["paths"]["/api/v1/events"]["get"], "after")
    assert after["anyOf"][0]["exclusiveMaximum"] == 2**63


def test_body_integers_are_bounded(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["ClaimRequest"]["properties"]["version"]["maximum"] == INT32_MAX
    assert schemas["HandoffCreate"]["properties"]["mention_id"]["exclusiveMaximum"] == 2**63
    to_user = schemas["HandoffCreate"]["properties"]["to_user_id"]["anyOf"][0]
    assert to_user["maximum"] == INT32_MAX
    assert schemas["TeamMembersUpdate"]["properties"]["user_ids"]["items"]["maximum"] == INT32_MAX


def test_malformed_json_is_the_documented_400(live_server: LiveServer) -> None:
    response = httpx.post(
        f"{live_server.base_url}/api/v1/broadcasts",
        content=b'{"text": ',
        headers={**live_server.headers(), "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/mentions", "GET, POST"),
        ("OPTIONS", "/api/v1/mentions", "GET, POST"),
        ("PATCH", "/api/v1/mentions/1/draft", "DELETE, GET, PUT"),
        ("POST", "/api/v1/teams/1", "GET, PATCH"),
        ("GET", "/api/v1/mentions/1/claim", "POST"),
        ("HEAD", "/api/v1/mentions", "GET, POST"),
        ("PUT", "/api/v1/teams/1/cool-off", None),  # answered: PUT is allowed there
    ],
)
def test_405_lists_every_allowed_method(
    live_server: LiveServer, method: str, path: str, allowed: str | None
) -> None:
    response = httpx.request(
        method, f"{live_server.base_url}{path}", headers=live_server.headers(), timeout=10
    )
    if allowed is None:
        assert response.status_code != 405
        return
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    if method != "HEAD":
        assert allowed in response.json()["detail"]
