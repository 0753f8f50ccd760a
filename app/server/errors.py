"""Domain errors raised by services and the handlers that turn every error into an ErrorBody.

Database faults are told apart (`classify_fault`): busy for a moment (503, retry soon), away
(503: the server reconnects by itself), or a full disk (507: retrying cannot help until someone
frees space). Each fault is logged once when it starts and once when it ends (`FaultLog`)."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import event as sa_event
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.models.enums import MentionStatus
from app.models.schemas import ErrorBody, UserRef
from app.server.db import Database

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
        current_status: MentionStatus | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.current_owner = current_owner
        self.current_version = current_version
        self.current_status = current_status

    def body(self) -> ErrorBody:
        return ErrorBody(
            detail=self.detail,
            code=self.code,
            current_owner=self.current_owner,
            current_version=self.current_version,
            current_status=self.current_status,
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


class Fault(StrEnum):
    """What a database error means for the caller."""

    BUSY = "busy"  # locked for a moment: try again in a second
    UNAVAILABLE = "database_unavailable"  # unreachable or restarting: the server reconnects
    DISK_FULL = "disk_full"  # no space to write: an administrator must free some


# Status, sentence and Retry-After (None: retrying by itself cannot help) per fault.
FAULT_RESPONSES: dict[Fault, tuple[int, str, str | None]] = {
    Fault.BUSY: (503, "The database is busy; nothing was changed. Try again.", "1"),
    Fault.UNAVAILABLE: (
        503,
        "The server cannot reach its database right now; nothing was changed. It reconnects "
        "by itself: try again in a few seconds.",
        "2",
    ),
    Fault.DISK_FULL: (
        507,
        "The server's disk is full; nothing was changed. An administrator must free disk "
        "space; the server carries on by itself once there is room.",
        None,
    ),
}

_SQLITE_FULL = 13
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_AWAY = {10, 14}  # SQLITE_IOERR, SQLITE_CANTOPEN
_PG_DISK_FULL = "53100"
# Connection exceptions, insufficient resources, operator intervention, system errors; and no
# SQLSTATE at all: the connection itself failed.
_PG_AWAY = {"08", "53", "57", "58"}
# Lock waits, serialisation failures, deadlocks and statement timeouts pass by themselves.
_PG_BUSY = {"55P03", "40001", "40P01", "57014"}


def classify_fault(exc: BaseException) -> Fault | None:
    """The fault behind a database error (SQLAlchemy's wrapper or the driver's own), or None
    when it is no operational fault (a programming error stays a 500)."""
    if isinstance(exc, DatabaseFault):
        return exc.fault
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return Fault.UNAVAILABLE
        return classify_fault(exc.orig) if exc.orig is not None else None
    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        text = str(exc).lower()
        if code == _SQLITE_FULL or "disk is full" in text:
            return Fault.DISK_FULL
        if code in _SQLITE_BUSY or "database is locked" in text:
            return Fault.BUSY
        if code in _SQLITE_AWAY or "unable to open database" in text:
            return Fault.UNAVAILABLE
        return None  # "no such table" and friends: a bug, not an outage
    if isinstance(exc, psycopg.OperationalError):
        state = exc.sqlstate
        if state == _PG_DISK_FULL:
            return Fault.DISK_FULL
        if state in _PG_BUSY:
            return Fault.BUSY
        if state is None or state[:2] in _PG_AWAY:
            return Fault.UNAVAILABLE  # no connection, admin shutdown, cannot connect now, …
    return None


class DatabaseFault(Exception):
    """A database error translated where it happened (fast reads): answered like the rest."""

    def __init__(self, fault: Fault, cause: BaseException | str) -> None:
        super().__init__(str(cause))
        self.fault = fault


class FaultLog:
    """Logs a database fault once when it starts and once when it ends, not once per request
    (a full disk or an outage would otherwise write a line per call).

    A fault ends with a committed write (`healthy`) once none has been reported for
    `settle_seconds`: on a nearly full disk small writes still fit while larger ones fail, and
    each of those would otherwise read as "the disk has room again", then "full" again.
    `monotonic` is the clock (injectable)."""

    def __init__(
        self, *, settle_seconds: float = 5.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._open: dict[Fault, float] = {}  # open fault → when it was last reported
        self._refused: dict[Fault, int] = {}
        self._settle = settle_seconds
        self._monotonic = monotonic
        self._mutex = threading.Lock()

    def report(self, fault: Fault, cause: BaseException) -> None:
        if fault is Fault.BUSY:  # busy moments are short and independent: each is a line
            log.warning("database busy: %s", cause)
            return
        with self._mutex:
            started = fault not in self._open
            self._open[fault] = self._monotonic()
            self._refused[fault] = self._refused.get(fault, 0) + 1
        if not started:
            return
        if fault is Fault.DISK_FULL:
            log.error("the disk is full: writes are refused (507) until there is room (%s)", cause)
        else:
            log.error("the database is unreachable: calls answer 503 until it is back (%s)", cause)

    def healthy(self) -> None:
        """A write committed: a fault not seen for `settle_seconds` is over."""
        if not self._open:  # the common case, without the lock
            return
        now = self._monotonic()
        with self._mutex:
            ended = [f for f, last in self._open.items() if now - last >= self._settle]
            counts = {f: self._refused.pop(f, 0) for f in ended}
            for fault in ended:
                del self._open[fault]
        for fault in ended:
            what = (
                "the disk has room again"
                if fault is Fault.DISK_FULL
                else "the database is reachable again"
            )
            log.warning("%s: writes succeed (%d calls were refused)", what, counts[fault])

    @property
    def open_faults(self) -> frozenset[Fault]:
        return frozenset(self._open)


class LoopFailures:
    """For a background loop that retries: log its failure once, not at every round, and once
    when it works again. A database fault is one line; anything else keeps its traceback."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._log = logger
        self._what = what
        self._failing = False

    def failed(self, exc: BaseException) -> None:
        if self._failing:
            return
        self._failing = True
        fault = classify_fault(exc)
        if fault is None:
            self._log.error("%s failed; retrying", self._what, exc_info=exc)
        else:
            self._log.warning("%s failed (%s: %s); retrying", self._what, fault, exc)

    def succeeded(self) -> None:
        if self._failing:
            self._failing = False
            self._log.warning("%s works again", self._what)


def watch_recovery(app: FastAPI, db: Database) -> None:
    """Close the app's open faults (FaultLog.healthy) after every committed write."""
    faults: FaultLog = app.state.faults

    def after_commit(_session: Any) -> None:
        faults.healthy()

    sa_event.listen(db.write_sessions, "after_commit", after_commit)


def fault_response(faults: FaultLog | None, exc: BaseException) -> JSONResponse | None:
    """The answer to a database fault (logged once per episode), or None if it is none."""
    fault = classify_fault(exc)
    if fault is None:
        return None
    if faults is not None:
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        faults.report(fault, cause)
    status, detail, retry_after = FAULT_RESPONSES[fault]
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    return _error(status, detail, str(fault), headers)


def _error(
    status: int, detail: str, code: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(detail=detail, code=code).model_dump(mode="json", exclude_none=True)
    return JSONResponse(body, status_code=status, headers=headers)


def _union_tag(part: object) -> bool:
    """A location step naming a union's member ("MentionCreate", "list[MentionCreate]"), not
    a field: fields are snake_case, members are type names."""
    return isinstance(part, str) and bool(_UNION_TAG.match(part))


_UNION_TAG = re.compile(r"^(?:[A-Z]\w*|[a-z]+\[.*\])$")


def _one_union_branch(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A body that may be one item or a list of them fails both ways; report the way the
    caller meant (its fields' problems), not also "not a list" or "not an object"."""
    shape = {"list_type", "model_type", "dict_type", "model_attributes_type"}

    def is_shape(err: dict[str, Any]) -> bool:
        loc = [p for p in err.get("loc", ()) if p != "body" and not _union_tag(p)]
        return not loc and err.get("type") in shape

    fields = [e for e in errors if not is_shape(e)]
    return fields or errors


def _describe_validation(errors: list[dict[str, Any]]) -> tuple[int, str, str]:
    """One readable sentence for the first problems; malformed JSON is a 400, the rest 422."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "The request body is not valid JSON.", "malformed_json"
    errors = _one_union_branch(errors)
    parts: list[str] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p != "body" and not _union_tag(p)]
        where = ".".join(loc) if loc else "body"
        message = str(err.get("msg", "is invalid"))
        if err.get("type") == "missing":
            message = "is required"
        elif err.get("type") == "extra_forbidden":
            message = "is not a known field"
        if (part := f"{where}: {message}") not in parts:
            parts.append(part)
    more = f" (and {len(parts) - 5} more)" if len(parts) > 5 else ""
    parts = parts[:5]
    sentence = "Invalid request — " + "; ".join(parts) + more
    return 422, sentence if sentence.endswith(".") else sentence + ".", "validation_error"


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

    app.state.faults = FaultLog()

    @app.exception_handler(DBAPIError)
    @app.exception_handler(DatabaseFault)
    @app.exception_handler(sqlite3.OperationalError)
    @app.exception_handler(psycopg.OperationalError)
    async def database_fault(request: Request, exc: Exception) -> JSONResponse:
        response = fault_response(request.app.state.faults, exc)
        if response is None:  # not an operational fault: a bug, answered as one
            log.error("database error", exc_info=exc)
            return _error(500, "The server failed; nothing was changed.", "internal_error")
        return response
