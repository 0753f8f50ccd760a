"""Scoring at the server's edges: a 10,000-emoji mention is read once, outside the write
transaction, and stored whole; the re-score job ages priorities from what ingest stored, reading
no text, and writes only the mentions whose priority moves.

What is read, and where, is watched by tests/support/text_reads.py: nothing of ours is replaced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.tables import Event, Mention
from app.server.services import jobs
from app.tone.priority import MENTION_SCORED_CHARS, score_mention
from tests.server.helpers import World
from tests.support.live_server import mention_json
from tests.support.text_reads import TextReads, text_reads


@pytest.fixture
def reads(team_app: World) -> Iterator[TextReads]:
    with text_reads(team_app.db) as listening:
        yield listening


def _ingest(world: World, *items: dict[str, object]) -> list[int]:
    response = world.call("POST", "/mentions", json=list(items))
    assert response.status_code == 200, response.text
    return [int(i) for i in response.json()["created"]]


def test_a_ten_thousand_emoji_mention_is_read_before_the_write_transaction(
    team_app: World, reads: TextReads
) -> None:
    text = "@acme " + "😡" * 10_000
    writes_before = reads.writes_begun
    (mention_id,) = _ingest(team_app, mention_json("emoji-flood", text))
    # Read once, no more than the capped part, and while this request had no write open.
    assert reads.lengths == [MENTION_SCORED_CHARS]
    assert reads.writes_begun_then == [writes_before]
    assert reads.in_write_transaction == [False]
    assert reads.writes_begun > writes_before  # the mention itself was written afterwards
    with team_app.db.read() as session:
        stored = session.get(Mention, mention_id)
        assert stored is not None
        assert stored.text == text  # stored whole: only the reading is capped
        expected = score_mention(text)
        assert (stored.priority, stored.sentiment) == (expected.priority, expected.sentiment)


@pytest.mark.parametrize("late_hours", [0.0, 6.0])
def test_the_rescore_job_reads_no_text_and_writes_only_moving_priorities(
    team_app: World, reads: TextReads, late_hours: float
) -> None:
    start = team_app.clock.now
    posted = (start - timedelta(hours=late_hours)).isoformat()
    texts = {
        "flood": "@acme " + "😡" * 10_000,
        "neutral-complaint": "@acme my parcel never arrived",
        "praise": "@acme Love the new update, thank you so much!",
        "fire": "@acme the charger caught fire",
        "lawyer": "@acme I'm calling my lawyer, this is a scam!!",
        "question": "@acme when do you open on Sunday?",
    }
    items = [
        {**mention_json(f"{key}-{late_hours:.0f}h", text), "created_at": posted}
        for key, text in texts.items()
    ]
    for item in items[:3]:
        item["author"] = {**item["author"], "followers": 12_345}  # type: ignore[dict-item]
    ids = _ingest(team_app, *items)
    assert len(reads.lengths) == len(texts)
    with team_app.db.read() as session:
        events_before = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))

    reads.lengths.clear()
    now = team_app.clock.advance(hours=3)
    with team_app.db.read() as session:
        planned = jobs.plan_rescore(session, now)
    with team_app.db.write() as session:
        rescored = jobs.run_due_jobs(session, now, rescore=planned)["rescored"]
    assert reads.lengths == []  # not one text read

    with team_app.db.read() as session:
        mentions = {m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(ids)))}
        new_events = [
            mention_id
            for mention_id in session.scalars(
                # The re-score's own changes: the same job round also passes on the page
                # the fire (urgent, nobody on duty) sent hours ago (page.updated).
                select(Event.mention_id).where(
                    Event.id > (events_before or 0), Event.type == "mention.updated"
                )
            )
            if mention_id is not None
        ]
    if late_hours:
        # Posted six hours before they arrived: their waiting points were full at ingest, so
        # no priority moves and nothing is written.
        assert rescored == []
        assert new_events == []
    else:
        # Three hours add six points to each, but the fire stays at the urgent line its safety
        # risk holds it on (it would need more than ten points of waiting to pass it).
        moved = [i for key, i in zip(texts, ids, strict=True) if key != "fire"]
        assert sorted(rescored) == moved
        assert sorted(new_events) == moved
    for mention in mentions.values():
        # What the job wrote is what reading the whole text again would give.
        fresh = score_mention(
            mention.text,
            followers=mention.author_followers,
            waiting=now - mention.created_at,
        )
        assert mention.priority == fresh.priority, mention.text[:40]
