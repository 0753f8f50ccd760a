"""Domain errors raised by services and the handlers that turn every error into an ErrorBody."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.models.schemas import ErrorBody, UserRef

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A request the rules refuse; carries the HTTP status and a sentence for the caller."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        current_owner: UserRef | None = None,
        current_version: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.current_owner = current_owner
        self.current_version = current_version

    def body(self) -> ErrorBody:
        return ErrorBody(
            detail=self.detail,
            code=self.code,
            current_owner=self.current_owner,
            current_version=self.current_version,
        )


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Invalid(DomainError):
    status_code = 422
    code = "invalid"


def _error(
    status: int, detail: str, code: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(detail=detail, code=code).model_dump(mode="json", exclude_none=True)
    return JSONResponse(body, status_code=status, headers=headers)


def _describe_validation(errors: list[dict[str, Any]]) -> tuple[int, str, str]:
    """One readable sentence for the first problems; malformed JSON is a 400, the rest 422."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "The request body is not valid JSON.", "malformed_json"
    parts: list[str] = []
    for err in errors[:5]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        where = ".".join(loc) if loc else "body"
        message = str(err.get("msg", "is invalid"))
        if err.get("type") == "missing":
            message = "is required"
        elif err.get("type") == "extra_forbidden":
            message = "is not a known field"
        parts.append(f"{where}: {message}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return 422, "Invalid request — " + "; ".join(parts) + more + ".", "validation_error"


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so that every refusal is a 4xx ErrorBody and nothing leaks a trace."""

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        return JSONResponse(
            exc.body().model_dump(mode="json", exclude_none=True),
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, detail, code = _describe_validation(list(exc.errors()))
        return _error(status, detail, code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "Request refused."
        if exc.status_code == 404 and detail == "Not Found":
            detail = "No such endpoint."
        elif exc.status_code == 405:
            detail = "This method is not allowed on this endpoint."
        return _error(exc.status_code, detail, f"http_{exc.status_code}", exc.headers)

    @app.exception_handler(IntegrityError)
    async def integrity_error(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error turned into 409: %s", exc.orig)
        return _error(
            409, "The change conflicts with existing data; nothing was changed.", "conflict"
        )

    @app.exception_handler(OperationalError)
    async def busy_error(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database busy or unavailable: %s", exc.orig)
        return _error(
            503,
            "The database is busy; nothing was changed. Try again.",
            "busy",
            {"Retry-After": "1"},
        )
