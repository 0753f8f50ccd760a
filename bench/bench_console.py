"""Console benchmark: 100,000 mentions in the local cache.

Measures, for the console's stream (our model + proxy + delegate, fed through the session) and
for a plain QStandardItemModel + QSortFilterProxyModel fed the same data in the same run:
  * start-up to first paint of the stream (a fresh process, imports included)
  * resident memory (RSS) after the first paint
  * filter switch time (switch + repaint); for the console also a header sort per column
  * UI-loop stall: p99 lateness of a 10 ms heartbeat QTimer while 5,000 events arrive in a burst
Targets: first paint < 2 s, RSS < 400 MB, filter switch < 100 ms, stall p99 < 50 ms.

    .venv/bin/python bench/bench_console.py [--mentions 100000] [--burst 5000]
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before the heavy imports: start-up includes them

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NETWORKS = ["mastodon", "bluesky", "x", "feed", "webhook"]
TEXTS = [
    "My order still has not arrived and nobody answers the phone",
    "Thanks for the quick fix, the app works again!",
    "Is there an outage in Berlin? No signal since this morning",
    "I want a refund for the double charge on my bill",
    "Love the new plan, switching my whole family",
    "Your support told me to restart the phone. Again. Seriously?",
]
BASE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PLAIN_BURST_LIMIT_S = 30.0


def mention_dict(i: int, version: int = 1) -> dict[str, object]:
    assignee = (i % 5) + 5 if i % 3 == 0 else None
    status = "resolved" if i % 11 == 0 else ("assigned" if assignee else "new")
    when = (BASE - timedelta(seconds=(200_000 - i) * 30)).isoformat()
    return {
        "id": i,
        "network": NETWORKS[i % 5],
        "external_id": f"bench-{i}",
        "author": {"handle": f"customer{i}", "display_name": f"Customer {i}"},
        "text": f"{TEXTS[i % len(TEXTS)]} (#{i})",
        "url": None,
        "created_at": when,
        "ingested_at": when,
        "updated_at": when,
        "status": status,
        "assignee_id": assignee,
        "assignee": {"id": assignee, "name": f"Rep {assignee}"} if assignee else None,
        "version": version,
        "priority": float((i * 37) % 100),
        "sentiment": 0.0,
        "risk_words": [],
        "is_demo": False,
    }


def build_cache(path: Path, count: int) -> None:
    from app.client.stream.store import LocalStore
    from app.models.schemas import MentionPublic

    store = LocalStore(path)
    for start in range(1, count + 1, 5000):
        chunk = [
            MentionPublic.model_validate(mention_dict(i))
            for i in range(start, min(start + 5000, count + 1))
        ]
        store.apply_mentions(chunk, cursor=start + len(chunk))
    store.close()


def burst_events(count: int, first_id: int) -> list[dict[str, object]]:
    """New mentions plus some updates (claims) of cached ones, as the server would send."""
    events = []
    for n in range(count):
        if n % 10 == 9:  # every tenth event: somebody claims a cached mention
            target = 3 * (n + 1) + 1
            mention = mention_dict(target, version=2)
            mention.update(status="assigned", assignee_id=8, assignee={"id": 8, "name": "Lee"})
            kind = "mention.updated"
        else:
            mention = mention_dict(first_id + n)
            kind = "mention.created"
        events.append(
            {
                "id": 1_000_000 + n,
                "type": kind,
                "at": BASE.isoformat(),
                "mention_id": mention["id"],
                "payload": {"mention": mention},
            }
        )
    return events


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


# --- child: one variant, fresh process --------------------------------------------------------


def child(variant: str, cache: Path, burst: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import asyncio

    import qasync
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    result: dict[str, object] = {"variant": variant}

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.future = loop.create_future()

            self.model: object = None

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            # The first paint that shows mentions (not the empty window before them).
            if (
                event.type() == QEvent.Type.Paint
                and not self.future.done()
                and self.model is not None
                and self.model.rowCount() > 0  # type: ignore[attr-defined]
            ):
                loop.call_soon(self.future.set_result, time.perf_counter())
            return False

    async def heartbeat_during(feed: object, done: object) -> list[float]:
        late: list[float] = []
        timer = QTimer()
        timer.setInterval(10)
        last = [time.perf_counter()]

        def beat() -> None:
            now = time.perf_counter()
            late.append(max(0.0, (now - last[0]) * 1000 - 10))
            last[0] = now

        timer.timeout.connect(beat)
        timer.start()
        await feed  # type: ignore[misc]
        await done  # type: ignore[misc]
        timer.stop()
        return late

    async def ours() -> None:
        from app.client.connection.api import ResponderApi
        from app.client.connection.events import Backoff
        from app.client.stream.narrowing import NEWEST_FIRST, SortColumn
        from app.client.stream.session import ConsoleSession
        from app.client.stream.store import LocalStore
        from app.client.worker import BlockingWorker
        from app.desktop import load_cached_stream
        from app.models.schemas import EventPublic
        from app.ui.shell.build import build_console
        from app.ui.shell.session_bridge import SessionBridge
        from app.ui.stream.filter import FilterMode

        worker = BlockingWorker("bench-store")
        store = LocalStore(cache)
        session = ConsoleSession(
            ResponderApi("http://127.0.0.1:9", "offline"), store, worker, backoff=Backoff(60, 60)
        )
        ui = build_console(SessionBridge(session), subtitle="bench")
        window = ui.window
        painted = FirstPaint()
        painted.model = window.model
        window.view.viewport().installEventFilter(painted)
        window.set_filter_mode(FilterMode.ALL)
        window.show()
        opening = asyncio.ensure_future(load_cached_stream(session))
        first = await painted.future
        result["first_paint_s"] = first - T0
        await opening
        result["all_rows_loaded_s"] = time.perf_counter() - T0
        rows = window.model.rows_oldest_first()
        result["rows"] = len(rows)
        app.processEvents()
        result["rss_mb"] = rss_mb()

        switches = []
        for mode in [*FilterMode, FilterMode.UNASSIGNED, FilterMode.ALL]:
            start = time.perf_counter()
            window.set_filter_mode(mode)
            app.processEvents()
            switches.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        window.stream.filter_bar.search.setText("refund")
        window.stream.apply_filter()
        app.processEvents()
        switches.append((time.perf_counter() - start) * 1000)
        window.stream.filter_bar.search.setText("")
        window.stream.apply_filter()
        window.set_filter_mode(FilterMode.UNASSIGNED)
        result["filter_switch_ms_max"] = max(switches)
        result["filter_switch_ms_median"] = percentile(switches, 0.5)

        # A header click per sortable column (each re-sorts the shown rows), then newest first.
        sorts = []
        for column in SortColumn:
            start = time.perf_counter()
            window.stream.sort_by_column(column)
            app.processEvents()
            sorts.append((time.perf_counter() - start) * 1000)
        window.stream.set_sort(NEWEST_FIRST)
        result["sort_ms_max"] = max(sorts)
        result["sort_ms_median"] = percentile(sorts, 0.5)

        events = [EventPublic.model_validate(e) for e in burst_events(burst, len(rows) + 1)]
        session.start_applying()
        expected_rows = len(rows) + sum(1 for e in events if e.type == "mention.created")
        done = loop.create_future()

        def check(*_: object) -> None:
            if window.model.rowCount() >= expected_rows and not done.done():
                done.set_result(True)

        window.model.rowsInserted.connect(check)

        async def feed() -> None:
            # Events arrive as fast as the socket delivers them: 50 per read.
            for start in range(0, len(events), 50):
                for event in events[start : start + 50]:
                    session.receive_event(event)
                await asyncio.sleep(0)

        began = time.perf_counter()
        late = await heartbeat_during(feed(), asyncio.wait_for(done, 60))
        result["burst_s"] = time.perf_counter() - began
        result["stall_p99_ms"] = percentile(late, 0.99)
        result["stall_max_ms"] = max(late)
        result["flushes"] = window.model.flush_count
        result["rss_after_burst_mb"] = rss_mb()
        await ui.cancel_actions()
        await session.aclose()
        store.close()
        worker.shutdown()

    async def plain() -> None:
        from PySide6.QtCore import QSortFilterProxyModel, Qt
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        from PySide6.QtWidgets import QTableView

        from app.client.stream.rows import MentionRow
        from app.client.stream.store import LocalStore
        from app.models.schemas import EventPublic, MentionPublic

        def items(row: MentionRow) -> list[QStandardItem]:
            return [
                QStandardItem(row.network.value),
                QStandardItem(f"{row.priority:.0f}"),
                QStandardItem(f"{row.author_name} @{row.author_handle}"),
                QStandardItem(row.text),
                QStandardItem(row.created_at.isoformat()),
                QStandardItem(row.assignee_name or "—"),
                QStandardItem(row.status.value),
            ]

        store = LocalStore(cache)
        model = QStandardItemModel(0, 7)
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        view = QTableView()
        view.setModel(proxy)
        view.verticalHeader().setDefaultSectionSize(30)
        view.resize(1280, 780)
        painted = FirstPaint()
        painted.model = model
        view.viewport().installEventFilter(painted)
        view.show()
        rows = store.load_rows()
        for row in reversed(rows):  # newest first, as a list would show them
            model.appendRow(items(row))
        view.viewport().update()
        first = await painted.future
        result["first_paint_s"] = first - T0
        result["all_rows_loaded_s"] = first - T0
        result["rows"] = len(rows)
        result["rss_mb"] = rss_mb()

        switches = []
        for column, text in [
            (5, "—"),
            (5, "Rep 7"),
            (5, "Rep"),
            (6, "handoff"),
            (5, ""),
            (5, "—"),
            (5, ""),
        ]:
            start = time.perf_counter()
            proxy.setFilterKeyColumn(column)
            proxy.setFilterFixedString(text)
            app.processEvents()
            switches.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        proxy.setFilterKeyColumn(-1)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        proxy.setFilterFixedString("refund")
        app.processEvents()
        switches.append((time.perf_counter() - start) * 1000)
        proxy.setFilterKeyColumn(5)
        proxy.setFilterFixedString("—")
        result["filter_switch_ms_max"] = max(switches)
        result["filter_switch_ms_median"] = percentile(switches, 0.5)

        raw = burst_events(burst, len(rows) + 1)
        events = [EventPublic.model_validate(e) for e in raw]
        done = loop.create_future()
        by_id = {}
        for r in range(model.rowCount()):
            by_id[len(rows) - r] = r  # ids 1..n, newest first

        applied = [0]

        async def feed() -> None:
            began = time.perf_counter()
            for start in range(0, len(events), 50):
                if time.perf_counter() - began > PLAIN_BURST_LIMIT_S:
                    break  # it would take minutes: the stall figures are clear by now
                applied[0] = start + 50
                for event in events[start : start + 50]:
                    mention = MentionPublic.model_validate(event.payload["mention"])
                    row = MentionRow.from_public(mention)
                    if event.type == "mention.created":
                        model.insertRow(0, items(row))
                    else:
                        position = model.rowCount() - mention.id  # shifted by inserts
                        for column, item in enumerate(items(row)):
                            model.setItem(position, column, item)
                await asyncio.sleep(0)
            done.set_result(True)

        began = time.perf_counter()
        late = await heartbeat_during(feed(), asyncio.wait_for(done, 120))
        elapsed = time.perf_counter() - began
        # Time for the whole burst, extrapolated when the limit cut it short.
        result["burst_s"] = elapsed * len(events) / max(1, min(applied[0], len(events)))
        result["burst_events_applied"] = min(applied[0], len(events))
        result["stall_p99_ms"] = percentile(late, 0.99)
        result["stall_max_ms"] = max(late)
        result["rss_after_burst_mb"] = rss_mb()
        store.close()

    with loop:
        loop.run_until_complete(ours() if variant == "ours" else plain())
    print("RESULT " + json.dumps(result))


# --- parent: build the cache once, run both variants, compare ---------------------------------


def run_child(variant: str, cache: Path, burst: int) -> dict[str, float]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            variant,
            "--cache",
            str(cache),
            "--burst",
            str(burst),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    for line in output.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])  # type: ignore[no-any-return]
    raise RuntimeError(f"{variant} failed:\n{output.stderr[-4000:]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=5_000)
    parser.add_argument("--child")
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cache, args.burst)
        return
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache.sqlite3"
        began = time.perf_counter()
        build_cache(cache, args.mentions)
        print(f"cache: {args.mentions:,} mentions built in {time.perf_counter() - began:.1f} s")
        load_before = os.getloadavg()[0]
        ours = run_child("ours", cache, args.burst)
        load_ours = os.getloadavg()[0]
        plain = run_child("plain", cache, args.burst)
    targets = {
        "first_paint_s": 2.0,
        "rss_mb": 400.0,
        "filter_switch_ms_max": 100.0,
        "stall_p99_ms": 50.0,
    }
    print(f"\n{'metric':<26}{'console':>12}{'plain QSIM':>14}{'ratio':>9}{'target':>10}  ok")
    for key in [
        "first_paint_s",
        "all_rows_loaded_s",
        "rss_mb",
        "filter_switch_ms_max",
        "filter_switch_ms_median",
        "stall_p99_ms",
        "stall_max_ms",
        "burst_s",
        "rss_after_burst_mb",
    ]:
        a, b = float(ours[key]), float(plain[key])
        target = targets.get(key)
        ok = "" if target is None else ("yes" if a < target else "NO")
        shown_target = "" if target is None else f"< {target:g}"
        ratio = a / b if b else float("inf")
        print(f"{key:<26}{a:>12.2f}{b:>14.2f}{ratio:>9.2f}{shown_target:>10}  {ok}")
    print(
        f"column sorts (console only, Unassigned): max {float(ours['sort_ms_max']):.1f} ms, "
        f"median {float(ours['sort_ms_median']):.1f} ms"
    )
    print(f"\nrows: {ours['rows']:,}; console model flushes during the burst: {ours['flushes']}")
    print(
        f"machine load (1-min average, {os.cpu_count()} CPUs): {load_before:.1f} before, "
        f"{load_ours:.1f} after the console run — stalls grow with it"
    )
    applied = plain.get("burst_events_applied", args.burst)
    if applied < args.burst:
        print(
            f"plain model: {applied:,} of {args.burst:,} burst events applied in the "
            f"{PLAIN_BURST_LIMIT_S:.0f} s limit; its burst_s is extrapolated"
        )


if __name__ == "__main__":
    main()
