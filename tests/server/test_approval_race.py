"""Against real server processes, on SQLite and on PostgreSQL: every manager answers one
approval request at once, some approving and some denying; exactly one answer wins (200), the
others get 409 `approval_answered`, and the request keeps the winner's answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json

pytestmark = pytest.mark.slow

MANAGERS = 7  # below the server's worker threads, as in test_live_races.py


@pytest.fixture(params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    name = "live_server" if request.param == "sqlite" else "postgres_live_server"
    live: LiveServer = request.getfixturevalue(name)
    return live


def test_managers_answering_one_request_at_once_one_wins(server: LiveServer) -> None:
    tag = server.database_url[-6:].replace("/", "")
    _rep_id, rep_token = server.create_user(f"asker-{tag}")
    managers = [server.create_user(f"boss-{tag}-{i}", role="manager") for i in range(MANAGERS)]
    [mention_id] = server.ingest([mention_json(f"approval-race-{tag}")])
    server.claim(mention_id, rep_token)
    asked = httpx.post(
        f"{server.base_url}/api/v1/approvals",
        json={"mention_id": mention_id, "body": "We will refund you.", "reason": "Lost twice"},
        headers=server.headers(rep_token),
        timeout=30,
    )
    assert asked.status_code == 201, asked.text
    approval_id = asked.json()["id"]

    def answer(index: int) -> httpx.Response:
        token = managers[index][1]
        verb, body = ("approve", {}) if index % 2 == 0 else ("deny", {"reason": f"no {index}"})
        return httpx.post(
            f"{server.base_url}/api/v1/approvals/{approval_id}/{verb}",
            json=body,
            headers=server.headers(token),
            timeout=30,
        )

    with ThreadPoolExecutor(MANAGERS) as pool:
        answers = list(pool.map(answer, range(MANAGERS)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (MANAGERS - 1), [a.text for a in answers]
    assert all(a.json()["code"] == "approval_answered" for a in answers if a.status_code == 409)
    won = next(a for a in answers if a.status_code == 200).json()
    stored = httpx.get(
        f"{server.base_url}/api/v1/approvals/{approval_id}",
        headers=server.headers(rep_token),
        timeout=30,
    ).json()
    assert (stored["state"], stored["decided_by"], stored["decision_reason"]) == (
        won["state"],
        won["decided_by"],
        won["decision_reason"],
    )
