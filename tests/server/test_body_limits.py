"""The 1 MiB body cap holds whatever the case of `Transfer-Encoding` (uvicorn's parser accepts
`Chunked`), and a body from a caller without a valid token is refused before it is read: a
64 MiB upload, over a raw socket to a real server process, does not grow the server.

The server's memory is its resident set size (VmRSS in /proc/PID/status) before and after."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json

MiB = 1024 * 1024
UPLOAD = 64 * MiB
CHUNK = 64 * 1024
# What the server may read before it answers: the cap, plus what the kernel buffers on both
# sides of a loopback connection. Far below the 64 MiB offered.
READ_AT_MOST = 24 * MiB
GROWTH_AT_MOST = 12 * MiB


@dataclass
class Upload:
    status: int | None  # None: the server closed the connection before we read its answer
    sent: int  # body bytes the server took before it answered (or closed)
    answer: bytes


def _rss(server: LiveServer) -> int:
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS for the server process")


def _read_answer(sock: socket.socket) -> bytes:
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except OSError:
        pass  # a reset after the answer: what arrived is kept
    return answer


def upload(server: LiveServer, encoding: str, token: str | None) -> Upload:
    """POST 64 MiB of chunked JSON to /api/v1/mentions, stopping when the server answers."""
    url = urlsplit(server.base_url)
    head = [
        "POST /api/v1/mentions HTTP/1.1",
        f"Host: {url.netloc}",
        "Content-Type: application/json",
        f"Transfer-Encoding: {encoding}",
    ]
    if token is not None:
        head.append(f"Authorization: Bearer {token}")
    piece = b"x" * CHUNK
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent = 0
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + b'5\r\n["xxx\r\n')
        while sent < UPLOAD:
            answered, _, _ = select.select([sock], [], [], 0)
            if answered:
                break
            try:
                sock.sendall(frame)
            except OSError:  # the server answered and closed while we were still sending
                break
            sent += len(piece)
        answer = _read_answer(sock)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
    return Upload(status, sent, answer)


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    return live_server


@pytest.mark.parametrize("encoding", ["Chunked", "CHUNKED", "chunked"])
def test_an_unauthenticated_body_is_refused_before_it_is_read(
    server: LiveServer, encoding: str
) -> None:
    before = _rss(server)
    result = upload(server, encoding, token=None)
    after = _rss(server)
    print(f"\nno token, {encoding}: sent {result.sent} B, RSS {before} → {after} B")
    assert result.status == 401, result.answer[:300]
    assert b"Missing bearer token" in result.answer
    assert b"www-authenticate: bearer" in result.answer.lower()
    assert result.sent < READ_AT_MOST
    assert after - before < GROWTH_AT_MOST
    wrong = upload(server, encoding, token="not-a-token")
    assert wrong.status == 401
    assert b"not valid" in wrong.answer


@pytest.mark.parametrize("encoding", ["Chunked", "CHUNKED", "chunked"])
def test_an_authenticated_body_stops_at_the_cap(server: LiveServer, encoding: str) -> None:
    before = _rss(server)
    result = upload(server, encoding, token=server.admin_token)
    after = _rss(server)
    print(f"\nadmin, {encoding}: sent {result.sent} B, RSS {before} → {after} B")
    assert result.status in (413, None), result.answer[:300]
    if result.status == 413:
        assert b"larger than the limit" in result.answer
    assert result.sent < READ_AT_MOST
    assert after - before < GROWTH_AT_MOST


def test_a_declared_length_over_the_cap_is_refused_at_once(server: LiveServer) -> None:
    url = urlsplit(server.base_url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        head = (
            f"POST /api/v1/mentions HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {UPLOAD}\r\n\r\n"
        )
        sock.sendall(head.encode())
        answer = _read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:300]


def test_bodies_within_the_cap_still_work(server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"["
        yield httpx.Request("POST", "/", json=mention_json("chunked-ok")).content
        yield b"]"

    with httpx.Client(base_url=server.base_url, headers=server.headers(), timeout=10) as client:
        response = client.post(
            "/api/v1/mentions",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 200, response.text
        assert len(response.json()["created"]) == 1
        no_body = client.post("/api/v1/mentions/999999/release")
        assert no_body.status_code == 404
    anonymous = httpx.post(f"{server.base_url}/api/v1/mentions", json=mention_json("anon"))
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "detail": "Missing bearer token: send 'Authorization: Bearer <token>'.",
        "code": "unauthorized",
    }
    assert anonymous.headers["www-authenticate"] == "Bearer"
