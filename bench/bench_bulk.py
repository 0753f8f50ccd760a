"""Bulk actions: POST /api/v1/mentions/bulk on 200 and 500 mentions against a real server process
on SQLite and on PostgreSQL — claim, tag, resolve (with the versions the claim returned),
assign and hand off (a manager), release — each timed from the request to its answer (median of
`--rounds`), next to a single claim's round trip in the same run. Target: 500 in well under 2 s.

    .venv/bin/python bench/bench_bulk.py [--rounds 3] [--only sqlite|postgres]"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.postgres import temporary_postgres_database

_batches = itertools.count(1)


@contextmanager
def server(kind: str, root: Path) -> Iterator[LiveServer]:
    if kind == "sqlite":
        with start_live_server(root / kind) as live:
            yield live
        return
    with (
        temporary_postgres_database() as url,
        start_live_server(root / kind, database_url=url) as live,
    ):
        yield live


def bulk(live: LiveServer, token: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = httpx.post(
        f"{live.base_url}/api/v1/mentions/bulk",
        json=body,
        headers=live.headers(token),
        timeout=60,
    )
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return elapsed, result


def one_round(live: LiveServer, rep: str, manager: str, helper: int, size: int) -> dict[str, float]:
    batch = next(_batches)
    ids = live.ingest(
        [mention_json(f"bb-{batch}-{i}", f"Where is parcel {i}?") for i in range(size)]
    )
    timings: dict[str, float] = {}
    timings["claim"], claimed = bulk(live, rep, {"action": "claim", "mention_ids": ids})
    assert claimed["succeeded"] == size, claimed["succeeded"]
    versions = {str(r["mention_id"]): r["mention"]["version"] for r in claimed["results"]}
    timings["tag"], tagged = bulk(
        live, rep, {"action": "tag", "mention_ids": ids, "tags": ["parcel", "late"]}
    )
    assert tagged["succeeded"] == size
    timings["release"], released = bulk(live, rep, {"action": "release", "mention_ids": ids})
    assert released["succeeded"] == size
    timings["assign"], assigned = bulk(
        live, manager, {"action": "assign", "mention_ids": ids, "user_id": helper}
    )
    assert assigned["succeeded"] == size
    versions = {str(r["mention_id"]): r["mention"]["version"] for r in assigned["results"]}
    timings["resolve"], resolved = bulk(
        live,
        manager,
        {"action": "resolve", "mention_ids": ids, "versions": versions, "follow_up_in_days": 2},
    )
    assert resolved["succeeded"] == size
    fresh = live.ingest(
        [mention_json(f"bh-{batch}-{i}", f"Refund for order {i}?") for i in range(size)]
    )
    timings["handoff"], handed = bulk(
        live, manager, {"action": "handoff", "mention_ids": fresh, "to_team": "billing"}
    )
    assert handed["succeeded"] == size
    return timings


def single_claim(live: LiveServer, token: str) -> float:
    (mention_id,) = live.ingest([mention_json(f"bs-{next(_batches)}", "Hello?")])
    started = time.perf_counter()
    response = httpx.post(
        f"{live.base_url}/api/v1/mentions/{mention_id}/claim",
        json={"version": 1},
        headers=live.headers(token),
        timeout=10,
    )
    response.raise_for_status()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    kinds = [args.only] if args.only else ["sqlite", "postgres"]
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            with server(kind, Path(tmp)) as live:
                _, rep = live.create_user("Ana", teams=["billing"])
                _, manager = live.create_user("Mia", role="manager", teams=["billing"])
                helper, _ = live.create_user("Ben", teams=["billing"])
                singles = [single_claim(live, rep) for _ in range(20)]
                print(f"{kind}: a single claim p50 {statistics.median(singles) * 1000:.1f} ms")
                for size in (200, 500):
                    rounds = [
                        one_round(live, rep, manager, helper, size) for _ in range(args.rounds)
                    ]
                    line = ", ".join(
                        f"{action} {statistics.median(r[action] for r in rounds) * 1000:.0f} ms"
                        for action in rounds[0]
                    )
                    print(f"{kind}: {size} mentions — {line}", flush=True)


if __name__ == "__main__":
    main()
