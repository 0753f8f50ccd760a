"""Schemathesis over the server's own OpenAPI spec, against real server processes on SQLite and
PostgreSQL, as an admin and as a rep: no answer is a server error (5xx), every answer is one
the spec documents (status code, content type, headers, body schema, 405 with its Allow), and
an operation asked without a valid token says 401 (`ignored_auth`).

Driven through schemathesis's engine (what its command line runs: the coverage phase's
boundary values, negative data and unexpected methods, then fuzzing); its pytest loader does not
run under pytest 9. Bounded so that a database's two runs take under 90 s on two cores: a
fixed seed, deterministic generation, a few examples per operation, no shrinking. The event
stream never ends, so `GET /events` is left to test_event_stream.py and test_bad_input_bounds.py.

The tests are tests/server/test_api_fuzz_sqlite.py and test_api_fuzz_postgres.py: one file per
database, so that two workers share the work (one file ran four targets in a row, the suite's
longest file)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from tests.support.live_server import LiveServer, mention_json

SEED = 20261130
MAX_EXAMPLES = 5
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
)


@dataclass(frozen=True)
class Target:
    database: str
    role: str
    server: LiveServer
    token: str


def seed(server: LiveServer) -> str:
    """A small world for the ids the fuzzer tries first (1, 2, …): a team with a rep, mentions,
    one claimed and handed off, a broadcast, a canned reply. Returns the rep's token."""
    admin = httpx.Client(base_url=server.base_url, headers=server.headers(), timeout=10)
    with admin:
        team = admin.post("/api/v1/teams", json={"name": "fuzz-team"}).json()
        rep_id, rep_token = server.create_user("fuzz-rep", role="rep", teams=["fuzz-team"])
        admin.put(f"/api/v1/teams/{team['id']}/members", json={"user_ids": [rep_id]})
        server.add_brand_account("fuzz-brand")
        ids = server.ingest([mention_json(f"fuzz-{n}") for n in range(5)])
        admin.post(f"/api/v1/mentions/{ids[0]}/claim", json={"version": 1})
        admin.post("/api/v1/handoffs", json={"mention_id": ids[0], "to_user_id": rep_id})
        admin.post(f"/api/v1/mentions/{ids[1]}/claim", json={"version": 1})  # a reply's owner
        admin.post(
            f"/api/v1/mentions/{ids[1]}/replies",
            json={"client_id": str(uuid.uuid4()), "body": "On it", "base_version": 2},
        )
        admin.post("/api/v1/broadcasts", json={"text": "Outage in the north"})
        admin.post("/api/v1/canned", json={"title": "Thanks", "body": "Thank you!"})
    return rep_token


def target_for(server: LiveServer, database: str, role: str, rep_token: str) -> Target:
    token = server.admin_token if role == "admin" else rep_token
    return Target(database, role, server, token)


def run(target: Target) -> tuple[int, list[str]]:
    """Run schemathesis's engine over the spec; returns (requests made, failures described)."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {target.token}"},
            "request-timeout": 20,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "no-shrink": True,
                "mode": "all",
            },
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )
    url = f"{target.server.base_url}/openapi.json"
    schema = schemathesis.openapi.from_url(url, config=config).exclude(path="/api/v1/events")
    requests = 0
    failures: list[str] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    case = event.recorder.cases[case_id].value
                    failures.append(
                        f"{case.operation.label} {check.name}: {check.failure_info.failure.title}"
                        f"\n  {check.failure_info.code_sample}"
                    )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"engine error: {event!r}")
    return requests, failures


def check_every_operation(target: Target) -> None:
    """No server error and every answer in the spec, for every operation but the event stream."""
    started = time.monotonic()
    requests, failures = run(target)
    elapsed = time.monotonic() - started
    print(f"\nschemathesis {target.database}/{target.role}: {requests} requests in {elapsed:.1f} s")
    assert requests > 500, "schemathesis made too few requests to mean anything"
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(set(failures)))
