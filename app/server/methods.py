"""405 Method Not Allowed that tells the truth: `Allow` lists every method the path answers.

Starlette stops at the first route whose path matches and names only that route's methods, but
one path often has several routes (`GET /mentions` lists, `POST /mentions` ingests): its 405
said `Allow: POST` to a caller who could also GET."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.routing import Match
from starlette.types import Scope

_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route of `app` fully matches for the request's path, sorted. A path
    the API documents written out in full (`/mentions/bulk`) answers only its own methods, not
    those of a path with a parameter that its text happens to fit (`/mentions/{mention_id}`)."""
    methods = [
        method
        for method in _METHODS
        if any(
            route.matches({**scope, "method": method})[0] == Match.FULL
            for route in app.router.routes
        )
    ]
    documented = app.openapi().get("paths", {}).get(scope.get("path"))
    if documented:
        methods = [method for method in methods if method.lower() in documented]
    return methods


def install_method_not_allowed(app: FastAPI) -> None:
    @app.exception_handler(405)
    async def method_not_allowed(request: Request, _exc: Exception) -> JSONResponse:
        methods = allowed_methods(app, request.scope)
        allowed = ", ".join(methods)
        detail = f"{request.method} is not allowed here; this endpoint answers {allowed}."
        return JSONResponse(
            {"detail": detail, "code": "http_405"},
            status_code=405,
            headers={"Allow": allowed},
        )
