"""Broadcast delivery to consoles: from the manager's POST /api/v1/broadcasts to the banner
being shown on 50 connected console sessions (p50/p99), next to a GET /api/v1/health baseline
measured in the same run. Target: p99 < 1 s.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_broadcast_console.py \\
        [--consoles 50] [--rounds 10]

Unlike bench/bench_broadcast.py (raw SSE streams), every console here is the real client core:
a `ConsoleSession` with its local SQLite cache, its event stream and a `BroadcastInbox`, all on
one qasync loop as in the desktop. One of them is a full window with the team console
installed; its time is taken when the banner widget shows the broadcast. The others count as
shown when their inbox announces the banner (what the bridge would paint). All consoles share
the one process (and its one UI thread), which is harsher than 50 desktops."""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.client.broadcasts.inbox import BroadcastInbox
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from app.models.enums import Duty, Severity
from app.models.schemas import BroadcastPublic
from tests.support.live_server import LiveServer, start_live_server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def create_users(server: LiveServer, count: int) -> tuple[str, list[str]]:
    """A manager and `count` reps, every rep on duty (so every console shows banners)."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        _, boss = server.create_user("bench-boss", role="manager")
        tokens = []
        for index in range(count):
            user_id, token = server.create_user(f"bench-rep-{index}", teams=["support"])
            client.put(
                f"/api/v1/users/{user_id}/duty",
                json={"duty": Duty.ON_DUTY.value},
                headers=server.headers(token),
            ).raise_for_status()
            tokens.append(token)
    return boss, tokens


class Shown:
    """The moment each console first showed each broadcast."""

    def __init__(self, consoles: int) -> None:
        self.consoles = consoles
        self.at: dict[int, dict[int, float]] = {}
        self.waiters: dict[int, asyncio.Future[None]] = {}

    def record(self, console: int, owed: list[BroadcastPublic]) -> None:
        now = time.perf_counter()
        for broadcast in owed:
            seen = self.at.setdefault(broadcast.id, {})
            if console not in seen:
                seen[console] = now
                waiter = self.waiters.get(broadcast.id)
                if len(seen) == self.consoles and waiter is not None and not waiter.done():
                    waiter.set_result(None)

    def everywhere(self, broadcast_id: int) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        if len(self.at.get(broadcast_id, {})) == self.consoles:
            future.set_result(None)
        self.waiters[broadcast_id] = future
        return future


async def run(server: LiveServer, consoles: int, rounds: int, tmp: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.shell.build import build_console
    from app.ui.shell.session_bridge import SessionBridge
    from app.ui.team.bridge import TeamBridge

    boss_token, tokens = create_users(server, consoles)
    worker = BlockingWorker("bench-store", max_workers=2)
    shown = Shown(consoles)
    sessions: list[ConsoleSession] = []
    stores: list[LocalStore] = []
    inboxes: list[BroadcastInbox] = []
    tasks: list[asyncio.Task[None]] = []

    # Console 0: the full window; its moment is when the banner widget shows the broadcast.
    stores.append(LocalStore(tmp / "console-0.sqlite3"))
    window_session = ConsoleSession(
        ResponderApi(server.base_url, tokens[0]),
        stores[-1],
        worker,
        backoff=Backoff(0.05, 0.5),
    )
    desk = TeamDesk.follow(window_session)
    ui = build_console(SessionBridge(window_session), subtitle="bench", team=TeamBridge(desk))
    window = ui.window
    team = ui.team
    assert team is not None
    banner = team.broadcast_banner

    def banner_shown(owed: list[BroadcastPublic]) -> None:
        if banner.isVisible() and banner.broadcast is not None:
            shown.record(0, owed)

    team.bridge.broadcastBanner.connect(banner_shown)
    window.show()
    sessions.append(window_session)
    inboxes.append(desk.broadcasts)
    for index in range(1, consoles):
        stores.append(LocalStore(tmp / f"console-{index}.sqlite3"))
        session = ConsoleSession(
            ResponderApi(server.base_url, tokens[index]),
            stores[-1],
            worker,
            backoff=Backoff(0.05, 0.5),
        )
        inbox = BroadcastInbox(session)
        inbox.banner_changed.connect(functools.partial(shown.record, index))
        sessions.append(session)
        inboxes.append(inbox)
    for session in sessions:
        await session.open()
        tasks.append(asyncio.ensure_future(session.run()))
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(s.synced.wait() for s in sessions)), 120)
    assert all(s.state is ConnectionState.ONLINE for s in sessions)
    await desk.idle()
    for inbox in inboxes[1:]:
        await inbox.tasks.idle()
    print(f"{consoles} consoles online in {ms(time.perf_counter() - started)}")

    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        health: list[float] = []
        for _ in range(rounds * 5):
            t0 = time.perf_counter()
            (await client.get("/api/v1/health")).raise_for_status()
            health.append(time.perf_counter() - t0)
        latencies: list[float] = []
        post_times: list[float] = []
        for round_no in range(rounds):
            t0 = time.perf_counter()
            response = await client.post(
                "/api/v1/broadcasts",
                json={"text": f"Bench broadcast {round_no}", "severity": Severity.URGENT.value},
                headers=server.headers(boss_token),
            )
            response.raise_for_status()
            post_times.append(time.perf_counter() - t0)
            broadcast_id = int(response.json()["id"])
            await asyncio.wait_for(shown.everywhere(broadcast_id), 30)
            latencies.extend(at - t0 for at in shown.at[broadcast_id].values())
            window_latency = shown.at[broadcast_id][0] - t0
            print(f"  round {round_no + 1}: window banner after {ms(window_latency)}")

    QApplication.processEvents()
    print(
        f"GET /health baseline ({len(health)}): p50 {ms(percentile(health, 50))}, "
        f"p99 {ms(percentile(health, 99))}"
    )
    print(f"POST /broadcasts ({len(post_times)}): p50 {ms(percentile(post_times, 50))}")
    print(
        f"POST → banner shown, {consoles} consoles × {rounds} broadcasts "
        f"({len(latencies)} deliveries): p50 {ms(percentile(latencies, 50))}, "
        f"p99 {ms(percentile(latencies, 99))}, max {ms(max(latencies))}, "
        f"mean {ms(statistics.fmean(latencies))}"
    )
    verdict = "MET" if percentile(latencies, 99) < 1.0 else "MISSED"
    print(f"target p99 < 1 s: {verdict}")

    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await ui.aclose()
    for inbox in inboxes[1:]:
        await inbox.tasks.aclose()
    for session in sessions:
        await session.aclose()
    window.quit()
    for store in stores:
        store.close()
    worker.shutdown()


def main() -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(start_live_server(tmp / "server"))
        qasync.run(run(server, args.consoles, args.rounds, tmp))
    del app


if __name__ == "__main__":
    main()
