"""Open event streams follow access changes, on real server processes: a revoked token or a
deactivated user's stream closes, a demoted manager stops receiving managers' events, and a
handoff's events (live or replayed with Last-Event-ID) reach only its parties and managers.
With two server processes on one database, a revocation made through one is refused by the
other within 5 s (its token cache) and closes the other's open streams."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from httpx_sse import EventSource, ServerSentEvent

from tests.support.live_server import LiveServer, mention_json, run_cli, start_live_server
from tests.support.postgres import temporary_postgres_database
from tests.support.sse import ReceivedEvent, last_event_id, open_stream, read_until

pytestmark = pytest.mark.slow

# Streams look their token up again this often here (the default is 2 s).
RECHECK = "0.2"
FAST = {"RESPONDER_KEEPALIVE_SECONDS": "0.2", "RESPONDER_STREAM_RECHECK_SECONDS": RECHECK}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with start_live_server(Path(tmp_path_factory.mktemp("access")), env=FAST) as live:
        yield live


def wait_closed(source: EventSource, *, within: float) -> list[ReceivedEvent]:
    """Read the stream until the server ends it; fail if it is still open after `within`
    seconds (keep-alive comments every 0.2 s let the deadline be checked)."""
    deadline = time.monotonic() + within
    received: list[ReceivedEvent] = []
    for sse in source.iter_sse():
        if sse.data:
            received.append(ReceivedEvent(int(sse.id), sse.event, json.loads(sse.data)))
        if time.monotonic() > deadline:
            raise AssertionError(f"the stream was still open after {within} s")
    return received


def _call(server: LiveServer, method: str, path: str, token: str, body: object = None) -> int:
    response = httpx.request(
        method,
        f"{server.base_url}/api/v1{path}",
        json=body,
        headers=server.headers(token),
        timeout=10,
    )
    return response.status_code


def test_revoking_closes_the_users_open_stream(server: LiveServer) -> None:
    user_id, token = server.create_user("stream-rep")
    with open_stream(server.base_url, token, last_event_id=last_event_id(server.base_url)) as src:
        assert _call(server, "DELETE", f"/users/{user_id}/tokens", server.admin_token) == 200
        began = time.monotonic()
        wait_closed(src, within=3.0)
    assert time.monotonic() - began < 3.0
    assert _call(server, "GET", "/me", token) == 401


def test_deactivating_closes_the_users_open_stream(server: LiveServer) -> None:
    user_id, token = server.create_user("leaving-rep")
    with open_stream(server.base_url, token, last_event_id=last_event_id(server.base_url)) as src:
        assert (
            _call(server, "PUT", f"/users/{user_id}", server.admin_token, {"active": False}) == 200
        )
        wait_closed(src, within=3.0)
    assert _call(server, "GET", "/me", token) == 401


def test_a_demoted_manager_stops_receiving_managers_events(server: LiveServer) -> None:
    """Each round: a helper comes on duty and goes off again (a coverage gap opens, for
    managers only), then a marker everyone sees (a third duty change). Before the demotion the
    manager's stream has the gap; after it, within a few rounds (the re-check interval),
    rounds come without it, and stay so."""
    manager_id, manager = server.create_user("demoted-manager", role="manager")
    helper_id, helper = server.create_user("gap-helper")
    marker_id, marker = server.create_user("marker-rep")

    def round_trip(stream: Iterator[ServerSentEvent], n: int) -> list[str]:
        duty = f"/users/{helper_id}/duty"
        assert _call(server, "PUT", duty, helper, {"duty": "on_duty"}) == 200
        assert _call(server, "PUT", duty, helper, {"duty": "off_duty"}) == 200  # a gap opens
        away = {"duty": "away" if n % 2 else "off_duty"}
        assert _call(server, "PUT", f"/users/{marker_id}/duty", marker, away) == 200
        end, types = last_event_id(server.base_url), []
        for sse in stream:  # bounded by the stream's read timeout
            if sse.data:
                types.append(sse.event)
                if int(sse.id) >= end:
                    break
        return types

    start = last_event_id(server.base_url)
    with open_stream(server.base_url, manager, last_event_id=start) as source:
        src = source.iter_sse()
        assert "coverage.gap" in round_trip(src, 0)
        role = {"role": "rep"}
        assert _call(server, "PUT", f"/users/{manager_id}", server.admin_token, role) == 200
        deadline = time.monotonic() + 5.0
        n = 1
        while "coverage.gap" in round_trip(src, n):
            n += 1
            assert time.monotonic() < deadline, "managers' events still reach the demoted one"
        for more in range(n + 1, n + 3):
            assert round_trip(src, more) == ["duty.changed"] * 3


def test_handoff_events_reach_only_its_parties_and_managers_live_and_replayed(
    server: LiveServer,
) -> None:
    _ana_id, ana = server.create_user("party-ana")
    ben_id, ben = server.create_user("party-ben")
    _cy_id, cy = server.create_user("outsider-cy")
    _mo_id, mo = server.create_user("party-mo", role="manager")
    mention_id = server.ingest([mention_json("party-mention")])[0]
    server.claim(mention_id, ana)
    start = last_event_id(server.base_url)
    with (
        open_stream(server.base_url, cy, last_event_id=start) as cy_stream,
        open_stream(server.base_url, ben, last_event_id=start) as ben_stream,
    ):
        body = {"mention_id": mention_id, "to_user_id": ben_id, "note": "secret-note"}
        assert _call(server, "POST", "/handoffs", ana, body) == 201
        server.ingest([mention_json("party-marker")])
        end = last_event_id(server.base_url)
        live = {"cy": read_until(cy_stream, end), "ben": read_until(ben_stream, end)}
    assert [e.type for e in live["ben"]] == [
        "mention.updated",
        "handoff.updated",
        "mention.created",
    ]
    assert [e.type for e in live["cy"]] == ["mention.updated", "mention.created"]
    assert "secret-note" not in json.dumps([e.data for e in live["cy"]])
    for token, sees in ((cy, False), (ana, True), (ben, True), (mo, True)):
        with open_stream(server.base_url, token, last_event_id=start) as replay:
            types = [e.type for e in read_until(replay, end)]
        assert ("handoff.updated" in types) is sees


def _two_processes_one_database(tmp_path: Path, url: str) -> None:
    """Revoke through process A (by the command line too); process B refuses the token within
    5 s (its token cache, RESPONDER_TOKEN_CACHE_SECONDS=5) and closes its open stream."""
    env = {**FAST, "RESPONDER_TOKEN_CACHE_SECONDS": "5"}
    with (
        start_live_server(tmp_path / "a", database_url=url, env=env) as first,
        start_live_server(tmp_path / "b", database_url=url, env=env) as second,
    ):
        user_id, token = first.create_user("two-process-rep")
        other_id, other = first.create_user("two-process-other")
        start = last_event_id(second.base_url)
        with (
            open_stream(second.base_url, token, last_event_id=start) as stream,
            open_stream(second.base_url, other, last_event_id=start) as untouched,
        ):
            assert _call(second, "GET", "/me", token) == 200  # B now caches the token
            assert _call(first, "DELETE", f"/users/{user_id}/tokens", first.admin_token) == 200
            revoked_at = time.monotonic()
            wait_closed(stream, within=5.0)
            closed_after = time.monotonic() - revoked_at
            while True:  # any request sent 5 s or more after the revocation is refused
                sent = time.monotonic()
                if _call(second, "GET", "/me", token) == 401:
                    break
                assert sent - revoked_at < 5.0, "B still accepts the revoked token"
                time.sleep(0.05)  # polling another process: a pause between asks, not a wait
            refused_after = time.monotonic() - revoked_at
            # The colleague's stream on B stays open and carries on.
            duty = {"duty": "on_duty"}
            assert _call(first, "PUT", f"/users/{other_id}/duty", other, duty) == 200
            after = read_until(untouched, last_event_id(second.base_url))
            assert after[-1].data["payload"]["user"]["id"] == other_id
        print(f"stream closed after {closed_after:.2f} s, 401 after {refused_after:.2f} s")

        # The command line (a third process) revokes by name; B's new stream closes too.
        _third_id, third = first.create_user("cli-revoked")
        with open_stream(second.base_url, third, last_event_id=start) as stream:
            done = run_cli(["revoke-tokens", "cli-revoked", "--database-url", url], env=env)
            assert done.returncode == 0, done.stderr
            assert done.stdout.strip() == (
                "Revoked 1 token of 'cli-revoked'; running servers refuse them within seconds."
            )
            wait_closed(stream, within=5.0)


def test_two_processes_on_one_postgresql(tmp_path: Path) -> None:
    with temporary_postgres_database() as url:
        _two_processes_one_database(tmp_path, url)


def test_two_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    _two_processes_one_database(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}")
