"""What a manager changes reaches running consoles: a canned reply or playbook entry added,
edited or deleted over HTTP, and a team's cool-off, are in a running rep's composer core
without a restart or a manual refresh (the server's `canned.changed` and `cool_off.changed`
events make the core reload them)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx

from app.client.composer.policy import CoolOffPolicy
from app.models.composer import CannedPublic
from app.models.enums import EventType
from app.models.schemas import EventPublic
from tests.client.composer.presenting import composer
from tests.client.waiting import until
from tests.support.composer import FakeClock, Rep, api_get, api_post
from tests.support.live_server import LiveServer


def _titles(entries: list[CannedPublic]) -> list[str]:
    return [e.title for e in entries]


async def test_a_managers_changes_reach_a_running_console(
    live_server: LiveServer, tmp_path: Path
) -> None:
    name = f"rep-{uuid.uuid4().hex[:6]}"
    user_id, token = live_server.create_user(name, role="rep", teams=["support"])
    rep = Rep(live_server, user_id, token, name)
    _, manager = live_server.create_user(f"mia-{uuid.uuid4().hex[:6]}", role="manager")
    title = f"Parcel trace {uuid.uuid4().hex[:4]}"
    async with composer(rep, tmp_path / "c.sqlite3", FakeClock()) as presenter:
        service = presenter.service
        await service.settled()  # the first load, when the session came online
        assert title not in _titles(service.canned)

        entry = {"title": title, "body": "I've asked the carrier to trace your parcel."}
        waiting = asyncio.ensure_future(
            until(service.canned_changed, lambda canned: title in _titles(canned))
        )
        created = await asyncio.to_thread(api_post, live_server, "/canned", manager, entry)
        assert created.status_code == 201, created.text
        canned = await waiting
        [added] = [e for e in canned if e.title == title]
        assert added.body == entry["body"]
        assert title in _titles(service.canned)

        # a playbook entry deleted is gone as well
        playbook = {"kind": "playbook", "title": f"{title} (refund)", "body": "Refund 20 EUR."}
        made = await asyncio.to_thread(api_post, live_server, "/canned", manager, playbook)
        await until(service.canned_changed, lambda c: playbook["title"] in _titles(c))
        gone = asyncio.ensure_future(
            until(service.canned_changed, lambda c: playbook["title"] not in _titles(c))
        )
        deleted = await asyncio.to_thread(
            httpx.delete,
            f"{live_server.base_url}/api/v1/canned/{made.json()['id']}",
            headers=live_server.headers(manager),
            timeout=10,
        )
        assert deleted.status_code == 204
        await gone

        # the team's cool-off: the next reply waits the new one
        teams = await asyncio.to_thread(api_get, live_server, "/teams", manager)
        listed: list[dict[str, Any]] = teams["data"]  # type: ignore[assignment]
        [support] = [t for t in listed if t["name"] == "support"]
        arrived = asyncio.ensure_future(
            until(
                service.session.event_received,
                lambda e: e.type is EventType.COOL_OFF_CHANGED,
            )
        )
        setting = {"seconds": 45, "heated_seconds": 120}
        changed = await asyncio.to_thread(
            _put, live_server, f"/teams/{support['id']}/cool-off", manager, setting
        )
        assert changed.status_code == 200, changed.text
        event: EventPublic = await arrived
        assert event.payload["cool_off"]["seconds"] == 45
        await service.settled()  # the reload the event started
        assert service.cool_off.policy == CoolOffPolicy(45, 120)


def _put(server: LiveServer, path: str, token: str, body: object) -> httpx.Response:
    return httpx.put(
        f"{server.base_url}/api/v1{path}", json=body, headers=server.headers(token), timeout=10
    )
