"""Storms as the server describes them (StormPublic), for tests of the words and the views
that render what they are given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.client.stream.rows import MentionRow
from app.models.enums import MentionStatus, Network, StormKind, StormState
from app.models.storm_schemas import StormGroup, StormPhrase, StormPublic

NOW = datetime(2026, 11, 28, 23, 10, tzinfo=UTC)


def sample_storm(
    storm_id: int = 7,
    *,
    account: str | None = "@brand",
    phrase: str = "app down",
    sample: str = "The app is down again",
    count: int = 120,
    state: StormState = StormState.RISING,
) -> StormPublic:
    ids = list(range(1, count + 1))
    half = count // 2
    return StormPublic(
        id=storm_id,
        kind=StormKind.VOLUME,
        state=state,
        account_id=1 if account else None,
        account=account,
        started_at=NOW - timedelta(minutes=20),
        last_at=NOW,
        rate_per_hour=240,
        usual_per_hour=40,
        ratio=6.0,
        count=count,
        angry=30,
        open=count - 10,
        phrases=[StormPhrase(text=phrase, count=80, usual=1.2)],
        hashtags=[StormPhrase(text="#outage", count=60, usual=0.5)],
        networks={"mastodon": 90, "bluesky": 30},
        languages={"en": 100, "de": 20},
        groups=[
            StormGroup(id=1, label=phrase, count=half, mention_ids=ids[:half], sample=sample),
            StormGroup(
                id=2, label="#outage", count=count - half, mention_ids=ids[half:], sample="Outage?"
            ),
        ],
        mention_ids=ids,
    )


def row(
    mention_id: int,
    *,
    network: Network = Network.MASTODON,
    name: str = "Dana Customer",
    handle: str = "dana",
    status: MentionStatus = MentionStatus.NEW,
    assignee_id: int | None = None,
) -> MentionRow:
    return MentionRow(
        id=mention_id,
        network=network,
        author_handle=handle,
        author_name=name,
        text="The app is down again",
        created_at=NOW,
        status=status,
        assignee_id=assignee_id,
        assignee_name=None,
        version=1,
        priority=40,
    )
