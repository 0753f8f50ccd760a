"""Starts and stops the user's private solo server: a `python -m app.server.cli serve` child
process on a free loopback port, with a random token it accepts for the local owner."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.client.connection.api import API_PREFIX
from app.client.worker import BlockingWorker


class SoloServerFailed(Exception):
    """The private server did not start; the message carries the end of its log."""


@dataclass(frozen=True, slots=True)
class SoloConnection:
    base_url: str
    token: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SoloServer:
    """One private server process; `start` waits until it answers `/health`."""

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

    def _spawn(self, port: int, token: str) -> subprocess.Popen[bytes]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            self._python,
            "-m",
            "app.server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database-url",
            self.database_url,
            "--migrate",
        ]
        if self._demo:
            command.append("--demo")
        env = dict(os.environ, RESPONDER_SOLO_TOKEN=token)
        if self._user_name:
            env["RESPONDER_SOLO_USER"] = self._user_name
        log = self.log_path.open("ab")
        try:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=Path(__file__).resolve().parents[2],
            )
        finally:
            log.close()

    async def start(self) -> SoloConnection:
        port = free_port()
        token = secrets.token_urlsafe(32)
        self._process = await self._worker.call(lambda: self._spawn(port, token))
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self._start_timeout
        async with httpx.AsyncClient(base_url=base_url, timeout=2.0) as client:
            while True:
                if self._process.poll() is not None:
                    raise SoloServerFailed(
                        f"The private server stopped at start-up:\n{self._log_tail()}"
                    )
                try:
                    response = await client.get(API_PREFIX + "/health")
                    if response.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
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

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-2000:]
        except OSError:
            return "(no log)"

    def _terminate(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    async def stop(self) -> None:
        await self._worker.call(self._terminate)
        self._process = None
