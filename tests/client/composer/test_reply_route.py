"""Which brand account answers, said before the rep writes, and the colleague check at Send.

- A mention no connected brand account can answer (a network with no account, a webhook
  mention) is not `answerable`: the composer says so with the link to answer it on the site,
  the account line says it cannot go from here, and Send refuses at once — no countdown.
- The account line names the brand account the server will post the reply as.
- Send asks the server first: a colleague's reply since the draft began stops the reply at
  once as a conflict with their reply (no countdown); "send anyway" then runs the whole
  cool-off. Only the rep's own moves since: it counts down against the current version."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from app.client.composer.cooling import ConflictChoice, CoolingState
from app.client.composer.route import DRAFT_ANYWAY, ReplyRoute
from app.client.composer.state import ComposerState
from app.models.enums import Network
from tests.client.composer.presenting import Screen, composer, open_mention
from tests.support.composer import BRAND_ACCOUNT, FakeClock, Rep, api_get, api_post
from tests.support.live_server import LiveServer, mention_json

CALM = "I'm so sorry your order is late. I'm checking with the warehouse now."


def _claimed(rep: Rep, network: str, url: str) -> int:
    post = f"route-{uuid.uuid4().hex[:8]}"
    # Each network's own post ids: Bluesky's are at:// URIs.
    external_id = f"at://did:plc:sam/app.bsky.feed.post/{post}" if network == "bluesky" else post
    body = mention_json(external_id, "Where is my order?", network=network)
    body["author"] = {"handle": "@sam", "display_name": "Sam"}
    body["url"] = url
    [mention_id] = rep.server.ingest([body])
    claimed = api_post(rep.server, f"/mentions/{mention_id}/claim", rep.token, {"version": 1})
    assert claimed.status_code == 200, claimed.text
    return mention_id


async def test_a_mention_no_account_can_answer_is_said_before_writing(
    rep: Rep, tmp_path: Path
) -> None:
    """Bluesky has no brand account on this server; a webhook mention never has one."""
    links = {
        "bluesky": "https://bsky.app/profile/sam.example/post/3k",
        "webhook": "https://forum.example/t/late-order/12",
    }
    ids = {network: _claimed(rep, network, url) for network, url in links.items()}
    async with composer(rep, tmp_path / "c.sqlite3", FakeClock()) as presenter:
        for network, link in links.items():
            screen = Screen()
            screen.watch(presenter)
            await open_mention(presenter, ids[network])

            assert not presenter.answerable
            assert presenter.site_url == link
            assert presenter.unanswerable is not None
            assert "answer it on the site" in presenter.unanswerable
            assert link in presenter.unanswerable
            text, error = screen.message
            assert not error  # the reason and the link are shown once, as `unanswerable`
            assert text == DRAFT_ANYWAY
            assert screen.accounts[-1].startswith("not from here")

            presenter.edited(CALM)
            await presenter.send()
            text, error = screen.message
            assert error
            assert link in text
            assert presenter.state is ComposerState.WRITING
            assert presenter.service.cool_off.replies == []
            assert rep.replies(ids[network]) == []


async def test_the_account_line_names_the_account_that_will_post(rep: Rep, tmp_path: Path) -> None:
    mention_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", FakeClock()) as presenter:
        screen = Screen()
        screen.watch(presenter)
        await open_mention(presenter, mention_id)
        assert presenter.answerable
        assert presenter.unanswerable is None
        assert screen.accounts == [f"as {BRAND_ACCOUNT} on Mastodon"]
        assert presenter.route == ReplyRoute(Network.MASTODON, account=BRAND_ACCOUNT)


def _colleague_replies(server: LiveServer, mention_id: int, body: str) -> None:
    _, token = server.create_user(f"mia-{uuid.uuid4().hex[:6]}", role="manager")
    detail = api_get(server, f"/mentions/{mention_id}", token)
    posted = api_post(
        server,
        f"/mentions/{mention_id}/replies",
        token,
        {"client_id": str(uuid.uuid4()), "body": body, "base_version": detail["version"]},
    )
    assert posted.status_code == 202, posted.text


async def test_send_stops_at_once_when_a_colleague_replied_meanwhile(
    live_server: LiveServer, rep: Rep, tmp_path: Path
) -> None:
    clock = FakeClock()
    mention_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", clock) as presenter:
        await open_mention(presenter, mention_id)
        presenter.edited(CALM)  # the draft begins against the version on screen
        await asyncio.to_thread(_colleague_replies, live_server, mention_id, "Mia here: refunded!")

        await presenter.send()

        assert presenter.state is ComposerState.CONFLICT  # no countdown first
        assert presenter.countdown() is None
        conflict = presenter.conflict()
        assert conflict is not None
        assert conflict.colleague is not None
        assert "Mia here: refunded!" in conflict.colleague
        assert "replied to this customer while you were writing" in conflict.detail
        assert [r["body"] for r in rep.replies(mention_id)] == ["Mia here: refunded!"]

        # Send anyway: the server takes it (forced over the colleague's reply) and holds it for
        # the whole cool-off, which the console counts down; then it has left the console.
        await presenter.choose(ConflictChoice.SEND_ANYWAY)
        assert presenter.state is ComposerState.COUNTING
        waiting = presenter.reply()
        assert waiting is not None
        assert waiting.force
        assert waiting.held is not None
        assert waiting.remaining(clock.now) == 20
        cool_off = presenter.service.cool_off
        clock.advance(19)
        await cool_off.tick()
        assert cool_off.for_mention(mention_id) is not None
        clock.advance(1)
        await cool_off.tick()  # (the presenter's own round may have been first)
        assert cool_off.for_mention(mention_id) is None
    replies = rep.replies(mention_id)
    assert [r["body"] for r in replies] == ["Mia here: refunded!", CALM]
    assert replies[1]["status"] in ("queued", "sending", "sent")


async def test_only_my_own_moves_since_then_it_counts_down_against_the_new_version(
    rep: Rep, tmp_path: Path
) -> None:
    clock = FakeClock()
    mention_id, version = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", clock) as presenter:
        await open_mention(presenter, mention_id)
        presenter.edited(CALM)
        snoozed = await asyncio.to_thread(
            api_post, rep.server, f"/mentions/{mention_id}/snooze", rep.token, {"minutes": 5}
        )
        assert snoozed.status_code == 200, snoozed.text

        await presenter.send()

        assert presenter.state is ComposerState.COUNTING
        waiting = presenter.reply()
        assert waiting is not None
        assert waiting.state is CoolingState.COUNTING
        assert (waiting.base_version, waiting.force) == (version + 1, False)
