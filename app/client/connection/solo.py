"""Starts and stops the user's private solo server: a `python -m app.server.cli serve` child
process with a random token it accepts for the local owner. The child binds a free loopback port
itself (port 0) and writes it to a file in the private solo folder; the console trusts what
listens there only once it knows the token (`GET /api/v1/me`): a port chosen by the parent and
bound later by the child could be taken meanwhile by another program.

The server ends with its console: it watches a pipe on its standard input whose other end only
the console holds (`--exit-with-parent`), so a console killed or crashed takes its server along.
A lock on `solo/server.lock`, held by the console and its server together, marks the data folder
as served: a console that finds it taken (a server left by an older version, or one that hangs)
stops that server, whose process id the lock file names, before starting its own."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.client.connection.api import API_PREFIX
from app.client.private_files import PRIVATE_FILE, PRIVATE_UMASK, private_dir, tighten_tree
from app.client.worker import BlockingWorker
from app.common.file_lock import FileLock
from app.models.schemas import UserPublic


class SoloServerFailed(Exception):
    """The private server did not start; the message carries the end of its log."""


class NotOurServer(SoloServerFailed):
    """What answered on the reported port does not know the private server's token."""


@dataclass(frozen=True, slots=True)
class SoloConnection:
    base_url: str
    token: str


def free_port() -> int:
    """A port free now (tests' helpers; the solo server binds port 0 itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SoloServer:
    """One private server process; `start` waits until it reports its port and answers
    `/me` for its token."""

    def __init__(
        self,
        data_dir: Path,
        worker: BlockingWorker,
        *,
        demo: bool = False,
        user_name: str | None = None,
        python: str = sys.executable,
        start_timeout: float = 60.0,
    ) -> None:
        self.data_dir = data_dir / "solo"
        self._worker = worker
        self._demo = demo
        self._user_name = user_name
        self._python = python
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = FileLock(self.data_dir / "server.lock")
        self.connection: SoloConnection | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'server.sqlite3'}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def port_path(self) -> Path:
        return self.data_dir / "port"

    @property
    def lock_path(self) -> Path:
        return self._lock.path

    def _prepare(self) -> None:
        private_dir(self.data_dir)
        tighten_tree(self.data_dir)  # an older version's 0644 database, log and secrets
        self._take_lock()
        self.port_path.unlink(missing_ok=True)

    def _take_lock(self, stale_timeout: float = 10.0) -> None:
        """Hold the data folder's lock; a server still holding it has lost its console (this
        user's console runs once per data folder): stop it, politely first."""
        if self._lock.try_acquire():
            return
        stale = self._lock.holder()
        for signum in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
            if stale is not None:
                # Gone already, or not ours to signal: the lock says which.
                with contextlib.suppress(OSError):
                    os.kill(stale, signum)
            deadline = time.monotonic() + stale_timeout
            while time.monotonic() < deadline:
                if self._lock.try_acquire():
                    return
                time.sleep(0.05)  # a process exiting: nothing to wait on but the lock
        raise SoloServerFailed(
            f"An earlier private server (process {stale or 'unknown'}) still holds "
            f"{self._lock.path} and did not stop; end it, then start the console again."
        )

    def _spawn(self, token: str) -> subprocess.Popen[bytes]:
        self._prepare()
        command = [
            self._python,
            "-m",
            "app.server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(self.port_path),
            "--database-url",
            self.database_url,
            "--migrate",
            "--exit-with-parent",
        ]
        if self._demo:
            command.append("--demo")
        env = dict(os.environ, RESPONDER_SOLO_TOKEN=token)
        if self._user_name:
            env["RESPONDER_SOLO_USER"] = self._user_name
        fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        log = os.fdopen(fd, "ab")
        posix = sys.platform != "win32"
        try:
            process = subprocess.Popen(
                command,
                # Its end of the pipe closes when this process ends, however it ends.
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=Path(__file__).resolve().parents[2],
                umask=PRIVATE_UMASK,  # its database, -wal/-shm, secrets and port file: 0600
                # The server holds the data folder's lock too: it outlives a killed console.
                pass_fds=(self._lock.fd,) if posix else (),
            )
        finally:
            log.close()
        self._lock.write_holder(process.pid)
        return process

    def _reported_port(self) -> int | None:
        try:
            text = self.port_path.read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return int(text) if text.isdigit() and 0 < int(text) < 65536 else None

    async def start(self) -> SoloConnection:
        token = secrets.token_urlsafe(32)
        process = await self._worker.call(lambda: self._spawn(token))
        self._process = process
        deadline = time.monotonic() + self._start_timeout
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(timeout=2.0, headers=headers) as client:
            while True:
                if process.poll() is not None:
                    raise SoloServerFailed(
                        f"The private server stopped at start-up:\n{self._log_tail()}"
                    )
                port = await self._worker.call(self._reported_port)
                if port is not None:
                    base_url = f"http://127.0.0.1:{port}"
                    if await self._knows_token(client, base_url):
                        break
                if time.monotonic() > deadline:
                    await self.stop()
                    raise SoloServerFailed(
                        f"The private server did not answer within {self._start_timeout:.0f} s:"
                        f"\n{self._log_tail()}"
                    )
                # Nothing to await while a child process opens its port: poll briefly.
                await asyncio.sleep(0.1)
        self.connection = SoloConnection(base_url, token)
        return self.connection

    async def _knows_token(self, client: httpx.AsyncClient, base_url: str) -> bool:
        """True when the server at `base_url` answers `/me` for the token this console gave
        its child; False while it is not answering yet. Anything else is not our server."""
        try:
            response = await client.get(base_url + API_PREFIX + "/me")
        except httpx.TransportError:
            return False
        if response.status_code in (502, 503, 504):
            return False  # starting: its database opens after the port
        if response.status_code == 200:
            try:
                UserPublic.model_validate_json(response.content)
                return True
            except ValueError:
                pass
        await self.stop()
        raise NotOurServer(
            f"Something else answered at {base_url} (HTTP {response.status_code}) and does "
            "not know the private server's token; the console did not connect to it."
        )

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-2000:]
        except OSError:
            return "(no log)"

    def _terminate(self) -> None:
        process = self._process
        try:
            if process is None or process.poll() is not None:
                return
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        finally:
            if process is not None and process.stdin is not None:
                process.stdin.close()
            self._lock.release()

    async def stop(self) -> None:
        await self._worker.call(self._terminate)
        self._process = None
