"""Solo mode: the console starts its private server, talks to it with the random token, and
stops it."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.client.connection.api import ResponderApi
from app.client.connection.errors import Unauthorized
from app.client.connection.solo import NotOurServer, SoloServer
from app.client.worker import BlockingWorker
from app.common.file_lock import FileLock
from app.models.enums import Role
from tests.support.xdesktop import poll


async def test_solo_server_starts_accepts_its_token_and_stops(tmp_path: Path) -> None:
    worker = BlockingWorker("test-solo")
    solo = SoloServer(tmp_path, worker, user_name="Robin")
    try:
        connection = await solo.start()
        async with ResponderApi(connection.base_url, connection.token) as api:
            me = await api.me()
            assert me.name == "Robin"
            assert me.role is Role.ADMIN
        async with ResponderApi(connection.base_url, "guessed") as stranger:
            with pytest.raises(Unauthorized):
                await stranger.me()
        assert (tmp_path / "solo" / "server.sqlite3").exists()
        assert solo.running
    finally:
        await solo.stop()
        worker.shutdown()
    assert not solo.running


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_solo_server_binds_its_own_port_and_its_files_are_private(tmp_path: Path) -> None:
    # An older version's folder and log, world-readable; and a program holding a port.
    solo_dir = tmp_path / "solo"
    solo_dir.mkdir(mode=0o755)
    os.chmod(solo_dir, 0o755)
    (solo_dir / "server.log").write_text("old lines\n")
    os.chmod(solo_dir / "server.log", 0o644)
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    held = holder.getsockname()[1]
    worker = BlockingWorker("test-solo")
    solo = SoloServer(tmp_path, worker, user_name="Robin")
    try:
        connection = await solo.start()
        port = int(connection.base_url.rsplit(":", 1)[1])
        assert port != held
        assert solo.port_path.read_text().strip() == str(port)
        async with ResponderApi(connection.base_url, connection.token) as api:
            assert (await api.me()).name == "Robin"
        assert _mode(solo_dir) == 0o700
        written = sorted(p.name for p in solo_dir.iterdir())
        assert {"server.log", "server.sqlite3", "port"} <= set(written)
        wide = {p.name: oct(_mode(p)) for p in solo_dir.rglob("*") if _mode(p) & 0o077}
        assert wide == {}, f"readable by others: {wide}"
    finally:
        await solo.stop()
        worker.shutdown()
        holder.close()


IMPOSTOR = """\
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

ANSWER = {answer!r}

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = ANSWER
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler)
port_file = sys.argv[sys.argv.index("--port-file") + 1]
with open(port_file, "w") as handle:
    handle.write(str(server.server_address[1]))
server.serve_forever()
"""


@pytest.mark.parametrize(
    "answer",
    [
        (401, {"detail": "Who are you?"}),
        (200, {"status": "ok"}),
    ],
    ids=["refuses-the-token", "answers-anything"],
)
async def test_a_listener_that_does_not_know_the_token_is_not_trusted(
    tmp_path: Path, answer: tuple[int, dict[str, str]]
) -> None:
    # A real HTTP server reports its port where the private server would; it is not ours.
    script = tmp_path / "impostor.py"
    script.write_text(f"#!{sys.executable}\n" + IMPOSTOR.format(answer=answer))
    script.chmod(0o700)
    worker = BlockingWorker("test-solo")
    solo = SoloServer(tmp_path, worker, python=str(script), start_timeout=20)
    try:
        with pytest.raises(NotOurServer, match="does not know the private server's token"):
            await solo.start()
        assert solo.connection is None
        assert not solo.running
    finally:
        await solo.stop()
        worker.shutdown()


async def test_a_server_left_running_on_the_data_folder_is_stopped_first(tmp_path: Path) -> None:
    """A private server whose console is gone but which still runs (an older version without
    the parent watch, or one that hangs) holds the data folder's lock: the next console stops
    it, then starts its own on the same database."""
    solo_dir = tmp_path / "solo"
    solo_dir.mkdir(mode=0o700)
    lock = FileLock(solo_dir / "server.lock")
    assert lock.try_acquire()
    port_file = solo_dir / "stale-port"
    stale = subprocess.Popen(  # noqa: ASYNC220 - started once, before the loop has work
        [
            sys.executable,
            "-m",
            "app.server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--database-url",
            f"sqlite:///{solo_dir / 'server.sqlite3'}",
            "--migrate",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(lock.fd,),
    )
    lock.write_holder(stale.pid)
    lock.release()  # the stale server alone holds it now, as after its console died
    worker = BlockingWorker("test-solo")
    solo = SoloServer(tmp_path, worker, user_name="Robin")
    try:
        poll(port_file.exists, 60, "the stale server to listen")
        connection = await solo.start()
        # Asked to stop (SIGTERM): uvicorn's graceful shutdown ends it with status 0.
        assert stale.wait(timeout=30) in (0, -signal.SIGTERM)
        async with ResponderApi(connection.base_url, connection.token) as api:
            assert (await api.me()).name == "Robin"
        assert solo.lock_path.read_text().strip() != str(stale.pid)
    finally:
        await solo.stop()
        worker.shutdown()
        if stale.poll() is None:
            stale.kill()
            stale.wait()
    # Stopped: the data folder is free for the next console.
    assert FileLock(solo_dir / "server.lock").try_acquire()
