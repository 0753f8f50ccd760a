"""Start-up benchmark: how soon the console's window is on the screen, and its stream filled,
against a bare PySide6 window launched the same way in the same run.

    .venv/bin/python bench/bench_startup.py                # 3 rounds on Xvfb + openbox (xcb)
    .venv/bin/python bench/bench_startup.py --rounds 5 --imports
    git archive REV app main.py | tar -x -C /tmp/before && \
        .venv/bin/python bench/bench_startup.py --before /tmp/before   # … against another build
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_startup.py --offscreen

Each round launches, one after the other, on the same X desktop (tests/support/xdesktop.py):

1. bare: a QApplication and an empty QMainWindow, nothing else (bench/bare_window.py);
2. first start: `main.py --demo` in a new home (no cache): its private server starts and the
   demo mentions reach the stream through it;
3. next start: `main.py --demo` again in that home: the stream fills from the local cache
   while the private server starts behind the window.

Launch → window on the screen is the first Expose of the top-level window (the window is mapped
and can paint), as each process logs it with the wall-clock time (app/desktop/startup.py for the
console; the same event filter in the bare script); launch is taken just before the process is
spawned, so the interpreter's start and every import count. The console also logs when its
stream first has rows and when it is connected. `--imports` adds the heaviest packages the
console imports before its window and those it loads behind it (`python -X importtime`).
`--before DIR` launches the console of another tree too (one that logs the same lines),
alternating with this one in each round.

Target (issue 13): window on the screen ≤ 2× the bare window's time (medians of the same run).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.support.folders import home_of_its_own  # noqa: E402
from tests.support.xdesktop import XDesktop, poll, start_xdesktop  # noqa: E402

PYTHON = (
    str(REPO_ROOT / ".venv" / "bin" / "python")
    if (REPO_ROOT / ".venv").exists()
    else (sys.executable)
)
TARGET_RATIO = 2.0
# INFO app.desktop.startup: start-up: the window is on the screen after 1.02 s (status: …) [at …]
_MARK = re.compile(
    r"start-up: (?P<moment>.+?)(?: \((?P<count>\d+) mentions\))? after [\d.]+ s "
    r"\(status: (?P<status>.*)\) \[at (?P<at>[\d.]+)\]"
)
BARE_MARK = re.compile(r"bare window on the screen \[at (?P<at>[\d.]+)\]")
WINDOW, FILLED, CONNECTED = "the window is on the screen", "the stream shows mentions", "connected"


@dataclass
class Launch:
    """One launch's moments, in seconds after it was spawned."""

    window: float
    filled: float | None = None
    connected: float | None = None
    status_at_window: str = ""
    rows: int = 0


@dataclass
class Figures:
    """One build's launches: a first start (no cache) and the next start, per round."""

    first: list[Launch] = field(default_factory=list)
    next: list[Launch] = field(default_factory=list)

    @property
    def windows(self) -> list[float]:
        return [launch.window for launch in self.first + self.next]


def clean_env(base: dict[str, str], home: Path | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in base.items()
        if k not in {"PYTHON_KEYRING_BACKEND", "PYTEST_CURRENT_TEST", "PYTHONPROFILEIMPORTTIME"}
    }
    env["PYTHONUNBUFFERED"] = "1"
    if home is not None:
        env.update(home_of_its_own(home))
    return env


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM (the console quits as from its menu), then wait."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=10)


def launch_bare(env: dict[str, str], log: Path) -> float:
    with log.open("wb") as out:
        started = time.time()
        process = subprocess.Popen(
            [PYTHON, str(REPO_ROOT / "bench" / "bare_window.py")],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        match = poll(
            lambda: BARE_MARK.search(log.read_text(errors="replace")),
            60,
            "the bare window",
            on_timeout=lambda: log.read_text(errors="replace")[-2000:],
        )
    finally:
        stop(process)
    return float(match.group("at")) - started


def launch_console(env: dict[str, str], log: Path, timeout: float, root: Path) -> Launch:
    """`main.py --demo`; returns once it is connected with rows in its stream, then quits it."""
    with log.open("ab") as out:
        started = time.time()
        process = subprocess.Popen(
            [PYTHON, "main.py", "--demo"],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    offset = log.stat().st_size

    def marks() -> dict[str, re.Match[str]]:
        if process.poll() is not None:
            raise RuntimeError(f"the console exited {process.returncode}:\n{tail(log)}")
        text = log.read_text(errors="replace")[offset:]
        return {m.group("moment"): m for m in _MARK.finditer(text)}

    def all_three() -> dict[str, re.Match[str]] | None:
        found = marks()
        return found if {WINDOW, FILLED, CONNECTED} <= found.keys() else None

    try:
        found = poll(
            all_three,
            timeout,
            "the console's window, stream and connection",
            on_timeout=lambda: tail(log),
        )
    finally:
        code = stop(process)
    if code != 0:
        raise RuntimeError(f"the console exited {code} after SIGTERM:\n{tail(log)}")
    window = found[WINDOW]
    return Launch(
        window=float(window.group("at")) - started,
        filled=float(found[FILLED].group("at")) - started,
        connected=float(found[CONNECTED].group("at")) - started,
        status_at_window=window.group("status"),
        rows=int(found[FILLED].group("count") or 0),
    )


def tail(path: Path, lines: int = 25) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def display(offscreen: bool, tmp: Path) -> Iterator[dict[str, str]]:
    if offscreen:
        yield dict(os.environ, QT_QPA_PLATFORM="offscreen")
        return
    desk: XDesktop
    with start_xdesktop(tmp / "shots", log_dir=tmp / "x") as desk:
        yield dict(desk.env, QT_QPA_PLATFORM="xcb")


# What main() imports before the console's window is on the screen (app/desktop/__init__.py),
# and what loads behind it: the stream and menus that furnish the frame
# (app/ui/shell/window.py), the cached rows' first look, then the core (app/desktop/core.py).
BEFORE_THE_WINDOW = (
    "qasync",
    "app.desktop",
    "app.desktop.console",
    "app.desktop.display",
    "app.desktop.instance",
    "app.desktop.integration",
    "app.desktop.startup",
    "app.common.logs",
    "app.ui.qt.collector",
    "app.ui.qt.scheme",
)
BEHIND_THE_WINDOW = ("app.ui.shell.window", "app.client.stream.cached_rows", "app.desktop.core")


def _self_times(env: dict[str, str], modules: tuple[str, ...]) -> dict[str, float]:
    """Self time (ms) per imported module of `import modules` (python -X importtime)."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", f"import {', '.join(modules)}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        match.group(2): int(match.group(1)) / 1000
        for match in re.finditer(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", result.stderr)
    }


def _by_package(times: dict[str, float], top: int) -> list[tuple[str, float]]:
    per_package: dict[str, float] = {}
    for module, ms in times.items():
        parts = module.split(".")
        key = ".".join(parts[:2]) if parts[0] == "app" else parts[0]
        per_package[key] = per_package.get(key, 0.0) + ms
    heaviest = sorted(per_package.items(), key=lambda item: -item[1])[:top]
    return [("(all)", sum(per_package.values())), *heaviest]


def heaviest_imports(
    env: dict[str, str], top: int = 12
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Self time (ms) per top-level package of what the console loads before its window, and
    of what it loads behind it (the modules the first list does not hold)."""
    before = _self_times(env, BEFORE_THE_WINDOW)
    both = _self_times(env, BEFORE_THE_WINDOW + BEHIND_THE_WINDOW)
    behind = {module: ms for module, ms in both.items() if module not in before}
    return _by_package(before, top), _by_package(behind, top)


def spread(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):6.2f} s  ({min(values):.2f}–{max(values):.2f})"


def measure(
    builds: dict[str, Path], base_env: dict[str, str], tmp: Path, rounds: int, timeout: float
) -> tuple[list[float], dict[str, Figures]]:
    bare: list[float] = []
    figures = {name: Figures() for name in builds}
    for n in range(1, rounds + 1):
        bare.append(launch_bare(clean_env(base_env, None), tmp / f"bare-{n}.log"))
        line = f"round {n}: bare {bare[-1]:.2f} s"
        for name, root in builds.items():
            home = tmp / f"{name}-{n}"
            env = clean_env(base_env, home)
            figures[name].first.append(launch_console(env, home / "log", timeout, root))
            figures[name].next.append(launch_console(env, home / "log", timeout, root))
            first, again = figures[name].first[-1], figures[name].next[-1]
            line += (
                f" | {name}: first start window {first.window:.2f}, stream {first.filled:.2f},"
                f" connected {first.connected:.2f}; next start window {again.window:.2f},"
                f" stream {again.filled:.2f} ({again.rows} cached), connected"
                f" {again.connected:.2f}"
            )
        print(line, flush=True)
    return bare, figures


def report(name: str, figures: Figures, bare: float) -> dict[str, float]:
    ratio = statistics.median(figures.windows) / bare
    firsts, nexts = figures.first, figures.next
    print(f"\n{name}: launch → (median over rounds, min–max)")
    print(f"  window on the screen                {spread(figures.windows)}   {ratio:.1f}× bare")
    print(f"  first start: stream filled (server) {spread([x.filled or 0 for x in firsts])}")
    print(f"  first start: connected              {spread([x.connected or 0 for x in firsts])}")
    print(f"  next start: stream filled (cache)   {spread([x.filled or 0 for x in nexts])}")
    print(f"  next start: connected               {spread([x.connected or 0 for x in nexts])}")
    statuses = sorted({launch.status_at_window for launch in firsts + nexts})
    print(f"  status bar as the window appeared: {', '.join(statuses)}")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"  target: window ≤ {TARGET_RATIO:.0f}× the bare window: {verdict}")
    return {
        "window_s": statistics.median(figures.windows),
        "ratio": ratio,
        "first_filled_s": statistics.median([x.filled or 0 for x in firsts]),
        "first_connected_s": statistics.median([x.connected or 0 for x in firsts]),
        "next_filled_s": statistics.median([x.filled or 0 for x in nexts]),
        "next_connected_s": statistics.median([x.connected or 0 for x in nexts]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--offscreen", action="store_true", help="no X server: Qt's offscreen")
    parser.add_argument("--imports", action="store_true", help="profile the console's imports")
    parser.add_argument("--before", type=Path, help="also launch the console of this tree")
    args = parser.parse_args()
    builds = {"this": REPO_ROOT}
    if args.before is not None:
        builds = {"before": args.before.resolve(), **builds}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp_name:
        tmp = Path(tmp_name)
        with display(args.offscreen, tmp) as base_env:
            platform = base_env.get("QT_QPA_PLATFORM", "")
            print(f"platform: {platform}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
            bare, figures = measure(builds, base_env, tmp, args.rounds, args.timeout)
            imports = heaviest_imports(base_env) if args.imports else ([], [])
    bare_median = statistics.median(bare)
    print(f"\nbare PySide6 window on the screen: {spread(bare)}")
    summary: dict[str, object] = {"bare_s": bare_median}
    for name, build in figures.items():
        summary[name] = report(name, build, bare_median)
    for when, listed in zip(("before", "behind"), imports, strict=True):
        if listed:
            print(f"\nimported {when} the window (python -X importtime, self time by package):")
            for package, ms in listed:
                print(f"  {ms:8.1f} ms  {package}")
    print("\n" + json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
