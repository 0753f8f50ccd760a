"""The manager overview's response-time targets against a real server: a team with targets
gets a row — today, yesterday, the past week, answered in time of those judged, and what is
still open — read in the team's own time zone. Renders the dialog to a PNG (set
RESPONDER_SHOTS_DIR to keep it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import update

from app.models.tables import Mention
from app.server.db import open_database
from tests.support.live_server import LiveServer, mention_json
from tests.ui.team_harness import TeamTestConsole
from tests.ui.test_screens import assert_labels_fit, save, shots_dir

Factory = Callable[[str, str], TeamTestConsole]


def _team_with_targets(server: LiveServer, token: str, name: str, word: str) -> int:
    headers = server.headers(token)
    teams = server.get("/api/v1/teams")["data"]
    team_id = next(int(t["id"]) for t in teams if t["name"] == name)
    for path, body in (
        ("routing", {"keywords": [word]}),
        ("sla", {"first_response_minutes": {"urgent": 30, "high": 30, "normal": 30, "low": 30}}),
    ):
        saved = httpx.put(
            f"{server.base_url}/api/v1/teams/{team_id}/{path}",
            json=body,
            headers=headers,
            timeout=10,
        )
        assert saved.status_code == 200, saved.text
    return team_id


def _answered(server: LiveServer, ids: list[int], *, arrived: datetime, late: bool) -> None:
    """These mentions arrived at `arrived` and were first answered in time, or late."""
    db = open_database(server.database_url)
    try:
        with db.write() as session:
            due = arrived + timedelta(minutes=30)
            session.execute(
                update(Mention)
                .where(Mention.id.in_(ids))
                .values(
                    ingested_at=arrived,
                    sla_due_at=due,
                    first_response_at=due + timedelta(minutes=5 if late else -10),
                )
            )
    finally:
        db.dispose()


def test_the_overview_shows_each_teams_first_responses_in_time(
    live_server: LiveServer, team_console_factory: Factory, tmp_path: Path
) -> None:
    team = f"billing-{uuid.uuid4().hex[:4]}"
    word = f"invoice{uuid.uuid4().hex[:4]}"
    _, token = live_server.create_user(f"Maya {team}", role="manager", teams=[team])
    _team_with_targets(live_server, token, team, word)
    ids = live_server.ingest(
        [mention_json(f"{word}-{n}", f"Where is my {word} number {n}?") for n in range(9)]
    )
    now = datetime.now(UTC)
    _answered(live_server, ids[:5], arrived=now - timedelta(minutes=50), late=False)
    _answered(live_server, ids[5:6], arrived=now - timedelta(minutes=50), late=True)
    _answered(live_server, ids[6:8], arrived=now - timedelta(days=1), late=False)
    # ids[8] just arrived: open, not yet due.

    maya = team_console_factory(live_server.base_url, token)
    dialog = maya.run(maya.team.manager.show_overview())
    assert dialog.targets.isVisibleTo(dialog)
    rows = {dialog.targets.item(r, 0).text(): r for r in range(dialog.targets.rowCount())}
    row = rows[team]
    cells = [dialog.targets.item(row, c).text() for c in range(1, 4)]
    # The team's zone is UTC: a run in the first hour after midnight finds today's
    # answers yesterday, so only then are the days not compared.
    if (now - timedelta(minutes=50)).date() == now.date():
        assert cells == [
            "83 % (5 of 6 in time), 1 open",
            "100 % (2 of 2 in time)",
            "87 % (7 of 8 in time), 1 open",
        ]
        assert dialog.targets.item(row, 1).toolTip().startswith(f"{team} — today 83 %")
    assert cells[2] == "87 % (7 of 8 in time), 1 open"
    assert dialog.targets_heading.text().startswith("First responses in time, per team")

    def shoot() -> None:
        assert_labels_fit(dialog)
        save(dialog, shots_dir(tmp_path) / "team-overview-targets.png")

    maya.inside(shoot)
