"""Keys the rep types while a mention's draft is still loading are never lost: they are not
written into the previous mention's draft, and they stay in the editor (after the saved draft,
when there is one) once the draft arrives."""

from __future__ import annotations

from pathlib import Path

from tests.client.composer.presenting import Screen, composer, open_mention
from tests.client.waiting import until_true
from tests.support.composer import FakeClock, Rep

FIRST = "Sorry about the wait on your first order."
SAVED = "Hello again,"
EARLY = "typed before the draft arrived"


async def test_keys_typed_while_the_draft_loads_stay_with_that_mention(
    rep: Rep, tmp_path: Path
) -> None:
    first_id, _ = rep.new_mention()
    second_id, _ = rep.new_mention()
    third_id, _ = rep.new_mention()
    async with composer(rep, tmp_path / "c.sqlite3", FakeClock()) as presenter:
        screen = Screen()
        screen.watch(presenter)
        session = presenter.service.session
        await until_true(
            session.rows_changed,
            lambda: all(session.row(i) is not None for i in (first_id, second_id, third_id)),
        )
        await open_mention(presenter, first_id)
        assert presenter.edited(FIRST)

        # Switch to the second mention and type before its draft is on screen.
        row = session.row(second_id)
        assert row is not None
        opening = presenter.show_mention(row)
        assert opening is not None
        assert screen.texts[-1] == ""  # the first mention's text left the editor at once
        presenter.edited(EARLY)
        await presenter.opened()
        assert presenter.body == EARLY
        assert screen.texts[-1] == EARLY
        assert presenter.draft is not None
        assert presenter.draft.mention_id == second_id
        assert presenter.draft.body == EARLY

        # The first mention's draft kept only what was typed for it.
        await open_mention(presenter, first_id)
        assert presenter.body == FIRST

        # A mention with a saved draft: what was typed early follows the saved text.
        await open_mention(presenter, third_id)
        assert presenter.edited(SAVED)
        await open_mention(presenter, first_id)
        row = session.row(third_id)
        assert row is not None
        presenter.show_mention(row)
        presenter.edited(EARLY)
        await presenter.opened()
        assert presenter.body == f"{SAVED}\n{EARLY}"
