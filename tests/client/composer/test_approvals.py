"""A manager's approval in the composer, without Qt, against a real server: in a team that
requires approval, a rep's reply promising a refund is not sent but offers "Ask a manager";
the request reaches a manager's console at once (`arrived`); approved there, the rep's
composer shows it and the reply goes through the cool-off carrying the approval (the server
holds it); edited and approved, the manager's text is the one that goes; denied, the rep reads
the reason and nothing is sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from app.client.approvals.board import ApprovalBoard
from app.client.composer.policy import CoolOffPolicy
from app.client.composer.presenter import APPROVAL_FIRST, ComposerPresenter
from app.client.composer.state import ComposerState
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.models.approval_schemas import ApprovalPublic, ApprovalState
from tests.client.composer.presenting import Screen, composer, open_mention
from tests.client.waiting import until, until_true
from tests.support.composer import FakeClock, Rep, api_get, team_rep
from tests.support.live_server import LiveServer

PROMISE = "So sorry about this. We will refund your order in full today."
REASON = "Third lost parcel; she has waited three weeks."


def _require_approval(server: LiveServer, rep: Rep) -> str:
    """The rep's team requires approval; returns the team's name."""
    teams = api_get(server, "/teams", server.admin_token)["data"]
    assert isinstance(teams, list)
    [team] = [t for t in teams if rep.name.endswith(t["name"])]
    response = httpx.put(
        f"{server.base_url}/api/v1/teams/{team['id']}/cool-off",
        json={"seconds": 30, "heated_seconds": 60, "approval_required": True},
        headers=server.headers(),
        timeout=10,
    )
    response.raise_for_status()
    return str(team["name"])


@asynccontextmanager
async def manager_desk(server: LiveServer, cache: Path) -> AsyncIterator[ApprovalBoard]:
    """A manager's console session, online, following approvals."""
    name = f"manager-{cache.stem}"
    _user_id, token = server.create_user(name, role="manager")
    store = LocalStore(cache)
    worker = BlockingWorker("manager-approvals")
    session = ConsoleSession(
        ResponderApi(server.base_url, token, timeout=5), store, worker, backoff=Backoff(0.05, 0.3)
    )
    board = ApprovalBoard(session)
    await session.open()
    runner = asyncio.create_task(session.run())
    try:
        await until_true(
            session.connection_changed, lambda: session.state is ConnectionState.ONLINE
        )
        await board.tasks.idle()
        yield board
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await board.tasks.aclose()
        await session.aclose()
        worker.shutdown()
        store.close()


def _approvals_of(presenter: ComposerPresenter) -> ApprovalBoard:
    board = ApprovalBoard(presenter.service.session)
    presenter.use_approvals(board)
    return board


async def test_ask_approve_and_the_reply_goes_through_the_cool_off(
    live_server: LiveServer, tmp_path: Path
) -> None:
    rep = team_rep(live_server, 30, 60)
    _require_approval(live_server, rep)
    mention_id, _ = rep.new_mention()
    async with (
        manager_desk(live_server, tmp_path / "mia.sqlite3") as manager,
        composer(rep, tmp_path / "rep.sqlite3", FakeClock()) as presenter,
    ):
        board = _approvals_of(presenter)
        await presenter.service.cool_off.refresh_policy()
        assert presenter.service.cool_off.policy.approval_required
        screen = Screen()
        screen.watch(presenter)
        views = []
        presenter.approval_changed.connect(views.append)
        await open_mention(presenter, mention_id)
        presenter.edited(PROMISE)
        view = presenter.approval_view()
        presenter.check_now()
        view = presenter.approval_view()
        assert view.offer_ask
        assert view.text == APPROVAL_FIRST

        await presenter.send()
        assert screen.message == (APPROVAL_FIRST, True)
        assert presenter.state is ComposerState.WRITING
        assert rep.replies(mention_id) == []

        arrived = asyncio.ensure_future(until(manager.arrived, lambda a: True))
        await presenter.ask_manager(REASON)
        request: ApprovalPublic = await arrived
        assert request.mention_id == mention_id
        assert request.body == PROMISE
        assert request.reason == REASON
        assert request.beyond_authority == ["refund"]
        assert [a.id for a in manager.waiting()] == [request.id]
        pending = presenter.approval_view()
        assert not pending.offer_ask
        assert pending.text.startswith("Waiting for a manager's approval")

        answered = asyncio.ensure_future(until(board.answered, lambda a: a.id == request.id))
        outcome = await manager.approve(request.id)
        assert outcome.message.startswith("Approved")
        assert (await answered).state is ApprovalState.APPROVED
        await until_true(presenter.state_changed, lambda: presenter.state is ComposerState.COUNTING)
        reply = presenter.reply()
        assert reply is not None
        assert reply.approval_id == request.id
        assert reply.body == PROMISE
        await until_true(presenter.service.cool_off.changed, lambda: reply_held(presenter))
        [held] = rep.replies(mention_id)
        assert held["status"] == "queued"
        assert held["body"] == PROMISE
        assert "approved your reply" in presenter.approval_view().text
        assert manager.waiting() == []
        # Rewritten without a promise, the request is history: the line goes.
        presenter.edited("So sorry about this. Could you DM us your order number?")
        presenter.check_now()
        assert presenter.approval_view().text == ""


def reply_held(presenter: ComposerPresenter) -> bool:
    reply = presenter.reply()
    return reply is not None and reply.held is not None


async def test_edited_approval_sends_the_managers_text_and_a_denial_says_why(
    live_server: LiveServer, tmp_path: Path
) -> None:
    rep = team_rep(live_server, 30, 60)
    _require_approval(live_server, rep)
    first, _ = rep.new_mention()
    second, _ = rep.new_mention()
    edited = "So sorry about this. We will send you a replacement parcel today."
    async with (
        manager_desk(live_server, tmp_path / "lena.sqlite3") as manager,
        composer(rep, tmp_path / "rep.sqlite3", FakeClock()) as presenter,
    ):
        board = _approvals_of(presenter)
        await presenter.service.cool_off.refresh_policy()
        screen = Screen()
        screen.watch(presenter)
        await open_mention(presenter, first)
        presenter.edited(PROMISE)
        presenter.check_now()
        arrived = asyncio.ensure_future(until(manager.arrived, lambda a: a.mention_id == first))
        await presenter.ask_manager(REASON)
        request = await arrived
        await manager.approve(request.id, edited)
        await until_true(presenter.state_changed, lambda: presenter.state is ComposerState.COUNTING)
        assert presenter.body == edited  # the manager's text is on screen and goes out
        await until_true(presenter.service.cool_off.changed, lambda: reply_held(presenter))
        assert [r["body"] for r in rep.replies(first)] == [edited]

        await open_mention(presenter, second)
        presenter.edited(PROMISE)
        presenter.check_now()
        arrived = asyncio.ensure_future(until(manager.arrived, lambda a: a.mention_id == second))
        await presenter.ask_manager(REASON)
        request = await arrived
        denied = asyncio.ensure_future(until(board.answered, lambda a: a.id == request.id))
        refused = await manager.deny(request.id, "  ")
        assert "Say why" in refused.message
        await manager.deny(request.id, "Offer a replacement, not a refund.")
        await denied
        view = presenter.approval_view()
        assert view.text == (
            f"{manager_name(request, manager)} denied your reply: "
            "Offer a replacement, not a refund."
        )
        assert view.offer_ask  # may ask again, with a new draft
        assert "Offer a replacement" in view.text
        assert rep.replies(second) == []
        # A manager's second answer is refused, naming who answered.
        again = await manager.approve(request.id)
        assert "already denied" in again.message


def manager_name(request: ApprovalPublic, manager: ApprovalBoard) -> str:
    user = manager.session.viewer.user
    assert user is not None
    return user.name


async def test_a_console_that_has_not_heard_of_the_rule_is_told_by_the_server(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """The team turned approval on, but this console's policy is older (it was offline): Send
    goes to the server, which refuses it (403 `needs_approval`); the reply stops with the
    server's sentence, its draft kept, and the composer offers "Ask a manager"."""
    rep = team_rep(live_server, 30, 60)
    _require_approval(live_server, rep)
    mention_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "rep.sqlite3", FakeClock()) as presenter:
        _approvals_of(presenter)
        await open_mention(presenter, mention_id)
        await presenter.service.settled()
        presenter.service.cool_off.policy = CoolOffPolicy(30, 60)  # known before the rule
        presenter.edited(PROMISE)
        presenter.check_now()
        assert not presenter.approval_view().offer_ask
        await presenter.send()
        assert presenter.state is ComposerState.FAILED
        reply = presenter.reply()
        assert reply is not None
        assert reply.needs_approval
        assert "manager must approve it first" in (reply.detail or "")
        assert presenter.approval_view().offer_ask
        assert rep.replies(mention_id) == []
