"""A network that posts at once: the server's "reply sent" event can reach the console before
the cool-off has handled the reply's departure (the event overtakes the HTTP answer). The sent
text must not come back as a draft, and nothing may stay "in flight" (Send would stay off after
a restart). Against the composer's real server; the two hand-offs are run in the overtaking
order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.client.composer.state import ComposerState
from app.models.schemas import ReplyPublic
from tests.client.composer.presenting import composer, open_mention
from tests.support.composer import FakeClock, Rep

CALM = "I'm so sorry your order is late. I'm checking with the warehouse now."


def _public(mention_id: int, client_id: str, rep: Rep, status: str) -> ReplyPublic:
    return ReplyPublic.model_validate(
        {
            "id": 1,
            "client_id": client_id,
            "mention_id": mention_id,
            "author": {"id": rep.user_id, "name": rep.name},
            "body": CALM,
            "status": status,
            "external_url": "https://m.example/@acme/1" if status == "sent" else None,
            "error": "422 Unprocessable" if status == "failed" else None,
            "created_at": datetime.now(UTC).isoformat(),
        }
    )


async def test_a_post_confirmed_before_its_departure_leaves_no_draft(
    rep: Rep, tmp_path: Path
) -> None:
    mention_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", FakeClock()) as presenter:
        service = presenter.service
        await open_mention(presenter, mention_id)
        presenter.edited(CALM)
        await presenter.send()
        assert presenter.state is ComposerState.COUNTING
        cooling = service.cool_off.for_mention(mention_id)
        assert cooling is not None

        await service._settle(_public(mention_id, cooling.client_id, rep, "sent"))
        await service._mark_in_flight(cooling)

        assert await service.in_flight(mention_id) is None
        assert (await service.drafts.open(mention_id, 1)).body == ""


async def test_a_refusal_before_its_departure_keeps_the_draft_under_a_new_id(
    rep: Rep, tmp_path: Path
) -> None:
    mention_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", FakeClock()) as presenter:
        service = presenter.service
        await open_mention(presenter, mention_id)
        presenter.edited(CALM)
        await presenter.send()
        cooling = service.cool_off.for_mention(mention_id)
        assert cooling is not None

        await service._settle(_public(mention_id, cooling.client_id, rep, "failed"))
        await service._mark_in_flight(cooling)

        assert await service.in_flight(mention_id) is None  # Send is offered again
        kept = await service.drafts.open(mention_id, 1)
        assert kept.body == CALM
        assert kept.client_id != cooling.client_id  # a retry is a new reply
