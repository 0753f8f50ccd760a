"""Shared test tools for connectors: a real mastodon-mock server process, a small local HTTP
server that replays recorded Bluesky/X/feed responses, and a fake clock whose sleep returns at
once (so backoff and rate-limit waits are checked without waiting)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.connectors.http import HttpSession, RateControl, RetryPolicy

FIXTURES = Path(__file__).parent / "fixtures"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeTime:
    """A wall clock that only moves when someone sleeps; records every sleep."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def fast_session(
    fake: FakeTime | None = None, *, timeout: float = 5.0, attempts: int = 4
) -> HttpSession:
    """An HttpSession with a fake clock (when given) and a short timeout."""
    if fake is None:
        control = RateControl()
        retry = RetryPolicy(attempts=attempts, initial_backoff=0.02, max_backoff=0.2, jitter=0.02)
    else:
        control = RateControl(clock=fake.clock, sleep=fake.sleep)
        retry = RetryPolicy(attempts=attempts, initial_backoff=0.5, max_backoff=8, jitter=0.1)
    return HttpSession(rate_control=control, retry=retry, timeout=timeout)


# --- mastodon-mock ----------------------------------------------------------------------------

BRAND_TOKEN = "brand_token"  # mock credentials, not secrets
CUSTOMER_TOKENS = {"alice": "alice_token", "bob": "bob_token", "carmen": "carmen_token"}

_CONFIG = """
domain = "127.0.0.1:{port}"
url_scheme = "http"

[database]
path = "{db}"

[streaming]
heartbeat_seconds = 0.2

[[seed.accounts]]
username = "acme"
display_name = "Acme Support"
access_token = "brand_token"

[[seed.accounts]]
username = "alice"
display_name = "Alice"
access_token = "alice_token"

[[seed.accounts]]
username = "bob"
display_name = "Bob 🚲"
access_token = "bob_token"

[[seed.accounts]]
username = "carmen"
display_name = "كارمن"
access_token = "carmen_token"
"""


class MastodonMock:
    """`python -m mastodon_mock serve` as a real subprocess on a loopback port, with its
    database in a file so a restart keeps the posts."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.config_path = workdir / "mock.toml"
        self.config_path.write_text(
            _CONFIG.format(port=self.port, db=(workdir / "mock.sqlite3").as_posix())
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mastodon_mock",
                "serve",
                "--config",
                str(self.config_path),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        # Nothing to await on a foreign process: poll its port within a deadline.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"mastodon-mock exited: {err}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise TimeoutError("mastodon-mock did not start")

    def stop(self) -> None:
        """The network goes away at once. SIGKILL, not SIGTERM: its uvicorn has no graceful
        shutdown timeout and waits for ever on the streaming connections our server holds
        open, so a polite stop only ever ended after a 5 s kill deadline (the posts are
        committed to its database file, so nothing of the network's state is lost)."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(timeout=10)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

    # --- what a customer and a test operator do --------------------------------------------

    def reset(self) -> None:
        httpx.post(f"{self.base_url}/api/v1/_mock/reset").raise_for_status()

    def post(self, who: str, text: str, **params: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.base_url}/api/v1/statuses",
            headers={"Authorization": f"Bearer {CUSTOMER_TOKENS.get(who, who)}"},
            data={"status": text, **params},
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def delete(self, who: str, status_id: str) -> None:
        httpx.delete(
            f"{self.base_url}/api/v1/statuses/{status_id}",
            headers={"Authorization": f"Bearer {CUSTOMER_TOKENS.get(who, who)}"},
        ).raise_for_status()

    def context(self, status_id: str) -> dict[str, Any]:
        response = httpx.get(
            f"{self.base_url}/api/v1/statuses/{status_id}/context",
            headers={"Authorization": f"Bearer {BRAND_TOKEN}"},
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def fault(self, **rule: Any) -> None:
        httpx.post(f"{self.base_url}/api/v1/_mock/faults", json=rule).raise_for_status()

    def fault_rules(self) -> list[dict[str, Any]]:
        """The fault rules in force, each with its `remaining` budget."""
        response = httpx.get(f"{self.base_url}/api/v1/_mock/faults")
        response.raise_for_status()
        rules: list[dict[str, Any]] = response.json()
        return rules

    def notifications(self) -> list[dict[str, Any]]:
        """The brand account's mention notifications, oldest first, as the API sends them."""
        response = httpx.get(
            f"{self.base_url}/api/v1/notifications",
            params={"types[]": "mention", "limit": 40},
            headers={"Authorization": f"Bearer {BRAND_TOKEN}"},
        )
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()
        return sorted(items, key=lambda n: (len(str(n["id"])), str(n["id"])))

    def serve_page_once(self, notifications: list[dict[str, Any]]) -> None:
        """The next GET of the notifications answers exactly `notifications` (a page that
        holds what a real server might send: a poisoned item among good ones)."""
        self.fault(
            match={"methods": ["GET"], "path": "/api/v1/notifications"},
            effect={"type": "status", "status": 200, "body": notifications},
            count=1,
        )

    def clear_faults(self) -> None:
        httpx.delete(f"{self.base_url}/api/v1/_mock/faults").raise_for_status()

    def revoke(self, token: str) -> None:
        httpx.post(f"{self.base_url}/oauth/revoke", data={"token": token}).raise_for_status()


# --- a replaying HTTP server ------------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Recorded], tuple[int, dict[str, str], bytes | str | dict[str, Any] | list[Any]]]


@dataclass
class ReplayServer:
    """A Starlette app under uvicorn in a thread on a free loopback port. Each route answers
    from a queue of canned responses (the last one repeats) or from a handler function; every
    request is recorded for assertions."""

    routes: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def on(self, method: str, path: str, *responses: Any) -> None:
        """Queue responses: (status, body) tuples, (status, headers, body), or handlers."""
        self.routes[(method.upper(), path)] = list(responses)

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    async def _dispatch(self, request: Request) -> Response:
        body = await request.body()
        query: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            query.setdefault(key, []).append(value)
        recorded = Recorded(request.method, request.url.path, query, dict(request.headers), body)
        self.requests.append(recorded)
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            return Response(
                '{"error":"NotFound","message":"no route"}', 404, media_type="application/json"
            )
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(item):
            item = item(recorded)
        if len(item) == 2:
            status, payload = item
            headers: dict[str, str] = {}
        else:
            status, headers, payload = item
        media_type = headers.pop("content-type", "application/json")
        if isinstance(payload, (dict, list)):
            content = json.dumps(payload).encode()
        elif isinstance(payload, str):
            content = payload.encode()
        else:
            content = payload
        return Response(content, status, headers=headers, media_type=media_type)

    def start(self) -> ReplayServer:
        app = Starlette(
            routes=[Route("/{path:path}", self._dispatch, methods=["GET", "POST", "DELETE"])]
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        started = threading.Event()

        def run() -> None:
            server.run()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise TimeoutError("replay server did not start")
            started.wait(0.01)
        self.port = int(server.servers[0].sockets[0].getsockname()[1])
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)


def load_fixture(*parts: str) -> Any:
    return json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")
