"""Who may post mentions as which network through `POST /api/v1/mentions`, and what a post id
may look like: an ingest token posts `webhook` mentions only unless an admin allowed it more
networks (`add-ingest-token NAME --network N`); admins keep full rights; an id that is no post
id of its network is refused with 422 before anything is stored."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.live_server import LiveServer, last_line, mention_json, run_cli

TRAVERSAL = "1/../../accounts/verify_credentials"


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:
        yield client


def _token(server: LiveServer, name: str, *networks: str) -> str:
    args = ["add-ingest-token", name, "--database-url", server.database_url]
    for network in networks:
        args += ["--network", network]
    result = run_cli(args, env=server.env)
    assert result.returncode == 0, result.stderr
    return last_line(result.stdout)


def _post(client: httpx.Client, token: str, body: object) -> httpx.Response:
    return client.post("/api/v1/mentions", json=body, headers={"Authorization": f"Bearer {token}"})


def _stored(client: httpx.Client, server: LiveServer, external_id: str) -> bool:
    rows = client.get(
        "/api/v1/mentions", params={"q": external_id, "limit": 500}, headers=server.headers()
    ).json()["data"]
    return any(m["external_id"] == external_id for m in rows)


def test_an_ingest_token_posts_webhook_mentions_only(
    live_server: LiveServer, client: httpx.Client
) -> None:
    token = _token(live_server, "zapier")
    webhook = mention_json("ticket 4711", network="webhook")
    assert _post(client, token, webhook).status_code == 200

    for network, external_id in (("mastodon", "113624857238953642"), ("x", "1860000000000051")):
        refused = _post(client, token, mention_json(external_id, network=network))
        assert refused.status_code == 403, refused.text
        body = refused.json()
        assert body["code"] == "ingest_network"
        assert body["detail"] == (
            f"The ingest token 'zapier' may post mentions only as webhook, not as {network}: "
            "an admin allows more networks with "
            "`responder-server add-ingest-token NAME --network NETWORK`."
        )
        assert not _stored(client, live_server, external_id)

    # A list with one forbidden item stores nothing.
    mixed = [mention_json("ticket 4712", network="webhook"), mention_json("113624857238953643")]
    assert _post(client, token, mixed).status_code == 403
    assert not _stored(client, live_server, "ticket 4712")


def test_an_admin_allows_a_token_more_networks(
    live_server: LiveServer, client: httpx.Client
) -> None:
    token = _token(live_server, "bridge", "mastodon")
    allowed = _post(client, token, mention_json("113624857238953650", network="mastodon"))
    assert allowed.status_code == 200, allowed.text
    assert _post(client, token, mention_json("ticket 9", network="webhook")).status_code == 200
    assert _post(client, token, mention_json("1860000000000060", network="x")).status_code == 403


def test_admins_keep_full_rights(live_server: LiveServer, client: httpx.Client) -> None:
    for network, external_id in (("mastodon", "113624857238953660"), ("x", "1860000000000070")):
        response = _post(
            client, live_server.admin_token, mention_json(external_id, network=network)
        )
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("network", "external_id", "words"),
    [
        ("mastodon", TRAVERSAL, "A Mastodon post id is up to 64 letters, digits"),
        ("x", "1860000000000000051/retweets", "An X post id is up to 19 digits"),
        ("bluesky", "3lbtyuki00002", "A Bluesky post id is an AT URI"),
        ("webhook", "two\nlines", "A Webhook post id is text without control characters"),
    ],
)
def test_an_id_that_is_no_post_id_of_its_network_is_refused(
    live_server: LiveServer, client: httpx.Client, network: str, external_id: str, words: str
) -> None:
    response = _post(client, live_server.admin_token, mention_json(external_id, network=network))
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


def test_a_time_without_a_zone_is_read_as_utc(
    live_server: LiveServer, client: httpx.Client
) -> None:
    body = {**mention_json("ticket 77", network="webhook"), "created_at": "2026-11-30T10:00:00"}
    response = _post(client, live_server.admin_token, body)
    assert response.status_code == 200, response.text
    [mention_id] = response.json()["created"]
    stored = client.get(f"/api/v1/mentions/{mention_id}", headers=live_server.headers()).json()
    assert stored["created_at"] in ("2026-11-30T10:00:00Z", "2026-11-30T10:00:00+00:00")


def test_a_time_with_no_utc_equivalent_is_refused_not_a_500(
    live_server: LiveServer, client: httpx.Client
) -> None:
    body = {**mention_json("ticket 78", network="webhook"), "created_at": "0001-01-01T00:00+01:00"}
    response = _post(client, live_server.admin_token, body)
    assert response.status_code == 422, response.text
    assert "out of range once written in UTC" in response.json()["detail"]
