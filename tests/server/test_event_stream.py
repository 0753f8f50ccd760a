"""The event stream: resume with Last-Event-ID gets exactly the missed events in order, none
twice; keep-alive comments flow; coverage gaps reach managers only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.sse import last_event_id, open_stream, read_resuming, read_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"RESPONDER_KEEPALIVE_SECONDS": "0.2"}
    with start_live_server(Path(tmp_path_factory.mktemp("sse")), env=env) as live:
        yield live


def test_resume_gets_exactly_the_missed_events(server: LiveServer) -> None:
    _rep_id, rep = server.create_user("sse-rep")
    admin = httpx.Client(base_url=server.base_url, headers=server.headers(), timeout=10)
    start = last_event_id(server.base_url)
    with open_stream(server.base_url, rep, last_event_id=start) as witness:
        # The witness never disconnects; the consumer below does.
        with open_stream(server.base_url, rep, last_event_id=start) as consumer:
            first = server.ingest([mention_json(f"sse-{i}") for i in range(3)])
            seen = read_until(consumer, last_event_id(server.base_url))
        assert [e.type for e in seen] == ["mention.created"] * 3
        assert [e.data["payload"]["mention"]["id"] for e in seen] == first
        cursor = seen[-1].id

        # While the consumer is away: a claim, a resolve, two new mentions.
        assert admin.post(f"/api/v1/mentions/{first[0]}/claim", json={"version": 1}).is_success
        assert admin.post(f"/api/v1/mentions/{first[0]}/resolve", json={}).is_success
        more = server.ingest([mention_json(f"sse-more-{i}") for i in range(2)])
        end = last_event_id(server.base_url)

        with open_stream(server.base_url, rep, last_event_id=cursor) as resumed:
            missed = read_until(resumed, end)
        everything = read_until(witness, end)

    expected = [e for e in everything if e.id > cursor]
    assert missed == expected
    assert [e.type for e in missed] == ["mention.updated"] * 2 + ["mention.created"] * 2
    assert [e.data["payload"]["action"] for e in missed[:2]] == ["claimed", "resolved"]
    assert [e.data["payload"]["mention"]["id"] for e in missed[2:]] == more
    ids = [e.id for e in everything]
    assert ids == sorted(set(ids)), "ids must increase, none twice"
    assert all(e.data["id"] == e.id for e in everything)


def test_resume_by_query_parameter(server: LiveServer) -> None:
    start = last_event_id(server.base_url)
    created = server.ingest([mention_json("sse-query")])
    timeout = httpx.Timeout(10.0, read=10.0)
    with (
        httpx.Client(base_url=server.base_url, headers=server.headers(), timeout=timeout) as c,
        c.stream("GET", "/api/v1/events", params={"after": start}) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("data:"):
                assert f'"mention_id":{created[0]}' in line
                break


def test_keepalive_comments(server: LiveServer) -> None:
    timeout = httpx.Timeout(10.0, read=5.0)
    headers = {**server.headers(), "Last-Event-ID": str(last_event_id(server.base_url))}
    began = time.monotonic()
    with (
        httpx.Client(base_url=server.base_url, timeout=timeout) as client,
        client.stream("GET", "/api/v1/events", headers=headers) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        comments = 0
        for line in response.iter_lines():
            if line.startswith(":"):
                comments += 1
                if comments == 2:
                    break
    assert time.monotonic() - began < 5


def test_coverage_gap_reaches_managers_only(server: LiveServer) -> None:
    _rep_id, rep = server.create_user("gap-rep")
    manager_id, manager = server.create_user("gap-manager", role="manager")
    start = last_event_id(server.base_url)
    with (
        open_stream(server.base_url, rep, last_event_id=start) as rep_stream,
        open_stream(server.base_url, manager, last_event_id=start) as manager_stream,
    ):
        duty = f"{server.base_url}/api/v1/users/{manager_id}/duty"
        for state in ("on_duty", "off_duty"):
            response = httpx.put(duty, json={"duty": state}, headers=server.headers(manager))
            assert response.is_success, response.text
        marker = server.ingest([mention_json("gap-marker")])[0]
        end = last_event_id(server.base_url)
        rep_events = read_until(rep_stream, end)
        manager_events = read_until(manager_stream, end)
    assert [e.type for e in rep_events] == ["duty.changed", "duty.changed", "mention.created"]
    assert [e.type for e in manager_events] == [
        "duty.changed",
        "duty.changed",
        "coverage.gap",
        "mention.created",
    ]
    gap = manager_events[2].data["payload"]
    assert gap["coverage"]["level"] == "nobody"
    assert gap["mention_id"] is None
    assert gap["reason"]
    assert manager_events[-1].data["mention_id"] == marker
    assert rep_events[0].data["payload"]["user"]["duty"] == "on_duty"


def test_a_subscriber_that_falls_behind_is_dropped_and_resumes_without_gaps(
    tmp_path: Path,
) -> None:
    """A burst far larger than a subscriber's queue (10 here) overflows it: the server lets
    the queued events go and ends the stream; the consumer resumes with Last-Event-ID and
    still gets every event once, in order."""
    env = {"RESPONDER_SUBSCRIBER_QUEUE_SIZE": "10"}
    with start_live_server(tmp_path, env=env) as live:
        start = last_event_id(live.base_url)
        with open_stream(live.base_url, live.admin_token, last_event_id=start) as stream:
            created = live.ingest([mention_json(f"burst-{i}") for i in range(600)])
            end = last_event_id(live.base_url)
            first = [int(sse.id) for sse in stream.iter_sse() if sse.data]  # until it ends
        assert len(first) < end - start, "the overflowing stream ended early"
        rest, _streams = read_resuming(
            live.base_url, live.admin_token, after=first[-1] if first else start, last_id=end
        )
    received = [e.id for e in rest]
    ids = first + received
    assert ids == list(range(start + 1, end + 1)), "every event once, in order"
    mentions = [e.data["payload"]["mention"]["id"] for e in rest if e.type == "mention.created"]
    assert set(mentions) <= set(created)


def test_urgent_mention_with_nobody_on_duty_raises_a_coverage_gap(tmp_path: Path) -> None:
    with start_live_server(tmp_path) as fresh:  # no gap announced yet on a fresh server
        _check_urgent_gap(fresh)


def _check_urgent_gap(server: LiveServer) -> None:
    _manager_id, manager = server.create_user("urgent-manager", role="manager")
    start = last_event_id(server.base_url)
    urgent = mention_json(
        "urgent-1",
        "This is a SCAM!! I am calling my lawyer and the press. Worst company ever, furious.",
    )
    urgent["author"] = {"handle": "@loud", "followers": 1_000_000}
    with open_stream(server.base_url, manager, last_event_id=start) as stream:
        mention_id = server.ingest([urgent])[0]
        events = read_until(stream, last_event_id(server.base_url))
    created = events[0].data["payload"]["mention"]
    assert created["priority"] >= 60
    assert created["risk_words"] == ["legal", "press"]
    gap = [e for e in events if e.type == "coverage.gap"]
    assert len(gap) == 1
    assert gap[0].data["payload"]["mention_id"] == mention_id


def test_events_written_by_another_process_reach_the_stream(tmp_path: Path) -> None:
    """Two server processes on one SQLite file: a change made through the second one reaches
    a stream on the first (its tailer's slow poll sees rows other processes wrote)."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with (
        start_live_server(tmp_path / "a", database_url=url) as first,
        start_live_server(tmp_path / "b", database_url=url) as second,
    ):
        start = last_event_id(first.base_url)
        with open_stream(first.base_url, first.admin_token, last_event_id=start) as stream:
            created = second.ingest([mention_json("other-process")])
            received = read_until(stream, last_event_id(second.base_url))
    assert [e.data["mention_id"] for e in received] == created
