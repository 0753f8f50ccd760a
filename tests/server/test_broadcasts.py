"""Broadcasts: managers send, everyone acknowledges (idempotent), the list shows who has
acknowledged and which on-duty people have not, `unacked=me` serves a console that comes on
duty later — and over a real server, one broadcast reaches 30 live event streams, whose
acknowledgements reach the manager's stream."""

from __future__ import annotations

import asyncio
import json

import httpx
from httpx_sse import aconnect_sse

from tests.server.helpers import World
from tests.support.live_server import LiveServer
from tests.support.sse import last_event_id

CONSOLES = 30


def test_send_ack_list_and_unacked_for_me(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    w.user("boss", role="manager")
    w.duty("ana", "on_duty")
    w.duty("boss", "on_duty")
    assert w.call("POST", "/broadcasts", "ana", {"text": "hi"}).status_code == 403
    assert w.call("POST", "/broadcasts", "boss", {"text": ""}).status_code == 422
    assert (
        w.call("POST", "/broadcasts", "boss", {"text": "x", "severity": "meh"}).status_code == 422
    )
    before = w.last_event_id()
    sent = w.call(
        "POST", "/broadcasts", "boss", {"text": "Outage: payments down", "severity": "urgent"}
    )
    assert sent.status_code == 201, sent.text
    broadcast = sent.json()
    assert broadcast["severity"] == "urgent"
    assert [u["name"] for u in broadcast["pending"]] == ["ana", "boss"]
    [event] = w.events(after=before)
    assert event.type == "broadcast.sent"
    assert event.audience is None
    assert event.payload["broadcast"]["id"] == broadcast["id"]

    path = f"/broadcasts/{broadcast['id']}/ack"
    first = w.call("POST", path, "ana")
    assert first.status_code == 200
    assert [a["user"]["name"] for a in first.json()["acks"]] == ["ana"]
    assert [u["name"] for u in first.json()["pending"]] == ["boss"]
    w.clock.advance(minutes=1)
    second = w.call("POST", path, "ana")
    assert second.json() == first.json(), "acknowledging twice changes nothing"
    acked = w.events("broadcast.acked", after=before)
    assert len(acked) == 1
    assert acked[0].payload == {
        "broadcast_id": broadcast["id"],
        "user": {"id": w.ids["ana"], "name": "ana"},
        "acked_at": "2026-03-27T08:00:00Z",
    }

    # Ben was off duty: nobody waits on him, but he sees it when he comes on.
    assert w.call("GET", "/broadcasts", "ana", unacked="me").json()["count"] == 0
    for_ben = w.call("GET", "/broadcasts", "ben", unacked="me").json()
    assert [b["id"] for b in for_ben["data"]] == [broadcast["id"]]
    listed = w.call("GET", "/broadcasts", "ben").json()["data"][0]
    assert [a["user"]["name"] for a in listed["acks"]] == ["ana"]
    assert w.call("GET", "/broadcasts", "ben", unacked="you").status_code == 422
    assert w.call("POST", "/broadcasts/999999/ack", "ben").status_code == 404
    assert w.call("GET", "/broadcasts/999999", "ben").status_code == 404


async def _console(
    base_url: str, token: str, after: int, ready: asyncio.Event | None, wanted: str, count: int
) -> list[dict[str, object]]:
    """One console's event stream: collect `count` events of type `wanted` after `after`."""
    found: list[dict[str, object]] = []
    headers = {"Authorization": f"Bearer {token}", "Last-Event-ID": str(after)}
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10, read=15)) as client,
        aconnect_sse(client, "GET", "/api/v1/events", headers=headers) as source,
    ):
        source.response.raise_for_status()
        if ready is not None:
            ready.set()
        async for sse in source.aiter_sse():
            if sse.event == wanted:
                found.append(json.loads(sse.data))
                if len(found) >= count:
                    return found
    return found


def test_broadcast_reaches_30_live_consoles_and_their_acks_reach_the_manager(
    live_server: LiveServer,
) -> None:
    manager_id, manager_token = live_server.create_user("bc-boss", role="manager")
    reps = [live_server.create_user(f"bc-rep-{i}") for i in range(CONSOLES)]
    for rep_id, rep_token in reps:
        response = httpx.put(
            f"{live_server.base_url}/api/v1/users/{rep_id}/duty",
            json={"duty": "on_duty"},
            headers=live_server.headers(rep_token),
        )
        assert response.status_code == 200
    after = last_event_id(live_server.base_url)

    async def scenario() -> tuple[list[list[dict[str, object]]], list[dict[str, object]], int]:
        async with asyncio.timeout(60):
            consoles = [
                asyncio.create_task(
                    _console(live_server.base_url, token, after, None, "broadcast.sent", 1)
                )
                for _, token in reps
            ]
            manager_ready = asyncio.Event()
            manager_view = asyncio.create_task(
                _console(
                    live_server.base_url,
                    manager_token,
                    after,
                    manager_ready,
                    "broadcast.acked",
                    CONSOLES,
                )
            )
            await manager_ready.wait()
            async with httpx.AsyncClient(base_url=live_server.base_url, timeout=10) as client:
                sent = await client.post(
                    "/api/v1/broadcasts",
                    json={"text": "Storm: stores close at 3 pm", "severity": "important"},
                    headers=live_server.headers(manager_token),
                )
                assert sent.status_code == 201, sent.text
                broadcast_id = int(sent.json()["id"])
                received = await asyncio.gather(*consoles)
                acks = await asyncio.gather(
                    *(
                        client.post(
                            f"/api/v1/broadcasts/{broadcast_id}/ack",
                            headers=live_server.headers(token),
                        )
                        for _, token in reps
                    )
                )
                assert [a.status_code for a in acks] == [200] * CONSOLES, [a.text for a in acks]
            return received, await manager_view, broadcast_id

    received, acked, broadcast_id = asyncio.run(scenario())
    for events in received:
        payload = events[0]["payload"]
        assert isinstance(payload, dict)
        assert payload["broadcast"]["id"] == broadcast_id
        assert payload["broadcast"]["text"] == "Storm: stores close at 3 pm"
    acked_by = {
        e["payload"]["user"]["id"]  # type: ignore[index]
        for e in acked
        if e["payload"]["broadcast_id"] == broadcast_id  # type: ignore[index]
    }
    assert acked_by == {rep_id for rep_id, _ in reps}

    listed = httpx.get(
        f"{live_server.base_url}/api/v1/broadcasts/{broadcast_id}",
        headers=live_server.headers(manager_token),
    ).json()
    assert len(listed["acks"]) == CONSOLES
    assert {u["id"] for u in listed["pending"]} <= {manager_id}
