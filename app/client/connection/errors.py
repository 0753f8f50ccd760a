"""What the team server's refusals mean for the console: one `ApiError` subclass per kind of
answer (offline, token refused, forbidden, not found, conflict with its owner, bad request, server
failure, full disk), read from the server's JSON error body, each with a sentence for the user."""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from app.models.enums import MentionStatus
from app.models.schemas import ErrorBody, UserRef


class ApiError(Exception):
    """The server refused a call or could not be reached. `detail` is a sentence for the user."""

    def __init__(self, detail: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code


class Offline(ApiError):
    """The server did not answer (no network, server down, timeout)."""


class Unauthorized(ApiError):
    """The token was missing, wrong or revoked (401)."""


class Forbidden(ApiError):
    """The caller's role may not do this (403)."""


class NotFound(ApiError):
    """No such mention, user, handoff or broadcast (404)."""


class BadRequest(ApiError):
    """The server rejected the request's content (400/413/422); `detail` says why."""


class Conflict(ApiError):
    """The mention changed meanwhile (409): someone else took it, or the version is stale."""

    def __init__(
        self,
        detail: str,
        status: int | None = 409,
        code: str | None = None,
        current_owner: UserRef | None = None,
        current_version: int | None = None,
        current_status: MentionStatus | None = None,
    ) -> None:
        super().__init__(detail, status, code)
        self.current_owner = current_owner
        self.current_version = current_version
        self.current_status = current_status


class ServerError(ApiError):
    """The server failed (5xx): a bug on its side, reported as such."""


class DiskFull(ApiError):
    """The server's disk is full (507): nothing was changed and retrying cannot help until an
    administrator frees space. Not a `ServerError`: what retries those stops here, and the
    rep reads the server's sentence."""


def error_from_response(response: httpx.Response) -> ApiError:
    body: ErrorBody | None
    try:
        body = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        body = None
    status = response.status_code
    detail = body.detail if body else (response.text.strip()[:300] or response.reason_phrase)
    code = body.code if body else None
    if status == 401:
        return Unauthorized(detail, status, code)
    if status == 403:
        return Forbidden(detail, status, code)
    if status == 404:
        return NotFound(detail, status, code)
    if status == 409:
        return Conflict(
            detail,
            status,
            code,
            current_owner=body.current_owner if body else None,
            current_version=body.current_version if body else None,
            current_status=body.current_status if body else None,
        )
    if status == 507:
        return DiskFull(detail, status, code)
    if status >= 500:
        return ServerError(detail, status, code)
    return BadRequest(detail, status, code)


def token_refused_text(server: str) -> str:
    """What the connection state says when the server stops accepting the token."""
    return f"Your token is no longer accepted by {server}. Sign in again (Console ▸ Sign in…)."


def token_not_accepted_text(server: str) -> str:
    """What the Sign in dialog says of a token the server refuses."""
    return f"That token is not accepted by {server}."
