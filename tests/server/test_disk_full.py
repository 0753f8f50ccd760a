"""Drill: the disk under the SQLite database fills up, then space returns.

A real server process keeps its database on a small tmpfs mounted for the test (root only;
skipped otherwise). With the disk full, writes answer 507 with a sentence that says so — not
"busy, try again" with a Retry-After, which made clients retry for ever — while reads go on;
the fault is logged once, not once per call. Once space is freed the next write succeeds,
without restarting the server, and the recovery is logged once."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.drills import poll
from tests.support.live_server import LiveServer, mention_json, start_live_server

DISK_FULL = "The server's disk is full; nothing was changed."
DISK_MB = 16


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the filesystem has no byte left; returns it."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 512):  # big chunks, then the last few blocks
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return filler


@pytest.fixture
def server(small_disk: Path, tmp_path: Path) -> Iterator[LiveServer]:
    url = f"sqlite:///{small_disk / 'server.sqlite3'}"
    with start_live_server(tmp_path, database_url=url) as live:
        yield live


def test_a_full_disk_says_so_and_recovers(server: LiveServer, small_disk: Path) -> None:
    admin = server.headers()
    big = "My order is late. " * 200  # ~3.6 kB a mention: the WAL must grow
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert client.post(
            "/api/v1/mentions", json=mention_json("before"), headers=admin
        ).is_success
        filler = fill(small_disk)

        counter = iter(range(10_000))

        def refused() -> httpx.Response | None:
            batch = [mention_json(f"full-{next(counter)}", big) for _ in range(20)]
            answer = client.post("/api/v1/mentions", json=batch, headers=admin)
            if answer.is_success:
                return None  # written into space SQLite had already (its WAL), until it ran out
            return answer

        first = poll(refused, 30, "a write refused on the full disk")
        for answer in (
            first,
            client.post("/api/v1/mentions", json=mention_json("still-full", big), headers=admin),
            client.put("/api/v1/users/1/duty", json={"duty": "away"}, headers=admin),
        ):
            assert answer.status_code == 507, answer.text
            body = answer.json()
            assert body["detail"].startswith(DISK_FULL), body
            assert body["code"] == "disk_full"
            assert "Retry-After" not in answer.headers, "retrying cannot free the disk"
        # Reads go on.
        assert client.get("/api/v1/mentions", headers=admin).is_success
        assert client.get("/api/v1/health").is_success

        filler.unlink()  # an administrator frees space
        poll(
            lambda: (
                client.post(
                    "/api/v1/mentions", json=mention_json("after"), headers=admin
                ).is_success
            ),
            10,
            "a write once there is room again",
        )
        assert server.mention_from("after") is not None
        # The fault ends in the log once writes have gone through for a few seconds.
        counter = iter(range(10_000))
        poll(
            lambda: (
                client.post(
                    "/api/v1/mentions", json=mention_json(f"room-{next(counter)}"), headers=admin
                ).is_success
                and "the disk has room again" in server.log()
            ),
            20,
            "the log saying the disk has room again",
        )
    log = server.log()
    assert log.count("the disk is full") == 1, log[-3000:]
    assert log.count("the disk has room again") == 1, log[-3000:]
    assert "busy" not in log
