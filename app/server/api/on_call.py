"""On-call paging: each team's on-call order (anyone reads, managers set), my paging settings,
the pages and their acknowledgement — and the acknowledgement link a page's notice carries
(`/ack/{key}`, outside the API: a small HTML page whose GET never acknowledges, since chat
apps fetch links for their previews; its buttons POST)."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from app.models.enums import PageState
from app.models.on_call_schemas import (
    OnCallPublic,
    OnCallUpdate,
    PageAck,
    PagePublic,
    PagesPublic,
    PagingPublic,
    PagingUpdate,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    ManagerUser,
    NowDep,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.errors import DomainError
from app.server.services import on_call as service
from app.server.services import on_call_order, paging_settings
from app.server.services.pages import page_public
from app.server.services.users import get_user

router = APIRouter(tags=["on-call"], responses=ERRORS)
# The link's page answers in HTML, refusals included (a phone's browser shows them).
_HTML_ANSWER = {"content": {"text/html": {"schema": {"type": "string"}}}}
ack_router = APIRouter(
    tags=["on-call"],
    responses={
        **{
            code: {**answer, "content": {"application/json": {}}}
            for code, answer in ERRORS.items()
            if code in (400, 401, 413, 503, 507)
        },
        404: {**_HTML_ANSWER, "description": "The link is not valid."},
        409: {**_HTML_ANSWER, "description": "Someone else acknowledged the page first."},
    },
)

# Taken as any text: a mangled link gets the HTML page's sentence, not a JSON validation error.
AckKey = Annotated[str, Path(description="The key in the page's notice.")]
WATCH = ("true", "1", "yes", "on")


@router.get("/teams/{team_id}/on-call", response_model=OnCallPublic)
def read_on_call(
    team_id: IdPath, _user: CurrentUser, session: ReadSessionDep, now: NowDep
) -> OnCallPublic:
    """Who a page reaches first, second, …: the manual order, or the rota's."""
    return on_call_order.read_on_call(session, team_id, now)


@router.put("/teams/{team_id}/on-call", response_model=OnCallPublic)
async def set_on_call(
    team_id: IdPath, body: OnCallUpdate, _manager: ManagerUser, db: DatabaseDep, now: NowDep
) -> OnCallPublic:
    """Set the order by hand (team members only); an empty list follows the rota again."""
    return await in_write_transaction(
        db, lambda s: on_call_order.set_on_call(s, team_id, body, now=now)
    )


@router.get("/users/me/paging", response_model=PagingPublic)
def read_paging(user: CurrentUser, session: ReadSessionDep, now: NowDep) -> PagingPublic:
    """My paging settings; the URLs shown masked."""
    assert user.user_id is not None
    return paging_settings.read_paging(session, get_user(session, user.user_id), now)


@router.put("/users/me/paging", response_model=PagingPublic)
async def set_paging(
    body: PagingUpdate, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> PagingPublic:
    """Replace my paging settings. A URL the notifier does not understand is refused (422,
    naming its position); a URL sent back masked, as GET showed it, keeps the stored one."""
    user_id = user.user_id
    assert user_id is not None
    return await in_write_transaction(
        db,
        lambda s: paging_settings.set_paging(s, get_user(s, user_id), body, now=now),
    )


@router.get("/pages", response_model=PagesPublic)
def list_pages(
    user: CurrentUser,
    session: ReadSessionDep,
    state: Annotated[str, Query(description="'waiting' (default) or 'all'")] = "waiting",
) -> PagesPublic:
    """Pages to me (managers: to anyone), newest first."""
    return service.list_pages(session, user, state)


@router.post("/pages/{page_id}/ack", response_model=PagePublic)
async def acknowledge_page(
    page_id: IdPath, body: PageAck, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> PagePublic:
    """I have it (the paged person or a manager): the escalation ends for everyone;
    `take_watch` also puts me on duty. 409 when someone else acknowledged it first."""
    return await in_write_transaction(
        db,
        lambda s: service.acknowledge(s, page_id, by=user, take_watch=body.take_watch, now=now),
    )


# --- the link in a page's notice ---------------------------------------------------------------

_STYLE = (
    "body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em;line-height:1.4}"
    "button{font-size:1.1em;padding:.6em 1em;margin:.3em .3em .3em 0}"
)


def _html(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<meta name='robots' content='noindex'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>",
        status_code=status_code,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _page_html(page: PagePublic, key: str) -> HTMLResponse:
    text = f"<p>{escape(page.text)}</p>"
    if page.state is PageState.ACKNOWLEDGED and page.acknowledged_by is not None:
        who = escape(page.acknowledged_by.name)
        watch = " and took the watch" if page.took_watch else ""
        return _html(
            "Page acknowledged", f"{text}<p><strong>{who} acknowledged it{watch}.</strong></p>"
        )
    action = f"/ack/{escape(key)}"
    forms = (
        f"<form method='post' action='{action}'><button>Acknowledge</button></form>"
        f"<form method='post' action='{action}?take_watch=true'>"
        "<button>Acknowledge and go on duty</button></form>"
    )
    return _html(f"On-call page for {escape(page.user.name)}", text + forms)


def _refused(error: DomainError) -> HTMLResponse:
    return _html("Not acknowledged", f"<p>{escape(error.detail)}</p>", error.status_code)


@ack_router.get("/ack/{key}", response_class=HTMLResponse)
def show_ack_link(key: AckKey, session: ReadSessionDep) -> HTMLResponse:
    """What the page says, with two buttons; showing it acknowledges nothing."""
    try:
        page = service.page_by_key(session, key)
        return _page_html(page_public(session, page), key)
    except DomainError as error:
        return _refused(error)


@ack_router.post("/ack/{key}", response_class=HTMLResponse)
async def use_ack_link(
    key: AckKey,
    db: DatabaseDep,
    now: NowDep,
    take_watch: Annotated[str, Query(description="'true': also go on duty.")] = "",
) -> HTMLResponse:
    """Acknowledge as the person paged (and go on duty with `take_watch=true`)."""
    watch = take_watch.strip().lower() in WATCH
    try:
        page = await in_write_transaction(
            db, lambda s: service.acknowledge_by_key(s, key, take_watch=watch, now=now)
        )
    except DomainError as error:
        return _refused(error)
    return _page_html(page, key)
