"""Approval round trip: from a rep's "Ask a manager" in the composer to the on-duty managers'
consoles (the notification), a manager's Approve, and back to the rep's composer showing the
approval, with 50 consoles connected (p50/p99), next to a GET /api/v1/health baseline measured
in the same run. Target: round trip p99 < 1 s.

    .venv/bin/python bench/bench_approvals.py [--consoles 50] [--managers 5] [--rounds 20]

As in bench/bench_broadcast_console.py, every console is the real client core: a
`ConsoleSession` with its local SQLite cache and event stream, and the feature measured (here its
`ApprovalBoard`), all on one asyncio loop in one process (harsher than 50 desktops). The rep
who asks has the composer's presenter on top (`ask_manager`, and the approval line it
announces); each on-duty manager's `ApprovalBoard` announces the request (`arrived`: what the
tray and the notification show); the first manager approves at once; the round trip ends when
the rep's composer announces the approval. The approved reply then goes
through the cool-off (the team server holds it): that moment is reported too."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.client.approvals.board import ApprovalBoard
from app.client.composer.presenter import ApprovalView, ComposerPresenter
from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.models.approval_schemas import ApprovalPublic, ApprovalState
from app.models.enums import Duty
from tests.support.live_server import LiveServer, mention_json, start_live_server

PROMISE = "So sorry about this. We will refund your order in full today."
REASON = "Third lost parcel; she has waited three weeks."


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def create_users(server: LiveServer, consoles: int, managers: int) -> list[str]:
    """`managers` managers and the rest reps, all in `support` (which requires approval) and
    on duty; the first token is the rep who asks."""
    tokens: list[str] = []
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        for index in range(consoles):
            role = "manager" if index >= consoles - managers else "rep"
            user_id, token = server.create_user(
                f"bench-{role}-{index}", role=role, teams=["support"]
            )
            client.put(
                f"/api/v1/users/{user_id}/duty",
                json={"duty": Duty.ON_DUTY.value},
                headers=server.headers(token),
            ).raise_for_status()
            tokens.append(token)
        teams = client.get("/api/v1/teams", headers=server.headers()).json()["data"]
        [team_id] = [t["id"] for t in teams if t["name"] == "support"]
        client.put(
            f"/api/v1/teams/{team_id}/cool-off",
            json={"seconds": 20, "heated_seconds": 60, "approval_required": True},
            headers=server.headers(),
        ).raise_for_status()
    return tokens


async def run(server: LiveServer, consoles: int, managers: int, rounds: int, tmp: Path) -> bool:
    server.add_brand_account("bench-brand")
    tokens = create_users(server, consoles, managers)
    rep_token = tokens[0]
    mention_ids = server.ingest(
        [
            mention_json(f"bench-approval-{n}", "My parcel never came, third time!")
            for n in range(rounds)
        ]
    )
    for mention_id in mention_ids:
        server.claim(mention_id, rep_token)

    worker = BlockingWorker("bench-store", max_workers=2)
    stores = [LocalStore(tmp / f"console-{i}.sqlite3") for i in range(consoles)]
    sessions = [
        ConsoleSession(
            ResponderApi(server.base_url, token), store, worker, backoff=Backoff(0.05, 0.5)
        )
        for token, store in zip(tokens, stores, strict=True)
    ]
    all_boards = [ApprovalBoard(session) for session in sessions]
    composer = ComposerService(sessions[0], stores[0], worker, device="bench")
    presenter = ComposerPresenter(composer)
    presenter.use_approvals(all_boards[0])
    boards = all_boards[consoles - managers :]

    arrivals: dict[int, dict[int, float]] = {}
    first_manager = boards[0]
    approve_tasks: list[asyncio.Task[object]] = []
    approved_at: dict[int, float] = {}

    def heard(index: int, approval: ApprovalPublic) -> None:
        arrivals.setdefault(approval.id, {})[index] = time.perf_counter()
        if index == 0:  # one click, at once
            approved_at[approval.id] = time.perf_counter()
            approve_tasks.append(asyncio.ensure_future(first_manager.approve(approval.id)))

    for index, board in enumerate(boards):
        board.arrived.connect(lambda a, i=index: heard(i, a))
    answered: dict[int, float] = {}
    shown: dict[int, asyncio.Future[float]] = {}

    def composer_line(view: ApprovalView) -> None:
        approval = view.approval
        if approval is not None and approval.state is ApprovalState.APPROVED:
            answered.setdefault(approval.id, time.perf_counter())
            waiter = shown.get(approval.mention_id)
            if waiter is not None and not waiter.done():
                waiter.set_result(answered[approval.id])

    presenter.approval_changed.connect(composer_line)

    tasks = []
    started = time.perf_counter()
    for session in sessions:
        await session.open()
        tasks.append(asyncio.ensure_future(session.run()))
    await composer.start()
    await asyncio.wait_for(asyncio.gather(*(s.synced.wait() for s in sessions)), 300)
    assert all(s.state is ConnectionState.ONLINE for s in sessions)
    for board in all_boards:
        await board.tasks.idle()
    await composer.cool_off.refresh_policy()
    assert composer.cool_off.policy.approval_required
    presenter.viewer_changed(sessions[0].viewer)
    online = ms(time.perf_counter() - started)
    print(f"{consoles} consoles online ({managers} managers on duty) in {online}")

    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        health: list[float] = []
        for _ in range(200):
            t0 = time.perf_counter()
            (await client.get("/api/v1/health")).raise_for_status()
            health.append(time.perf_counter() - t0)

    round_trips: list[float] = []
    notified: list[float] = []
    back: list[float] = []
    held: list[float] = []
    session = sessions[0]
    for round_no, mention_id in enumerate(mention_ids):
        row = session.row(mention_id)
        if row is None:
            raise RuntimeError(f"mention {mention_id} not in the rep's stream")
        opening = presenter.show_mention(row)
        assert opening is not None
        await opening
        presenter.edited(PROMISE)
        presenter.check_now()
        assert presenter.approval_view().offer_ask
        loop = asyncio.get_running_loop()
        shown[mention_id] = loop.create_future()
        t0 = time.perf_counter()
        await presenter.ask_manager(REASON)
        end = await asyncio.wait_for(shown[mention_id], 30)
        approval = presenter.approval()
        assert approval is not None
        assert approval.state is ApprovalState.APPROVED
        heard_at = arrivals[approval.id]
        round_trips.append(end - t0)
        notified.extend(at - t0 for at in heard_at.values())
        back.append(end - approved_at[approval.id])
        # The approved reply goes through the cool-off: the team server holds it.
        while True:
            reply = presenter.reply()
            if reply is not None and reply.held is not None:
                held.append(time.perf_counter() - t0)
                break
            await asyncio.wait_for(_next_change(composer), 30)
        print(
            f"  round {round_no + 1}: managers told after {ms(min(heard_at.values()) - t0)}"
            f"–{ms(max(heard_at.values()) - t0)}, composer shows the approval after "
            f"{ms(end - t0)}"
        )
    await asyncio.gather(*approve_tasks)

    health_p99 = percentile(health, 99)
    trip_p99 = percentile(round_trips, 99)
    print(
        f"GET /health baseline ({len(health)}): p50 {ms(percentile(health, 50))}, "
        f"p99 {ms(health_p99)}"
    )
    print(
        f"ask → on-duty managers' consoles ({len(notified)}): p50 "
        f"{ms(percentile(notified, 50))}, p99 {ms(percentile(notified, 99))}"
    )
    print(
        f"approve → rep's composer ({len(back)}): p50 {ms(percentile(back, 50))}, "
        f"p99 {ms(percentile(back, 99))}"
    )
    print(
        f"round trip ask → notification → approve → composer ({len(round_trips)}): "
        f"p50 {ms(percentile(round_trips, 50))}, p99 {ms(trip_p99)}, max "
        f"{ms(max(round_trips))}, mean {ms(statistics.fmean(round_trips))}; "
        f"{trip_p99 / health_p99:.1f}x the /health p99"
    )
    print(f"ask → approved reply held for its cool-off: p50 {ms(percentile(held, 50))}")
    met = trip_p99 < 1.0
    print(f"target round trip p99 < 1 s: {'MET' if met else 'MISSED'}")

    await presenter.aclose()
    await composer.aclose()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for board in all_boards:
        await board.tasks.aclose()
    for session in sessions:
        await session.aclose()
    for store in stores:
        store.close()
    worker.shutdown()
    return met


def _next_change(composer: ComposerService) -> asyncio.Future[None]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def changed(_replies: object) -> None:
        composer.cool_off.changed.disconnect(changed)
        if not future.done():
            future.set_result(None)

    composer.cool_off.changed.connect(changed)
    return future


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--managers", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(start_live_server(tmp / "server"))
        met = asyncio.run(run(server, args.consoles, args.managers, args.rounds, tmp))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
