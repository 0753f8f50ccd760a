"""httpx's INFO lines name every request: with the console's logging, they carry the path but
neither the query string (feed tokens, searches) nor the userinfo of a URL."""

from __future__ import annotations

import logging

import httpx
import pytest

from app.client.connection.api import ResponderApi
from app.common.logs import configure_logging, redact_urls
from tests.support.live_server import LiveServer

SECRET = "s3cr3t-feed-token"


async def test_a_real_request_is_logged_without_its_query_or_userinfo(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging(logging.INFO)
    caplog.set_level(logging.INFO, logger="httpx")
    host = live_server.base_url.removeprefix("http://")
    url = f"http://robin:{SECRET}@{host}/api/v1/mentions?q=refund+{SECRET}&token={SECRET}"
    async with httpx.AsyncClient() as client:
        response = await client.get(url)  # the userinfo goes as Basic auth: refused
    assert response.status_code == 401
    async with ResponderApi(live_server.base_url, live_server.admin_token) as api:
        await api.list_mentions(q=f"order {SECRET}")
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert len(lines) == 2, lines
    assert f"GET {live_server.base_url}/api/v1/mentions " in lines[0], lines
    assert f"GET {live_server.base_url}/api/v1/mentions " in lines[1], lines
    assert SECRET not in caplog.text
    assert "robin" not in caplog.text


def test_redaction_keeps_scheme_host_and_path() -> None:
    line = 'HTTP Request: GET https://u:p@feeds.example/a/b.xml?token=x#frag "HTTP/1.1 200 OK"'
    assert redact_urls(line) == 'HTTP Request: GET https://feeds.example/a/b.xml "HTTP/1.1 200 OK"'
    access = '127.0.0.1:5 - "GET /api/v1/mentions?q=secret HTTP/1.1" 200'
    assert redact_urls(access) == '127.0.0.1:5 - "GET /api/v1/mentions HTTP/1.1" 200'
