"""Request size cap (ASGI middleware): bodies above the limit get 413 before any handler runs,
and a body from a caller without a valid token gets 401 before a byte of it is read."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Given the Authorization header (None when absent): None when the caller may send a body,
# else the sentence a 401 says.
BodyGate = Callable[[str | None], Awaitable[str | None]]


class BodySizeLimit:
    """Refuse requests whose declared or streamed body exceeds `max_bytes`.

    A declared Content-Length is checked at once. A body without one (any Transfer-Encoding,
    whatever the header's case: `chunked`, `Chunked`, `CHUNKED`) is read here, counting bytes,
    up to the limit and replayed to the app, so an oversized stream never reaches a handler and
    never costs more than `max_bytes` of memory. With a `gate`, a request that has a body is
    first shown to it: an unauthenticated one is refused before its body is read."""

    def __init__(self, app: ASGIApp, max_bytes: int, gate: BodyGate | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))  # ASGI header names are lower case
        length = headers.get(b"content-length")
        streamed = b"transfer-encoding" in headers
        declared = 0
        if length is not None and not streamed:
            try:
                declared = int(length)
            except ValueError:
                await _refuse(send, 400, "The Content-Length header is not a number.", "http_400")
                return
            if declared > self.max_bytes:
                await _refuse(send, 413, self._too_large(), "http_413")
                return
        if (streamed or declared > 0) and self.gate is not None:
            authorization = headers.get(b"authorization")
            refusal = await self.gate(None if authorization is None else authorization.decode())
            if refusal is not None:
                await _refuse(send, 401, refusal, "unauthorized", b"Bearer")
                return
        if not streamed:
            await self.app(scope, receive, send)
            return
        body = await self._read_capped(receive, send)
        if body is None:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_capped(self, receive: Receive, send: Send) -> bytes | None:
        """The whole streamed body, or None when it was refused (413) or the client left."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                chunks.clear()
                await _refuse(send, 413, self._too_large(), "http_413")
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> str:
        return f"The request body is larger than the limit of {self.max_bytes} bytes."


async def _refuse(
    send: Send, status: int, detail: str, code: str, authenticate: bytes | None = None
) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if authenticate is not None:
        headers.append((b"www-authenticate", authenticate))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
