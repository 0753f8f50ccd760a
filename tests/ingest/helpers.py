"""Shared tools for the ingest tests: the account commands run as real processes, waiting for
events on a server's live SSE stream, and polling a foreign process (the mock) within a
deadline where nothing can be awaited."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from httpx_sse import EventSource

from tests.support.live_server import REPO_ROOT, LiveServer
from tests.support.sse import ReceivedEvent, last_event_id, open_stream

T = TypeVar("T")


def account_cli(
    args: Sequence[str],
    server: LiveServer,
    *,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m app.server.cli ARGS --database-url <the server's>` with `stdin` piped in."""
    return subprocess.run(
        [sys.executable, "-m", "app.server.cli", *args, "--database-url", server.database_url],
        cwd=REPO_ROOT,
        env={**os.environ, **server.env, **(env or {})},
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def add_mastodon_account(
    server: LiveServer,
    base_url: str,
    token: str,
    *,
    name: str = "acme",
    options: Sequence[str] = (),
) -> int:
    extra: list[str] = []
    for option in options:
        extra += ["--option", option]
    result = account_cli(
        [
            "add-account",
            "mastodon",
            "--name",
            name,
            "--base-url",
            base_url,
            "--secret-stdin",
            *extra,
        ],
        server,
        stdin=token + "\n",
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


class EventWaiter:
    """Reads one open SSE stream and hands out the events a test waits for."""

    def __init__(self, source: EventSource) -> None:
        self._iter = source.iter_sse()
        self.seen: list[ReceivedEvent] = []

    def wait(
        self, predicate: Callable[[ReceivedEvent], bool], *, within: float = 30.0
    ) -> ReceivedEvent:
        """The next event matching `predicate` (earlier matching ones already seen count too)."""
        for event in self.seen:
            if predicate(event):
                self.seen.remove(event)
                return event
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            sse = next(self._iter)  # bounded by the stream's read timeout
            if not sse.data:
                continue
            event = ReceivedEvent(id=int(sse.id), type=sse.event, data=json.loads(sse.data))
            if predicate(event):
                return event
            self.seen.append(event)
        raise TimeoutError("the expected event did not arrive")


@contextmanager
def events_from_now(server: LiveServer, token: str | None = None) -> Iterator[EventWaiter]:
    """A stream of the events that happen after this point."""
    after = last_event_id(server.base_url)
    with open_stream(server.base_url, token or server.admin_token, last_event_id=after) as source:
        yield EventWaiter(source)


def is_mention(external_id: str) -> Callable[[ReceivedEvent], bool]:
    return lambda e: (
        e.type == "mention.created" and e.data["payload"]["mention"]["external_id"] == external_id
    )


def is_reply(client_id: str, *statuses: str) -> Callable[[ReceivedEvent], bool]:
    return lambda e: (
        e.type == "reply.updated"
        and e.data["payload"]["reply"]["client_id"] == client_id
        and e.data["payload"]["reply"]["status"] in statuses
    )


def is_account(name: str, state: str) -> Callable[[ReceivedEvent], bool]:
    return lambda e: (
        e.type == "account.updated"
        and e.data["payload"]["account"]["name"] == name
        and e.data["payload"]["account"]["state"] == state
    )


def poll(check: Callable[[], T | None], *, within: float = 30.0, what: str = "condition") -> T:
    """For foreign processes only (the mock, a restarting server): nothing there to await."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {within} s")


def accounts(server: LiveServer) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.base_url}/api/v1/accounts", headers=server.headers(), timeout=10)
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def reply(server: LiveServer, mention: dict[str, Any], body: str, client_id: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/v1/mentions/{mention['id']}/replies",
        headers=server.headers(),
        json={"client_id": client_id, "body": body, "base_version": mention["version"]},
        timeout=10,
    )


def mentions(server: LiveServer, **params: Any) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{server.base_url}/api/v1/mentions",
        headers=server.headers(),
        params={"limit": 500, **params},
        timeout=10,
    )
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data
