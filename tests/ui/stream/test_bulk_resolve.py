"""The issue's test, with two real consoles on one server: Ana selects 200 mentions, 3 of which
Dana and Ben own, and resolves them all from the Mention menu. The console checks back first
("Resolve 200 mentions?"), sends one request, and one sentence says 197 were resolved and that
3 belong to Dana and Ben; none of theirs changed — on the server and in Dana's console, which
sees Ana's 197 resolved."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.bulk import BulkDone
from app.models.enums import MentionStatus
from app.ui.shell.actions import Action
from app.ui.stream.filter import FilterMode
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _server_state(server: LiveServer, mention_id: int) -> tuple[str, int | None, int]:
    body = httpx.get(
        f"{server.base_url}/api/v1/mentions/{mention_id}", headers=server.headers(), timeout=10
    ).json()
    return body["status"], body["assignee_id"], body["version"]


def test_a_bulk_resolve_of_200_with_3_owned_by_others_reports_the_3_and_changes_none_of_theirs(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    ana_id, ana_token = live_server.create_user("Ana", role="rep")
    dana_id, dana_token = live_server.create_user("Dana", role="rep")
    ben_id, ben_token = live_server.create_user("Ben", role="rep")
    ids = live_server.ingest(
        [mention_json(f"br-{n}", f"My parcel {n} never came") for n in range(200)]
    )
    ana = console_factory(live_server.base_url, ana_token)
    dana = console_factory(live_server.base_url, dana_token)
    for console in (ana, dana):
        console.wait_until(
            console.bridge.rowsChanged,
            lambda c=console: all(c.session.row(i) is not None for i in ids),  # type: ignore[misc]
        )

    # Dana claims two in her console; Ben one through the API.
    theirs = {ids[3]: dana_id, ids[120]: dana_id, ids[57]: ben_id}
    for mention_id in (ids[3], ids[120]):
        outcome = dana.run(dana.session.claim(mention_id))
        assert isinstance(outcome, ActionOutcome)
        assert outcome.result is ActionResult.DONE, outcome.message
    claimed = httpx.post(
        f"{live_server.base_url}/api/v1/mentions/{ids[57]}/claim",
        json={"version": 1},
        headers=live_server.headers(ben_token),
        timeout=10,
    )
    assert claimed.status_code == 200, claimed.text
    ana.wait_until(
        ana.bridge.rowsChanged,
        lambda: all(ana.session.row(i).assignee_id == owner for i, owner in theirs.items()),  # type: ignore[union-attr]
    )

    window, actions = ana.window, ana.ui.mention_actions
    window.model.flush()
    window.set_filter_mode(FilterMode.ALL)
    window.view.selectAll()
    assert sorted(r.id for r in window.stream.action_rows()) == sorted(ids)

    # Ana claims what she can of the 200 (one request), then resolves all 200.
    window.action(Action.CLAIM).trigger()
    [task] = actions.running
    took = ana.run(task)
    assert isinstance(took, BulkDone)
    assert (took.succeeded, took.conflicted, took.failed) == (197, 3, 0), took.sentence
    before = {i: _server_state(live_server, i) for i in theirs}

    asked: list[str] = []

    async def yes(question: str) -> bool:
        asked.append(question)
        return True

    actions.confirm = yes
    window.model.flush()
    window.view.selectAll()
    assert len(window.stream.action_rows()) == 200
    window.action(Action.RESOLVE).trigger()
    [task] = actions.running
    done = ana.run(task, timeout=30)

    assert asked == ["Resolve 200 mentions?"]
    assert isinstance(done, BulkDone)
    assert (done.succeeded, done.conflicted, done.failed) == (197, 3, 0), done.sentence
    head, _, names = done.sentence.partition("; 3 belong to ")
    assert head == "197 resolved"
    assert set(names.removesuffix(" — left as they were.").split(", ")) == {"Dana", "Ben"}
    assert done.sentence in window.notice_banner.label.text()
    assert done.result is not None
    assert {r.mention_id for r in done.result.results if not r.ok} == set(theirs)

    # None of theirs changed, on the server or in either console.
    for mention_id, owner in theirs.items():
        assert _server_state(live_server, mention_id) == before[mention_id]
        row = ana.session.row(mention_id)
        assert row is not None
        assert (row.status, row.assignee_id) == (MentionStatus.ASSIGNED, owner)
    resolved = [i for i in ids if i not in theirs]
    assert all(ana.session.row(i).status is MentionStatus.RESOLVED for i in resolved)  # type: ignore[union-attr]
    dana.wait_until(
        dana.bridge.rowsChanged,
        lambda: all(dana.session.row(i).status is MentionStatus.RESOLVED for i in resolved),  # type: ignore[union-attr]
    )
    for mention_id in (ids[3], ids[120]):
        row = dana.session.row(mention_id)
        assert row is not None
        assert (row.status, row.assignee_id) == (MentionStatus.ASSIGNED, dana_id)
    assert ana_id not in theirs.values()
