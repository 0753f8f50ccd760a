"""The Qt-free page board against a real server: an urgent mention with nobody on duty pages the
first on-call manager, whose board tells it once (and nobody else's); acknowledging and going
on duty puts her on duty on the server; a page sent before her console started arrives when it
connects; when a colleague acknowledges first, the page leaves her board with who took it, and
her own late acknowledgement says who won, in her time. The sentences are also checked from
the wire schemas alone."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.client.connection.api import ResponderApi
from app.client.stream.actions import ActionResult
from app.client.stream.session import ConsoleSession
from app.client.team import paging_words as words
from app.client.team.desk import TeamDesk
from app.client.team.paging import PageGone
from app.models.enums import PageState
from app.models.on_call_schemas import PagedMention, PagePublic
from app.models.schemas import UserRef
from tests.client.team.team_session import team_session
from tests.support.live_server import LiveServer, mention_json, start_live_server

URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"
PARIS = ZoneInfo("Europe/Paris")


def paged_session(
    server: LiveServer, token: str, cache: Path
) -> contextlib.AbstractAsyncContextManager[tuple[ConsoleSession, TeamDesk]]:
    def in_paris(desk: TeamDesk) -> None:
        desk.pages.zone = PARIS  # the sentences' times in a zone of the test's choosing

    return team_session(server, token, cache, prepare=in_paris)


def _collect(hook_owner: object, name: str) -> tuple[list[object], asyncio.Event]:
    seen: list[object] = []
    event = asyncio.Event()

    def listener(value: object) -> None:
        seen.append(value)
        event.set()

    getattr(hook_owner, name).connect(listener)
    return seen, event


def _duty(server: LiveServer, user_id: int) -> str:
    users = server.get("/api/v1/users")["data"]
    return str(next(u["duty"] for u in users if u["id"] == user_id))


async def test_a_page_arrives_once_and_acknowledging_takes_the_watch(tmp_path: Path) -> None:
    with start_live_server(tmp_path / "server") as server:
        # Upper-case names sort before the first admin ("admin"): Ana is paged first.
        ana_id, ana_token = server.create_user("Ana", role="manager")
        _, bo_token = server.create_user("Bo", role="manager")
        async with (
            paged_session(server, ana_token, tmp_path / "ana.sqlite3") as (_, ana),
            paged_session(server, bo_token, tmp_path / "bo.sqlite3") as (_, bo),
        ):
            arrived, got_page = _collect(ana.pages, "arrived")
            bo_arrived, _ = _collect(bo.pages, "arrived")
            server.ingest([mention_json("pg-1", URGENT)])
            await asyncio.wait_for(got_page.wait(), 15)
            await ana.idle()
            page = ana.pages.first()
            assert page is not None
            assert arrived == [page]
            assert page.user.id == ana_id
            assert page.state is PageState.WAITING
            assert page.count == 1
            assert page.mentions[0].excerpt.startswith("This is dangerous")
            assert bo.pages.waiting() == []  # Bo is second: nothing for him yet
            assert bo_arrived == []

            outcome = await ana.pages.acknowledge(page.id, take_watch=True)
            assert outcome.result is ActionResult.DONE
            assert outcome.message == "You have the page: 1 urgent mention to answer. " + (
                "You are on duty now."
            )
            assert ana.pages.waiting() == []
            assert _duty(server, ana_id) == "on_duty"
            # Reconnecting reads the list again: nothing waits, nothing arrives twice.
            await ana.pages.refresh()
            assert arrived == [page]


async def test_a_colleague_takes_the_page_first(tmp_path: Path) -> None:
    with start_live_server(tmp_path / "server") as server:
        _, ana_token = server.create_user("Ana", role="manager")
        _, bo_token = server.create_user("Bo", role="manager")
        async with paged_session(server, ana_token, tmp_path / "ana.sqlite3") as (_, ana):
            _, got_page = _collect(ana.pages, "arrived")
            gone, page_went = _collect(ana.pages, "gone")
            server.ingest([mention_json("pg-2", URGENT)])
            await asyncio.wait_for(got_page.wait(), 15)
            page = ana.pages.first()
            assert page is not None

            # Bo (any manager may) acknowledges Ana's page from his own console or a link.
            bo_api = ResponderApi(server.base_url, bo_token, timeout=5)
            try:
                taken = await bo_api.ack_page(page.id)
            finally:
                await bo_api.aclose()
            assert taken.acknowledged_at is not None
            at = taken.acknowledged_at.astimezone(PARIS).strftime("%H:%M")
            await asyncio.wait_for(page_went.wait(), 15)
            assert ana.pages.waiting() == []
            assert len(gone) == 1
            assert isinstance(gone[0], PageGone)
            assert gone[0].sentence == f"Bo took the page at {at}."

            # Ana's late acknowledgement (a second console still showing it) loses the race.
            outcome = await ana.pages.acknowledge(page.id)
            assert outcome.result is ActionResult.CONFLICT
            assert outcome.message == f"Bo already took it at {at}."


async def test_a_page_sent_before_the_console_started_arrives_on_connect(tmp_path: Path) -> None:
    with start_live_server(tmp_path / "server") as server:
        ana_id, ana_token = server.create_user("Ana", role="manager")
        server.ingest([mention_json("pg-3", URGENT)])
        [waiting] = server.get("/api/v1/pages?state=waiting", ana_token)["data"]
        async with paged_session(server, ana_token, tmp_path / "ana.sqlite3") as (session, ana):
            # Connected: read from GET /pages (the stream starts after the page was sent).
            page = ana.pages.first()
            assert page is not None
            assert page.id == waiting["id"]
            assert page.user.id == ana_id
            arrived, _ = _collect(ana.pages, "arrived")
            await ana.pages.refresh()  # as on every reconnect: nothing arrives twice
            assert arrived == []
            assert [p.id for p in ana.pages.waiting()] == [page.id]
            assert session.viewer.user_id == ana_id


def _page(**changes: object) -> PagePublic:
    sent = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    base = PagePublic(
        id=3,
        team=None,
        user=UserRef(id=1, name="Ana"),
        step=1,
        state=PageState.WAITING,
        sent_at=sent,
        escalates_at=sent + timedelta(minutes=5),
        mentions=[
            PagedMention(id=i, author=f"@c{i}", excerpt="  broken\n\nagain  ") for i in range(4)
        ],
        count=9,
        text="",
    )
    return base.model_copy(update=changes)


def test_the_sentences_say_who_took_it_and_when_in_my_time() -> None:
    at = datetime(2026, 12, 1, 20, 4, tzinfo=UTC)
    taken = _page(
        state=PageState.ACKNOWLEDGED,
        acknowledged_at=at,
        acknowledged_by=UserRef(id=2, name="Bo"),
        took_watch=True,
    )
    assert words.taken_by(taken, PARIS, me=1) == "Bo took the page at 21:04 and is on duty."
    assert (
        words.taken_by(taken, PARIS, me=2) == "You acknowledged the page at 21:04 (from elsewhere)."
    )
    assert words.already_taken(taken, PARIS) == "Bo already took it at 21:04."
    assert words.already_taken(_page(state=PageState.PASSED_ON), PARIS) is None
    assert words.taken_by(_page(state=PageState.PASSED_ON), PARIS).startswith(
        "Nobody acknowledged the page in time: it passed on"
    )
    assert words.page_title(_page()) == "You are paged: 9 urgent mentions, nobody on duty"
    message = words.page_message(_page()).splitlines()
    assert message[0] == "#0 @c0: broken again"
    assert message[3] == "+6 more"  # three named, nine in all
    assert words.page_deadline(_page(), PARIS).endswith("at 21:05.")
    assert words.page_deadline(_page(escalates_at=None)) == (
        "Nobody else is on the on-call order after you."
    )
