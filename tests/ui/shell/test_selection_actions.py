"""Tag, assign and hand off the selected mentions from the Mention menu, in a real console
against a real server: each is one request for the whole selection, assign and hand-off check
back first and are offered to managers only, and one sentence sums up what was done."""

from __future__ import annotations

from collections.abc import Callable

from app.client.stream.bulk import BulkDone
from app.models.enums import Duty, MentionStatus
from app.models.schemas import UserRef
from app.ui.handoffs.dialogs import HandoffChoice
from app.ui.shell.actions import Action
from app.ui.shell.selection_actions import split_tags
from app.ui.stream.filter import FilterMode
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _select_all(console: Console, ids: list[int]) -> None:
    console.wait_until(
        console.bridge.rowsChanged,
        lambda: all(console.session.row(i) is not None for i in ids),
    )
    console.window.model.flush()
    console.window.set_filter_mode(FilterMode.ALL)
    console.window.view.selectAll()
    assert sorted(r.id for r in console.window.stream.action_rows()) == sorted(ids)


def test_a_manager_tags_assigns_and_hands_off_a_selection(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, mia_token = live_server.create_user("Mia", role="manager", teams=["support"])
    ben_id, _ = live_server.create_user("Ben", teams=["support"])
    _, rep_token = live_server.create_user("Rita", teams=["support"])
    ids = live_server.ingest([mention_json(f"sel-{n}", f"Charged twice {n}") for n in range(5)])
    mia = console_factory(live_server.base_url, mia_token)
    _select_all(mia, ids)
    selection = mia.ui.selection_actions
    assert selection is not None
    actions = mia.ui.mention_actions
    asked: list[str] = []

    async def yes(question: str) -> bool:
        asked.append(question)
        return True

    async def tags(count: int) -> list[str]:
        assert count == 5
        return split_tags(" Billing, refund ,")

    async def ben(count: int) -> int:
        return ben_id

    async def support(count: int) -> HandoffChoice:
        return HandoffChoice(to_user_id=None, to_team="support", note="Double charges")

    actions.confirm = yes
    selection.ask_tags = tags
    selection.ask_assignee = ben
    selection.ask_handoff = support
    selection.people = lambda: [(UserRef(id=ben_id, name="Ben"), Duty.ON_DUTY)]

    def run(action: Action) -> BulkDone:
        before = set(actions.running)
        mia.window.action(action).trigger()
        [task] = [t for t in actions.running if t not in before]
        done = mia.run(task)
        assert isinstance(done, BulkDone), done
        return done

    tagged = run(Action.TAG_SELECTED)
    assert tagged.sentence == "5 tagged."
    assert all(mia.session.row(i).tags == ("billing", "refund") for i in ids)  # type: ignore[union-attr]

    assigned = run(Action.ASSIGN_SELECTED)
    assert asked == ["Assign 5 mentions?"]
    assert assigned.sentence == "5 assigned."
    assert all(mia.session.row(i).assignee_id == ben_id for i in ids)  # type: ignore[union-attr]

    handed = run(Action.HAND_OFF_SELECTED)
    assert asked[-1] == "Hand off 5 mentions?"
    assert handed.sentence == "5 handed off."
    mia.wait_until(
        mia.bridge.rowsChanged,
        lambda: all(mia.session.row(i).status is MentionStatus.HANDOFF for i in ids),  # type: ignore[union-attr]
    )

    # A rep is not offered assign and hand off on a selection; tagging, yes.
    rita = console_factory(live_server.base_url, rep_token)
    assert not rita.window.action(Action.ASSIGN_SELECTED).isEnabled()
    assert not rita.window.action(Action.HAND_OFF_SELECTED).isEnabled()
    assert rita.window.action(Action.TAG_SELECTED).isEnabled()
