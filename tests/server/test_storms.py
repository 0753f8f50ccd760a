"""Storm detection: a spike of volume or anger against the usual level for that hour of the
week, per brand account and overall, announced to managers (`storm.alert`) with the phrases
and hashtags that rose, its mentions grouped (near-duplicates, same topic) and counted per
network and language; a restarted server keeps counting the open storm. Mentions arrive
through the real API (the webhook) or the ingest workers' service path; time is the app's
injected clock; the test waits on the detector having taken each mention in, never sleeps."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.models.schemas import MentionCreate
from app.server.app import create_app
from app.server.services.ingest import ingest, read_items
from app.server.services.storm_detector import StormDetector
from app.server.settings import Settings
from tests.server.helpers import T0, World, make_world

_ids = itertools.count(1)
NOW = T0 + timedelta(days=7, hours=11)  # Friday 19:00 UTC, a week after the first mentions

QUIET_TEXTS = (
    "Hi, when does the spring collection arrive in stores?",
    "Thanks for the quick help with my parcel yesterday",
    "Is the Berlin shop open on Sunday?",
    "Love the new colours of the winter jackets",
)
COPY = "@acme my card was charged twice for order {n} and nobody answers #refund"
OUTAGE = (
    "@acme the app will not load at all since this morning #outage",
    "Still cannot log in to the app, it keeps spinning #outage",
    "Is the app down for everyone? Checkout is broken #outage",
    "Your website and app are both dead right now #outage",
)
ANGRY = (
    "This is the worst service ever, I hate you, absolutely disgusting and terrible!",
    "You people are useless liars, awful awful company, never again",
    "Disgusting, pathetic treatment, the worst shop I have ever hated",
)


def _mention(
    text: str,
    *,
    network: str = "mastodon",
    language: str = "en",
    created_at: datetime | None = None,
) -> dict[str, Any]:
    n = next(_ids)
    external_id = (
        f"at://did:plc:storm{n}/app.bsky.feed.post/{n}" if network == "bluesky" else f"{n}"
    )
    body: dict[str, Any] = {
        "network": network,
        "external_id": external_id,
        "author": {"handle": f"@customer{n}", "display_name": f"Customer {n}"},
        "text": text,
        "language": language,
    }
    if created_at is not None:
        body["created_at"] = created_at.isoformat()
    return body


def _detector(client: TestClient) -> StormDetector:
    detector = client.app.state.storm_detector  # type: ignore[attr-defined]
    assert isinstance(detector, StormDetector)
    return detector


def _post(world: World, mentions: Sequence[dict[str, Any]]) -> list[int]:
    """Ingest through the webhook API, in batches of 200; wait until the detector took them in."""
    created: list[int] = []
    for start in range(0, len(mentions), 200):
        response = world.call("POST", "/mentions", json=list(mentions[start : start + 200]))
        assert response.status_code == 200, response.text
        created += response.json()["created"]
    assert created
    assert _detector(world.client).settle(max(created), timeout=60)
    return created


def _quiet_week(world: World, per_hour: int = 2, *, hours: int = 168) -> None:
    """History: `per_hour` ordinary mentions in each hour of the past week."""
    history = [
        _mention(
            QUIET_TEXTS[(h + i) % len(QUIET_TEXTS)],
            created_at=NOW - timedelta(hours=h, minutes=7 * i + 1),
        )
        for h in range(1, hours + 1)
        for i in range(per_hour)
    ]
    _post(world, history)


def _alerts(world: World) -> list[dict[str, Any]]:
    return [e.payload for e in world.events("storm.alert")]


@pytest.fixture
def storm_world(team_app: World) -> World:
    team_app.clock.set(NOW)
    team_app.user("mona", "manager")
    return team_app


def test_burst_after_a_quiet_week_alerts_managers_once_with_what_rose(storm_world: World) -> None:
    world = storm_world
    _quiet_week(world)
    assert _alerts(world) == []
    copies = [
        _mention(COPY.format(n=4000 + i), network="bluesky" if i % 3 == 0 else "mastodon")
        for i in range(20)
    ]
    outage = [_mention(OUTAGE[i % len(OUTAGE)] + f" ({i})", language="de") for i in range(16)]
    various = [_mention(QUIET_TEXTS[i % len(QUIET_TEXTS)]) for i in range(8)]
    burst = copies + outage + various
    ids = _post(world, burst)

    alerts = _alerts(world)
    assert [a["alert"] for a in alerts] == ["started"]
    storm = alerts[0]["storm"]
    assert storm["kind"] == "volume"
    assert storm["state"] == "rising"
    assert storm["account_id"] is None
    assert storm["count"] == len(burst)
    assert storm["rate_per_hour"] == len(burst) * 6
    assert storm["usual_per_hour"] == 30.0  # two an hour is below the floor
    hashtags = [h["text"] for h in storm["hashtags"]]
    assert hashtags[:2] == ["#refund", "#outage"]
    phrases = [p["text"] for p in storm["phrases"]]
    assert any("charged twice" in p for p in phrases), phrases
    assert not any(p in ("spring collection", "shop", "open") for p in phrases), phrases
    assert storm["networks"] == {"bluesky": 7, "mastodon": 37}
    assert storm["languages"] == {"en": 28, "de": 16}
    groups = {g["label"]: g for g in storm["groups"]}
    assert sorted(groups["#refund"]["mention_ids"]) == sorted(ids[:20])
    assert sorted(groups["#outage"]["mention_ids"]) == sorted(ids[20:36])
    assert groups["#refund"]["sample"].startswith("@acme my card was charged twice")
    assert sorted(storm["mention_ids"]) == sorted(ids)
    assert storm["open"] == len(burst)

    listed = world.call("GET", "/storms", "mona").json()
    assert listed["count"] == 1
    assert listed["data"][0]["id"] == storm["id"]
    one = world.call("GET", f"/storms/{storm['id']}", "mona").json()
    assert one["groups"] == storm["groups"]

    # A rep sees storms too; the alert is for managers, whatever their duty.
    world.user("rita")
    assert world.call("GET", "/storms", "rita").json()["count"] == 1
    assert [e.audience for e in world.events("storm.alert")] == ["manager"]

    # Twice the announced rate: it grew, said once more.
    _post(world, [_mention(OUTAGE[i % 4] + f" [{i}]") for i in range(50)])
    assert [a["alert"] for a in _alerts(world)] == ["started", "grew"]
    grown = _alerts(world)[-1]["storm"]
    assert grown["count"] == len(burst) + 50

    # Half an hour of quiet: it blew over.
    world.clock.advance(minutes=30)
    assert _detector(world.client).check()
    last = _alerts(world)[-1]
    assert last["alert"] == "over"
    assert last["storm"]["state"] == "over"
    assert last["storm"]["over_at"] is not None
    assert world.call("GET", "/storms", "mona").json()["count"] == 0
    assert world.call("GET", "/storms", "mona", state="all").json()["count"] == 1


def test_normal_evening_volume_raises_nothing(storm_world: World) -> None:
    world = storm_world
    # Last Friday at 19:00 was busy: 240 mentions in the hour.
    _post(
        world,
        [
            _mention(QUIET_TEXTS[i % 4], created_at=NOW - timedelta(days=7, seconds=-14 * i))
            for i in range(240)
        ],
    )
    # This Friday at 19:00 is as busy: 40 in ten minutes (240 an hour) is the usual.
    _post(world, [_mention(QUIET_TEXTS[i % 4]) for i in range(40)])
    assert _alerts(world) == []


def test_first_mentions_of_a_new_install_raise_nothing(storm_world: World) -> None:
    world = storm_world
    _post(world, [_mention(COPY.format(n=i)) for i in range(20)])
    assert _alerts(world) == []


def test_anger_spike_at_normal_volume(storm_world: World) -> None:
    world = storm_world
    _quiet_week(world, per_hour=6, hours=170)
    # Six an hour as usual (one every ten minutes), but angry: an anger storm, not volume.
    _post(world, [_mention(ANGRY[i % 3] + f" #{i}") for i in range(12)])
    alerts = _alerts(world)
    assert [a["alert"] for a in alerts] == ["started"]
    storm = alerts[0]["storm"]
    assert storm["kind"] == "anger"
    assert storm["angry"] == 12
    assert storm["count"] == 12
    assert storm["usual_per_hour"] == 10.0  # the anger floor: last week had no angry mention


def test_per_account_and_overall(storm_world: World) -> None:
    world = storm_world
    acme = world.brand_account("acme", "mastodon")
    _quiet_week(world)

    def from_account(texts: Sequence[str]) -> list[int]:
        items = [MentionCreate.model_validate(_mention(t)) for t in texts]
        with world.db.write() as session:
            result = ingest(
                session,
                items,
                readings=read_items(items),
                now=world.clock(),
                actor_id=None,
                account_id=acme,
            )
        assert _detector(world.client).settle(max(result.created), timeout=60)
        return result.created

    ids = from_account([COPY.format(n=i) for i in range(40)])
    storm = _alerts(world)[0]["storm"]
    assert [a["alert"] for a in _alerts(world)] == ["started"]  # the account's only
    assert storm["account_id"] == acme
    assert storm["account"] == "acme"
    assert sorted(storm["mention_ids"]) == sorted(ids)

    # Webhook mentions are no account's: they count overall, where acme's storm explains the
    # spike while it lasts; once it is over, a webhook burst is a storm of all mentions.
    world.clock.advance(minutes=30)
    assert _detector(world.client).check()
    assert [a["alert"] for a in _alerts(world)] == ["started", "over"]
    _post(world, [_mention(OUTAGE[i % 4] + f" {i}") for i in range(40)])
    last = _alerts(world)[-1]
    assert last["alert"] == "started"
    assert last["storm"]["account_id"] is None
    assert last["storm"]["account"] is None


def _app(world: World) -> TestClient:
    settings = Settings(
        database_url=str(world.db.engine.url),
        run_jobs=False,
        run_ingest=False,
        token_cache_seconds=0,
        freeze_startup_heap=False,
    )
    return TestClient(create_app(settings, database=world.db, clock=world.clock))


def test_a_restarted_server_keeps_counting_the_open_storm(tmp_path: Path) -> None:
    for world in make_world(tmp_path, start=NOW):
        world.user("mona", "manager")
        _quiet_week(world)
        _post(world, [_mention(COPY.format(n=i)) for i in range(40)])
        storm = _alerts(world)[0]["storm"]
    # The first app has stopped; a second one on the same database takes over.
    with _app(world) as client:
        world.client = client
        listed = world.call("GET", "/storms", "mona").json()
        assert [s["id"] for s in listed["data"]] == [storm["id"]]
        more = _post(world, [_mention(COPY.format(n=100 + i)) for i in range(10)])
        after = world.call("GET", f"/storms/{storm['id']}", "mona").json()
        assert after["count"] == 50
        assert set(more) <= set(after["mention_ids"])
        copies = next(g for g in after["groups"] if g["label"] == "#refund")
        assert set(more) <= set(copies["mention_ids"])
        assert [a["alert"] for a in _alerts(world)] == ["started"]  # not started again


def test_bad_storm_ids(world: World) -> None:
    missing = world.call("GET", "/storms/12345")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No storm with id 12345."
    assert world.call("GET", "/storms/0").status_code == 422
    assert world.call("GET", "/storms/99999999999").status_code == 422
    assert world.call("GET", "/storms", state="closed").status_code == 422
