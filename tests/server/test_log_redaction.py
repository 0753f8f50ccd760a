"""The server's access log names each request by its path, never its query string (searches,
tokens a caller put in a URL)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.support.live_server import start_live_server

SECRET = "s3cr3t-search"


def test_the_access_log_keeps_the_path_and_drops_the_query(tmp_path: Path) -> None:
    with start_live_server(tmp_path, extra_args=("--access-log", "--log-level", "info")) as server:
        url = f"{server.base_url}/api/v1/mentions?q={SECRET}&token={SECRET}"
        assert httpx.get(url, headers=server.headers()).status_code == 200
        deadline = time.monotonic() + 10
        while "/api/v1/mentions" not in server.log():
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)  # the server writes its log line after the answer
        log = server.log()
    assert SECRET not in log
    assert '"GET /api/v1/mentions HTTP/1.1" 200' in log
