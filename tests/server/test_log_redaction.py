"""The server's access log names each request by its path, never its query string (searches,
tokens a caller put in a URL)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

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


class _Feed(BaseHTTPRequestHandler):
    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Feed.requested.append(self.path)
        body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def test_a_connectors_request_is_logged_without_its_feed_token(tmp_path: Path) -> None:
    feed = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=feed.serve_forever, daemon=True).start()
    try:
        with start_live_server(tmp_path) as server:
            feed_url = f"http://127.0.0.1:{feed.server_address[1]}/brand.xml?token={SECRET}"
            server.add_brand_account("brand-feed", network="feed", base_url=feed_url)
            deadline = time.monotonic() + 30
            while "/brand.xml" not in server.log():
                assert time.monotonic() < deadline, server.log()
                time.sleep(0.05)  # the ingest worker polls the feed on its own schedule
            log = server.log()
    finally:
        feed.shutdown()
        feed.server_close()
    assert any(SECRET in path for path in _Feed.requested)  # the feed did get its token
    assert SECRET not in log
    assert f"GET http://127.0.0.1:{feed.server_address[1]}/brand.xml " in log
