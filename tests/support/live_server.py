"""A real team server process for integration tests.

    from tests.support.live_server import start_live_server

    with start_live_server(tmp_path) as server:        # temporary SQLite DB under tmp_path
        server.base_url                                # "http://127.0.0.1:PORT"
        server.admin_token                             # bearer token of the first admin
        rep_id, rep_token = server.create_user("dana", role="rep")
        ingest_token = server.add_ingest_token("webhook")
        server.add_brand_account("acme")               # replies to Mastodon mentions can be sent
        ids = server.ingest([mention_json("ext-1", "Where is my order?")])
        server.headers(rep_token)                      # {"Authorization": "Bearer …"}
        server.get("/api/v1/mentions/1", rep_token)    # a GET's JSON (raises on an error)
        server.claim(1, rep_token)                     # the rep owns mention 1
        server.stop(); server.start()                  # away and back: same port and database

`start_live_server(tmp_dir, database_url=None, env=None, extra_args=(), timeout=30.0)` runs
`python -m app.server.cli init` (for a new SQLite file: copies the database this test process
`init`ed once, see `_copy_initialised_sqlite`) then `… serve --host 127.0.0.1 --port <free
port>` (with the given database URL, e.g. a PostgreSQL one, instead of a SQLite file), waits
(bounded) until GET /api/v1/health answers, and stops the process (SIGTERM, then SIGKILL) on
exit. `stop()` then `start()` takes the server away and brings it back on the same port and
database (the consoles' "server gone" and "server back"). The server's output goes to
`server.log_path` (appended to across restarts), shown when start-up fails. Pytest fixtures
built on it live in tests/support/fixtures.py."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

REPO_ROOT = Path(__file__).resolve().parents[2]
# A brand account's network that answers nothing: a closed port on this machine.
UNREACHABLE_NETWORK = "http://127.0.0.1:9"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mention_json(
    external_id: str, text: str = "Hello, my order is late", *, network: str = "mastodon"
) -> dict[str, object]:
    """A minimal webhook mention (MentionCreate as JSON)."""
    return {
        "network": network,
        "external_id": external_id,
        "author": {"handle": f"@customer{external_id}", "display_name": "A Customer"},
        "text": text,
    }


def run_cli(
    args: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run `python -m app.server.cli ARGS` and return the finished process (check it yourself)."""
    return subprocess.run(
        [sys.executable, "-m", "app.server.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


@dataclass
class LiveServer:
    """A running server: its URL, the admin's token, and helpers to make more principals."""

    base_url: str
    admin_token: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)  # `serve …`, for start() after stop()

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.admin_token}"}

    def get(self, path: str, token: str | None = None) -> Any:
        """GET an API path (as the admin, or with `token`) and return its JSON."""
        response = httpx.get(f"{self.base_url}{path}", headers=self.headers(token), timeout=10)
        response.raise_for_status()
        return response.json()

    def mention_from(self, external_id: str) -> dict[str, Any] | None:
        """The mention ingested from a network post (by its external id), or None yet."""
        rows = self.get("/api/v1/mentions?limit=500")["data"]
        return next((m for m in rows if m["external_id"] == external_id), None)

    def claim(self, mention_id: int, token: str) -> dict[str, Any]:
        """Claim a mention as the token's user (through the API); returns the mention."""
        version = self.get(f"/api/v1/mentions/{mention_id}")["version"]
        response = httpx.post(
            f"{self.base_url}/api/v1/mentions/{mention_id}/claim",
            json={"version": version},
            headers=self.headers(token),
            timeout=10,
        )
        response.raise_for_status()
        claimed: dict[str, Any] = response.json()
        return claimed

    def create_user(
        self, name: str, *, role: str = "rep", teams: Sequence[str] = ()
    ) -> tuple[int, str]:
        """Create a user through the API (as the admin); returns (user id, token)."""
        response = httpx.post(
            f"{self.base_url}/api/v1/users",
            json={"name": name, "role": role, "teams": list(teams)},
            headers=self.headers(),
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        return int(body["id"]), str(body["token"])

    def ingest(self, mentions: Sequence[Mapping[str, object]]) -> list[int]:
        """POST mentions (as the admin); returns the ids of the ones created."""
        response = httpx.post(
            f"{self.base_url}/api/v1/mentions",
            json=list(mentions),
            headers=self.headers(),
            timeout=30,
        )
        response.raise_for_status()
        return [int(i) for i in response.json()["created"]]

    def add_ingest_token(self, name: str) -> str:
        result = run_cli(
            ["add-ingest-token", name, "--database-url", self.database_url], env=self.env
        )
        if result.returncode != 0:
            raise RuntimeError(f"add-ingest-token failed: {result.stderr}")
        return last_line(result.stdout)

    def add_brand_account(
        self,
        name: str,
        *,
        network: str = "mastodon",
        base_url: str = UNREACHABLE_NETWORK,
        secret: str = "test-brand-secret",
        verify: bool = False,
    ) -> int:
        """Connect a brand account (`add-account …`, the secret on stdin), so that the
        network's mentions pushed through the webhook can be answered: the server refuses at
        once a reply that no brand account could post. By default it points at a closed local
        port (`--no-verify`): replies are queued and the sender's attempts fail and are
        retried, nothing leaves the machine. With a real network (a mastodon-mock's URL, its
        brand token as `secret`, `verify=True`) the server checks the account, ingests its
        mentions and posts the replies there. Returns the account's id."""
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "app.server.cli",
                "add-account",
                network,
                "--name",
                name,
                "--base-url",
                base_url,
                "--secret-stdin",
                *([] if verify else ["--no-verify"]),
                "--database-url",
                self.database_url,
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **self.env},
            input=secret + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"add-account failed: {result.stderr}")
        return int(last_line(result.stdout))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def start(self, timeout: float = 30.0) -> None:
        """Start the server again after `stop()`: same port, same database, same options;
        returns once it answers /api/v1/health."""
        if self.running:
            raise RuntimeError("the server is still running")
        self.process = _spawn(self.command, self.env, self.log_path)
        _wait_until_healthy(self, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (then SIGKILL after `timeout`); returns once the process has ended."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)


def _spawn(
    command: Sequence[str], env: Mapping[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log_file:
        return subprocess.Popen(
            list(command),
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def _wait_until_healthy(server: LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited at start-up:\n{server.log()}")
            with contextlib.suppress(httpx.TransportError):
                if client.get(f"{server.base_url}/api/v1/health").status_code == 200:
                    return
            time.sleep(0.05)  # the port is not open yet; nothing to await for a subprocess
    server.stop()
    raise TimeoutError(f"server did not answer /api/v1/health in {timeout} s:\n{server.log()}")


_initialised: tuple[Path, str] | None = None  # this process's `init`ed SQLite file, its token


def _copy_initialised_sqlite(url: str, env: Mapping[str, str]) -> str | None:
    """Give a new SQLite database what `init` would (the schema at head, the first admin) by
    copying one this test process `init`ed once, and return the admin's token; None for
    another database or a file that exists. `init` is a process of its own (about two seconds
    of CPU); the whole suite starts well over a hundred servers. The admin's times are set to
    now, as `init` would have: the overview's coverage starts with the server's first user."""
    global _initialised
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    target = Path(parsed.database)
    if target.exists():
        return None
    if _initialised is None:
        folder = Path(tempfile.mkdtemp(prefix="responder-initialised-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "server.sqlite3"
        run = run_cli(["init", "--database-url", f"sqlite:///{template}"], env=env)
        if run.returncode != 0:
            raise RuntimeError(f"could not init a database:\n{run.stderr}")
        _initialised = (template, last_line(run.stdout))
    template, token = _initialised
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as the schema stores times
    with (
        contextlib.closing(sqlite3.connect(template)) as source,
        contextlib.closing(sqlite3.connect(target)) as db,
    ):
        source.backup(db)  # consistent whatever the template's journal holds
        with db:
            db.execute("UPDATE users SET created_at = ?, duty_since = ?", (now, now))
            db.execute("UPDATE api_tokens SET created_at = ?", (now,))
    return token


@contextlib.contextmanager
def start_live_server(
    tmp_dir: Path,
    *,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = 30.0,
    init: bool = True,
) -> Iterator[LiveServer]:
    """Start `app.server.cli serve` on a free loopback port; stop it when the block ends.

    With `init=False` no `init` runs first (solo mode: pass `--migrate` in `extra_args` and
    RESPONDER_SOLO_TOKEN in `env`; that token becomes `admin_token`)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{tmp_dir / 'server.sqlite3'}"
    full_env = {"RESPONDER_LOG_LEVEL": "warning", **(env or {})}
    if not init:
        admin_token = full_env.get("RESPONDER_SOLO_TOKEN", "")
    elif (copied := _copy_initialised_sqlite(url, full_env)) is not None:
        admin_token = copied
    elif (init_run := run_cli(["init", "--database-url", url], env=full_env)).returncode == 0:
        admin_token = last_line(init_run.stdout)
    else:  # the database already has an admin (a reused URL): add another one
        name = f"admin-{os.urandom(4).hex()}"
        added = run_cli(["add-user", name, "--role", "admin", "--database-url", url], env=full_env)
        if added.returncode != 0:
            raise RuntimeError(
                f"could not prepare the database:\n{init_run.stderr}\n{added.stderr}"
            )
        admin_token = last_line(added.stdout)
    port = free_port()
    log_path = tmp_dir / f"server-{port}.log"
    log_path.write_bytes(b"")
    command = [
        sys.executable,
        "-m",
        "app.server.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database-url",
        url,
        "--log-level",
        "warning",
        *extra_args,
    ]
    server = LiveServer(
        base_url=f"http://127.0.0.1:{port}",
        admin_token=admin_token,
        database_url=url,
        process=_spawn(command, full_env, log_path),
        log_path=log_path,
        env=dict(full_env),
        command=command,
    )
    try:
        _wait_until_healthy(server, timeout)
        yield server
    finally:
        server.stop()
