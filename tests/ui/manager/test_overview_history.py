"""The manager overview's history plots against a real server: first-response time per day
(median and p90) and people on duty per hour over the week, with the hours nobody covered in
red; a rep's console says the history is for managers instead of failing. Renders the dialog
to a PNG (set RESPONDER_SHOTS_DIR to keep it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.models.enums import Duty, EventType, ReplyStatus, Role
from app.models.schemas import UserPublic
from app.models.tables import Event, Reply
from app.server.db import open_database
from tests.support.live_server import LiveServer, mention_json
from tests.ui.team_harness import TeamTestConsole
from tests.ui.test_screens import assert_labels_fit, save, shots_dir

Factory = Callable[[str, str], TeamTestConsole]


def _answered_mentions(server: LiveServer, author_id: int, now: datetime) -> None:
    """Mentions of the past days, answered after known waits (the sender's record of a post)."""
    waits = {3: [5, 15, 45], 2: [10, 30], 1: [8], 0: [12, 20]}  # days ago → minutes
    items: list[dict[str, object]] = []
    sent: list[tuple[int, timedelta]] = []
    for days_ago, minutes in waits.items():
        for n, wait in enumerate(minutes):
            created = now - timedelta(days=days_ago, hours=1 + n)
            item = mention_json(f"history-{days_ago}-{n}", "Where is my parcel?")
            item["created_at"] = created.isoformat()
            items.append(item)
            sent.append(
                (len(items) - 1, timedelta(hours=1 + n, days=days_ago) - timedelta(minutes=wait))
            )
    ids = server.ingest(items)
    db = open_database(server.database_url)
    try:
        with db.write() as session:
            for index, (position, ago) in enumerate(sent):
                at = now - ago
                session.add(
                    Reply(
                        client_id=f"history-{index}",
                        mention_id=ids[position],
                        author_id=author_id,
                        body="On its way!",
                        base_version=1,
                        status=ReplyStatus.SENT,
                        created_at=at,
                        updated_at=at,
                        sent_at=at,
                    )
                )
    finally:
        db.dispose()


def _past_shift(server: LiveServer, user_id: int, start: datetime, end: datetime) -> None:
    """Ana's duty changes of an earlier day, as the event log holds them."""
    db = open_database(server.database_url)
    try:
        with db.write() as session:
            for at, duty in ((start, Duty.ON_DUTY), (end, Duty.OFF_DUTY)):
                user = UserPublic(
                    id=user_id,
                    name="Ana",
                    role=Role.REP,
                    duty=duty,
                    duty_since=at,
                    teams=["support"],
                )
                session.add(
                    Event(
                        type=str(EventType.DUTY_CHANGED),
                        actor_id=user_id,
                        payload={"user": user.model_dump(mode="json")},
                        created_at=at,
                    )
                )
    finally:
        db.dispose()


def test_overview_shows_response_times_and_coverage(
    live_server: LiveServer, team_console_factory: Factory, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    maya_id, maya_token = live_server.create_user("Maya", role="manager", teams=["support"])
    ana_id, ana_token = live_server.create_user("Ana", teams=["support"])
    # Yesterday noon: the answered mentions keep to whole days whatever time the test runs.
    anchor = now.replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    _answered_mentions(live_server, maya_id, anchor)
    shift_day = (now - timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    _past_shift(live_server, ana_id, shift_day, shift_day + timedelta(hours=8))
    maya = team_console_factory(live_server.base_url, maya_token)
    maya.act(maya.session.set_duty(Duty.ON_DUTY))

    dialog = maya.run(maya.team.manager.show_overview())
    text = dialog.summary.text()
    assert "not loaded" not in text, text
    assert "with nobody on duty" in text
    responses = dialog.responses.getPlotItem().listDataItems()
    assert len(responses) == 2  # median and p90
    median_y = [y for y in responses[0].yData if y == y]  # drop the NaN of unanswered days
    assert median_y[-1] == pytest.approx(16.0)  # yesterday: 12 and 20 minutes
    assert 15.0 in median_y  # four days ago: 5, 15, 45
    on_duty, gaps = dialog.coverage.getPlotItem().items  # people on duty, and the red strip
    covered_hours = [i for i, people in enumerate(on_duty.opts["height"]) if people]
    assert len(covered_hours) >= 9  # Ana's eight-hour shift, and Maya from now on
    assert len(gaps.opts["x"]) == len(on_duty.opts["height"]) - len(covered_hours)
    assert "need server history" not in dialog.legend.text()
    maya.inside(lambda: assert_labels_fit(dialog))
    maya.inside(lambda: save(dialog, shots_dir(tmp_path) / "team-overview-history.png"))

    ana = team_console_factory(live_server.base_url, ana_token)
    refused = ana.run(ana.team.manager.show_overview())
    assert "Response times and coverage history not loaded" in refused.summary.text()
