"""The composer's presenter without Qt, in a console session against a real server: opening a
mention puts its draft on screen; typing keeps the draft; Send queues the reply with its
countdown and says so, an empty reply is refused with a sentence; cancel keeps the text; a draft
changed on a second workstation asks which copy to keep and settles on the rep's choice."""

from __future__ import annotations

from pathlib import Path

from app.client.composer.drafts import DraftChoice, DraftKeeper, LocalDraft
from app.client.composer.state import ComposerState
from app.client.connection.api import ResponderApi
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from tests.client.composer.presenting import Screen, composer, open_mention
from tests.support.composer import BRAND_ACCOUNT, FakeClock, Rep

CALM = "I'm so sorry your order is late. I'm checking with the warehouse now."


async def test_open_type_send_and_cancel(rep: Rep, tmp_path: Path) -> None:
    clock = FakeClock()
    mention_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", clock) as presenter:
        screen = Screen()
        screen.watch(presenter)
        assert presenter.state is ComposerState.NO_MENTION
        await open_mention(presenter, mention_id)
        assert presenter.state is ComposerState.WRITING
        assert screen.texts == [""]
        # the brand account the server will post the reply as, by name
        assert screen.accounts == [f"as {BRAND_ACCOUNT} on Mastodon"]
        assert presenter.heading().endswith(" on Mastodon")
        assert presenter.answerable

        assert presenter.edited("   ")
        await presenter.send()
        assert "empty" in screen.message[0]
        assert screen.message[1]  # an error
        assert presenter.state is ComposerState.WRITING

        assert presenter.edited(CALM)
        counter = presenter.counter()
        assert counter is not None
        # The sender puts "@handle " in front: the counter counts it too.
        handle = presenter.row.author_handle.lstrip("@").split("@")[0] if presenter.row else ""
        assert counter.text == f"{len(CALM) + len(handle) + 2} / 500 (Mastodon)"
        await presenter.send()
        assert presenter.state is ComposerState.COUNTING
        assert screen.message == ("", False)  # the countdown bar says when it leaves
        clock.advance(5)
        countdown = presenter.countdown()
        assert countdown is not None
        assert countdown.text.startswith("Sending in 15 s")
        assert countdown.send_now_allowed

        await presenter.cancel_reply()
        assert presenter.state is ComposerState.WRITING
        assert screen.message == ("Cancelled. Your text is still here.", False)
        assert presenter.body == CALM
        assert presenter.service.cool_off.replies == []
        # the draft was kept as typed
        await presenter.service.drafts.flush()
        kept = await presenter.service.drafts.open(mention_id, 1)
        assert kept.body == CALM


async def test_a_draft_changed_elsewhere_is_settled_by_choice(rep: Rep, tmp_path: Path) -> None:
    mention_id, version = rep.new_mention()
    laptop_store = LocalStore(tmp_path / "laptop.sqlite3")
    laptop_worker = BlockingWorker("laptop")
    laptop_api = ResponderApi(rep.server.base_url, rep.token, timeout=5)
    laptop = DraftKeeper(laptop_store, laptop_worker, laptop_api, device="laptop", sync_delay=60)
    try:
        start = await laptop.open(mention_id, version)
        laptop.typed(LocalDraft(mention_id, start.client_id, "Hi Sam,", version))
        await laptop.push(mention_id)
        async with composer(rep, tmp_path / "desk.sqlite3", FakeClock()) as presenter:
            screen = Screen()
            screen.watch(presenter)
            await open_mention(presenter, mention_id)
            assert screen.texts[-1] == "Hi Sam,"  # the desk continues where the laptop stopped
            laptop.typed(LocalDraft(mention_id, start.client_id, "Hi Sam, sorry (laptop)", version))
            await laptop.push(mention_id)
            presenter.edited("Hi Sam, sorry (desk)")
            await presenter.service.drafts.push(mention_id)
            question = screen.questions[-1]
            assert question is not None
            assert "also changed on laptop" in question
            assert "Hi Sam, sorry (laptop)" in question

            await presenter.settle_draft(DraftChoice.BOTH)
            both = "Hi Sam, sorry (desk)\n\nHi Sam, sorry (laptop)"
            assert screen.texts[-1] == both
            assert presenter.body == both
            assert screen.questions[-1] is None
            assert screen.message == ("Draft kept on every workstation.", False)
            assert presenter.draft_conflict is None
        fresh = await laptop.pull(mention_id, version)
        assert fresh.body == both
    finally:
        await laptop.aclose()
        await laptop_api.aclose()
        laptop_worker.shutdown()
        laptop_store.close()
