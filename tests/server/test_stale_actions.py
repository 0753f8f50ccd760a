"""Release, resolve and snooze carry the version they were made against; a stale one is refused
with 409 naming the current owner, version and status (as a lost claim is), and changes nothing.
Without a version (other tools: the public contract names only `follow_up_in_days`) the action
applies to the mention as it is.

A reply written before a colleague resolved the mention is refused (`resolved_meanwhile`) until
the rep confirms with `force`; confirmed, it goes out and the mention stays resolved. The rep's
own resolve asks nothing (reply, then resolve while the reply cools off)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.server.services.replies import mark_reply_sent
from tests.server.helpers import World


def _detail(w: World, mention_id: int) -> dict[str, Any]:
    response = w.call("GET", f"/mentions/{mention_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _reply(w: World, who: str, mention_id: int, base_version: int, force: bool = False) -> Any:
    body = {
        "client_id": str(uuid.uuid4()),
        "body": "Sorry about that, checking now.",
        "base_version": base_version,
        "force": force,
    }
    return w.call("POST", f"/mentions/{mention_id}/replies", who, body)


@pytest.mark.parametrize(
    ("action", "extra"),
    [("release", {}), ("resolve", {"follow_up_in_days": 2}), ("snooze", {"minutes": 30})],
)
def test_a_stale_action_is_refused_naming_the_owner_and_status(
    team_app: World, action: str, extra: dict[str, int]
) -> None:
    w = team_app
    w.user("ana")
    w.user("mia", role="manager")
    mention_id = w.claimed("ana")  # version 2, Ana's
    seen = _detail(w, mention_id)["version"]
    # Meanwhile the manager hands it to herself: the version Ana acted on is stale.
    taken = w.call("POST", f"/mentions/{mention_id}/assign", "mia", {"user_id": w.ids["mia"]})
    assert taken.status_code == 200, taken.text

    refused = w.call("POST", f"/mentions/{mention_id}/{action}", "mia", {"version": seen, **extra})

    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "stale_version"
    assert body["current_owner"]["name"] == "mia"
    assert body["current_version"] == seen + 1
    assert body["current_status"] == "assigned"
    assert "mia" in body["detail"]
    assert "assigned" in body["detail"]
    after = _detail(w, mention_id)
    assert (after["version"], after["status"]) == (seen + 1, "assigned"), "nothing changed"

    # The current version goes through; so does no version at all (another tool).
    done = w.call("POST", f"/mentions/{mention_id}/{action}", "mia", {"version": seen + 1, **extra})
    assert done.status_code == 200, done.text
    again = w.call("POST", f"/mentions/{w.claimed('mia')}/{action}", "mia", extra or None)
    assert again.status_code == 200, again.text


def test_a_lost_claim_names_the_status_too(world: World) -> None:
    world.user("ana")
    world.user("dana")
    mention_id = world.claimed("dana")
    lost = world.call("POST", f"/mentions/{mention_id}/claim", "ana", {"version": 1})
    assert lost.status_code == 409, lost.text
    assert lost.json()["current_status"] == "assigned"
    assert lost.json()["current_owner"]["name"] == "dana"


def test_a_reply_written_before_a_colleagues_resolve_asks_first_and_keeps_it_resolved(
    team_app: World,
) -> None:
    w = team_app
    w.user("ana")
    w.user("mia", role="manager")
    w.brand_account()
    mention_id = w.claimed("ana")
    written_against = _detail(w, mention_id)["version"]
    resolved = w.call("POST", f"/mentions/{mention_id}/resolve", "mia", {})
    assert resolved.status_code == 200, resolved.text

    refused = _reply(w, "ana", mention_id, written_against)

    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "resolved_meanwhile"
    assert body["current_status"] == "resolved"
    assert "mia resolved this mention" in body["detail"]
    assert _detail(w, mention_id)["replies"] == []

    confirmed = _reply(w, "ana", mention_id, written_against, force=True)
    assert confirmed.status_code == 202, confirmed.text
    with w.db.write() as session:
        mark_reply_sent(
            session,
            int(confirmed.json()["id"]),
            external_id="901",
            external_url="https://social.example/@acme/901",
            now=w.clock(),
        )
    after = _detail(w, mention_id)
    assert after["status"] == "resolved", "a confirmed late reply does not reopen the mention"
    assert after["replies"][0]["status"] == "sent"


def test_after_my_own_resolve_my_reply_is_only_stale(world: World) -> None:
    """The console re-sends against the new version by itself (composer/leaving.py): only a
    colleague's resolve needs the rep's word."""
    world.user("ana")
    world.brand_account()
    mention_id = world.claimed("ana")
    written_against = _detail(world, mention_id)["version"]
    resolved = world.call("POST", f"/mentions/{mention_id}/resolve", "ana", {})
    assert resolved.status_code == 200, resolved.text

    stale = _reply(world, "ana", mention_id, written_against)

    assert stale.status_code == 409, stale.text
    assert stale.json()["code"] == "stale_base_version"
    assert stale.json()["current_status"] == "resolved"
