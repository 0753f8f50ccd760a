"""A manager's routing and response-time targets through the console's core, against a real
server: a save sends only the part that changed and says what became of it in one sentence;
a team that never routed is not made to route by saving its targets alone; bad input is
refused before anything is sent; a rep's save and an offline one come back as sentences,
the settings on the server untouched."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import httpx

from app.client.connection.api import ResponderApi
from app.client.manager import routing_words as words
from app.client.manager.routing import RoutingForm, TeamRoutingSettings
from app.models.enums import Network, PriorityLevel, RoutingMode
from app.models.routing_schemas import ResponseTargetsPublic
from tests.support.live_server import LiveServer


def _team(server: LiveServer, zone: str = "Europe/Berlin") -> tuple[int, str]:
    name = f"routing-{uuid.uuid4().hex[:6]}"
    created = httpx.post(
        f"{server.base_url}/api/v1/teams",
        json={"name": name, "time_zone": zone},
        headers=server.headers(),
        timeout=10,
    )
    created.raise_for_status()
    return int(created.json()["id"]), name


async def test_a_manager_sets_routing_and_targets_in_one_save(live_server: LiveServer) -> None:
    team_id, team = _team(live_server)
    _, token = live_server.create_user(f"boss-{team}", role="manager", teams=[team])
    async with ResponderApi(live_server.base_url, token) as api:
        settings = TeamRoutingSettings(api)
        assert await settings.load_teams() is None
        assert team in [t.name for t in settings.teams]
        before = await settings.load(team_id)
        assert not before.routing.saved
        assert before.routing.mode is RoutingMode.MANUAL
        assert before.targets.first_response_minutes == {}
        assert before.targets.time_zone == "Europe/Berlin"
        assert not before.targets.rota_hours
        form = replace(
            RoutingForm.of(before),
            routes=True,
            mode=RoutingMode.ROUND_ROBIN,
            capacity=3,
            languages="en, DE pt_BR",
            networks=frozenset({Network.MASTODON, Network.BLUESKY}),
            keywords="refund, charged   twice,\nRefund",
            priorities=frozenset({PriorityLevel.URGENT, PriorityLevel.HIGH}),
            minutes={PriorityLevel.URGENT: 15, PriorityLevel.NORMAL: 240},
        )
        saved = await settings.save(team_id, form, before)
        assert saved.done, saved.message
        assert saved.message == f"Routing and response times of {team} saved: round robin."
        routing = saved.settings.routing
        assert routing.saved
        assert routing.capacity == 3
        assert routing.languages == ["en", "de", "pt-br"]
        assert routing.keywords == ["refund", "charged twice"]  # one refund, spaces joined
        assert routing.networks == [Network.MASTODON, Network.BLUESKY]
        assert routing.priorities == [PriorityLevel.URGENT, PriorityLevel.HIGH]
        assert saved.settings.targets.first_response_minutes == {
            PriorityLevel.URGENT: 15,
            PriorityLevel.NORMAL: 240,
        }
        # What the server holds now reads back as the same form: nothing to change.
        again = await settings.load(team_id)
        assert again == saved.settings
        assert not RoutingForm.of(again).unsaved(again)
        same = await settings.save(team_id, RoutingForm.of(again), again)
        assert same.done
        assert same.message == f"Nothing to change for {team}."
        assert (await settings.load(team_id)).routing.updated_at == routing.updated_at

        # Only the targets changed: only they are sent (the routing keeps its time).
        fewer = RoutingForm.of(again).with_minutes(PriorityLevel.NORMAL, None)
        assert fewer.targets_changed(again)
        assert not fewer.routing_changed(again)
        targets_only = await settings.save(team_id, fewer, again)
        assert targets_only.message == f"Response times of {team} saved."
        after = await settings.load(team_id)
        assert after.targets.first_response_minutes == {PriorityLevel.URGENT: 15}
        assert after.routing.updated_at == routing.updated_at


async def test_targets_alone_do_not_make_a_team_route(live_server: LiveServer) -> None:
    team_id, team = _team(live_server, zone="UTC")
    _, token = live_server.create_user(f"boss-{team}", role="manager", teams=[team])
    async with ResponderApi(live_server.base_url, token) as api:
        settings = TeamRoutingSettings(api)
        before = await settings.load(team_id)
        form = RoutingForm.of(before).with_minutes(PriorityLevel.URGENT, 30)
        assert not form.routes
        saved = await settings.save(team_id, form, before)
        assert saved.done
        assert saved.message == (
            f"Response times of {team} saved. They apply once {team} routes mentions "
            f"(tick “Route new mentions to {team}”)."
        )
        assert not (await settings.load(team_id)).routing.saved


async def test_bad_input_is_refused_before_anything_is_sent(live_server: LiveServer) -> None:
    team_id, team = _team(live_server)
    _, token = live_server.create_user(f"boss-{team}", role="manager", teams=[team])
    async with ResponderApi(live_server.base_url, token) as api:
        settings = TeamRoutingSettings(api)
        before = await settings.load(team_id)
        base = replace(RoutingForm.of(before), routes=True)
        for form, said in (
            (
                replace(base, languages="en, English"),
                "Languages are codes such as en, de or pt-BR: “english” is not one.",
            ),
            (replace(base, capacity=0), "Capacity is 1 to 1000 open mentions each."),
            (
                replace(base, keywords="x" * 81),
                "A keyword is at most 80 characters: “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” has 81.",
            ),
            (
                base.with_minutes(PriorityLevel.LOW, 60 * 24 * 31),
                "The low target is 1 minute to 30 d.",
            ),
        ):
            assert form.problem() == said
            refused = await settings.save(team_id, form, before)
            assert (refused.done, refused.message) == (False, said)
            assert refused.settings == before
        assert not (await settings.load(team_id)).routing.saved


async def test_a_reps_save_and_an_offline_one_are_said_and_change_nothing(
    live_server: LiveServer,
) -> None:
    team_id, team = _team(live_server)
    _, token = live_server.create_user(f"rep-{team}", teams=[team])
    async with ResponderApi(live_server.base_url, token) as api:
        settings = TeamRoutingSettings(api)
        before = await settings.load(team_id)  # anyone may read them
        form = replace(RoutingForm.of(before), routes=True, mode=RoutingMode.BALANCED)
        refused = await settings.save(team_id, form, before)
        assert not refused.done
        assert refused.message == "Nothing saved: Only a manager or an admin can do this."
        targets = RoutingForm.of(before).with_minutes(PriorityLevel.HIGH, 20)
        refused = await settings.save(team_id, targets, before)
        assert refused.message == (
            "Response times not saved: Only a manager or an admin can do this."
        )
        assert await settings.load(team_id) == before
    async with ResponderApi(None, None) as offline:
        settings = TeamRoutingSettings(offline)
        said = await settings.load_teams()
        assert said is not None
        assert said.startswith("Could not load the teams: Not connected")
        gone = await settings.save(team_id, form, before)
        assert not gone.done
        assert gone.message.startswith("Nothing saved: Not connected")


def test_the_words_of_the_targets_and_the_lists() -> None:
    assert words.parse_languages(" EN,de;  pt_BR en ") == ["en", "de", "pt-br"]
    assert words.parse_languages("") == []
    assert words.parse_keywords("refund, #outage,, app is  down\n") == [
        "refund",
        "#outage",
        "app is down",
    ]
    assert [words.duration_words(m) for m in (45, 60, 90, 24 * 60 + 150)] == [
        "45 min",
        "1 h",
        "1 h 30 min",
        "1 d 2 h 30 min",
    ]
    assert words.when_words(59) == ""
    assert words.when_words(240) == "= 4 h"
    assert list(words.MODE_WORDS.values()) == [
        "Manual (people claim)",
        "Round robin",
        "Fewest open first",
    ]


def test_what_the_targets_count_is_said_in_one_line() -> None:
    def targets(rota: bool) -> ResponseTargetsPublic:
        return ResponseTargetsPublic(
            team_id=1,
            team="billing",
            first_response_minutes={PriorityLevel.URGENT: 15},
            time_zone="Europe/Berlin",
            rota_hours=rota,
            updated_at=datetime(2026, 12, 2, tzinfo=UTC),
        )

    assert words.clock_words(targets(True)).startswith("Counted in rota hours (Europe/Berlin)")
    assert words.clock_words(targets(False)).startswith(
        "Counted around the clock: billing has no rota"
    )
