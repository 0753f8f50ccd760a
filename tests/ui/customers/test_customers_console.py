"""Customers, tags and saved views between real consoles and a real server: linking two
identities shows one history (in the console that linked, and in a colleague's, through the
event stream); tags typed in the detail pane reach the row and a colleague's console, complete
from the tags in use, narrow the stream by the tag filter and queue in the outbox offline;
saved views are tabs that bring back their filters, rename and delete, and follow the person
to another console."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.client.connection.events import ConnectionState
from app.client.stream.actions import ActionResult
from app.client.stream.store import ActionKind
from app.ui.stream.filter import FilterMode
from tests.client.netcut import NetworkCut, network_between
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console
from tests.ui.team_harness import TeamTestConsole

Factory = Callable[[str, str], Console]


@pytest.fixture
def link(live_server: LiveServer) -> Iterator[NetworkCut]:
    with network_between(live_server.base_url) as cut:
        yield cut


def _post(
    live_server: LiveServer, external_id: str, handle: str, text: str, **fields: object
) -> int:
    item = {**mention_json(external_id, text), **fields}
    item["author"] = {"handle": handle, "display_name": "Dana Ray", "followers": 120}
    return live_server.ingest([item])[0]


def _has_row(console: Console, mention_id: int) -> None:
    console.wait_until(
        console.bridge.rowsChanged, lambda: console.session.row(mention_id) is not None
    )


def _show(console: Console, mention_id: int) -> None:
    console.window.model.flush()
    console.window.set_filter_mode(FilterMode.ALL)
    assert console.window.select_mention(mention_id)
    console.run(console.ui.customers.history_loaded())


def _history(console: Console) -> list[str]:
    view = console.ui.customers._panel.history
    return [view.item(i).text() for i in range(view.count())]


def test_linking_two_identities_shows_one_history(
    live_server: LiveServer, console_factory: Factory, qtbot: QtBot
) -> None:
    tag = uuid.uuid4().hex[:6]
    _, ana_token = live_server.create_user(f"cu-ana-{tag}")
    _, ben_token = live_server.create_user(f"cu-ben-{tag}")
    ana = console_factory(live_server.base_url, ana_token)
    ben = console_factory(live_server.base_url, ben_token)
    on_mastodon = _post(live_server, f"cu-m-{tag}", f"@dana{tag}", "My parcel never came")
    on_bluesky = _post(
        live_server,
        f"at://did:plc:{tag}/app.bsky.feed.post/1",
        f"dana{tag}.bsky.social",
        "Still no parcel, and nobody answers",
        network="bluesky",
    )
    for console in (ana, ben):
        _has_row(console, on_mastodon)
        _has_row(console, on_bluesky)

    _show(ana, on_mastodon)
    panel = ana.ui.customers._panel
    assert panel.title.text() == "Dana Ray"
    assert "Reach 120" in panel.facts.text()
    assert _history(ana) == ["Nothing else yet: this is their first mention."]
    _show(ben, on_bluesky)
    assert not any("parcel never came" in line for line in _history(ben))

    # Ana links the Bluesky account: she searches it, picks it and links.
    qtbot.mouseClick(panel.link_button, Qt.MouseButton.LeftButton)
    dialog = ana.ui.customers.link_dialog
    assert dialog is not None
    dialog.search.setText(f"dana{tag}.bsky")
    ana.wait_until(dialog.choices.model().rowsInserted, lambda: dialog.choices.count() == 1)
    assert f"Bluesky dana{tag}.bsky.social" in dialog.choices.item(0).text()
    dialog.accept()
    ana.wait_until(
        ana.bridge.customersLinked,
        lambda: ana.session.row(on_bluesky).customer_id == ana.session.row(on_mastodon).customer_id,
    )
    ana.run(ana.ui.customers.history_loaded())
    lines = _history(ana)
    assert len(lines) == 1, lines
    assert "Still no parcel, and nobody answers" in lines[0]
    assert "Wrote on Bluesky" in lines[0]
    assert "Mastodon" in panel.identities.text()
    assert "Bluesky" in panel.identities.text()
    assert "Reach 240" in panel.facts.text()

    # Ben, on the Bluesky mention, sees the one history too (through the event stream).
    ben.wait_until(
        ben.bridge.customersLinked,
        lambda: ben.session.row(on_bluesky).customer_id == ben.session.row(on_mastodon).customer_id,
    )
    ben.run(ben.ui.customers.history_loaded())
    assert any("My parcel never came" in line for line in _history(ben)), _history(ben)


def test_tags_reach_the_rows_complete_and_filter(
    live_server: LiveServer, console_factory: Factory, qtbot: QtBot
) -> None:
    tag = uuid.uuid4().hex[:6]
    _, ana_token = live_server.create_user(f"tg-ana-{tag}")
    _, ben_token = live_server.create_user(f"tg-ben-{tag}")
    ana = console_factory(live_server.base_url, ana_token)
    ben = console_factory(live_server.base_url, ben_token)
    first = _post(live_server, f"tg-1-{tag}", f"@a{tag}", "Refund please")
    second = _post(live_server, f"tg-2-{tag}", f"@b{tag}", "Where is my order")
    for console in (ana, ben):
        _has_row(console, second)
    _show(ana, first)
    field = ana.ui.customers._panel.tags_field
    field.setFocus()
    qtbot.keyClicks(field, f"Refund{tag}, VIP")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    ana.wait_until(
        ana.bridge.rowsChanged, lambda: ana.session.row(first).tags == (f"refund{tag}", "vip")
    )
    ben.wait_until(
        ben.bridge.rowsChanged, lambda: ben.session.row(first).tags == (f"refund{tag}", "vip")
    )

    # Ben's tag field completes from the tags in use.
    _show(ben, second)
    ben_panel = ben.ui.customers._panel
    ben_panel.tags_field.setFocus()
    qtbot.keyClicks(ben_panel.tags_field, "ref")
    offered = ben_panel.tags_field.offered
    ben.wait_until(ben.ui.customers.tagsOffered, lambda: f"refund{tag}" in offered.stringList())
    ben_panel.tags_field.complete_with(f"refund{tag}")
    assert ben_panel.tags_field.text() == f"refund{tag}, "
    qtbot.keyClick(ben_panel.tags_field, Qt.Key.Key_Return)
    ben.wait_until(
        ben.bridge.rowsChanged, lambda: ben.session.row(second).tags == (f"refund{tag}",)
    )

    # The tag filter narrows Ana's stream to the tagged mentions.
    stream = ana.ui.stream
    ana.wait_until(ana.bridge.rowsChanged, lambda: ana.session.row(second).tags != ())
    stream.model.flush()
    filter_bar = stream.filter_bar
    filter_bar.tag_box.setText("VIP")
    ana.wait_until(
        filter_bar.narrowingChosen, lambda: stream.proxy.stream_filter.narrowing.tag == "vip"
    )
    shown = {stream.proxy.row_at(r).id for r in range(stream.proxy.rowCount())}
    assert first in shown
    assert second not in shown
    filter_bar.tag_box.setText(f"REFUND{tag}")
    ana.wait_until(
        filter_bar.narrowingChosen,
        lambda: stream.proxy.stream_filter.narrowing.tag == f"refund{tag}",
    )
    shown = {stream.proxy.row_at(r).id for r in range(stream.proxy.rowCount())}
    assert shown == {first, second}


def test_tags_queue_in_the_outbox_offline(
    live_server: LiveServer, link: NetworkCut, console_factory: Factory
) -> None:
    tag = uuid.uuid4().hex[:6]
    _, token = live_server.create_user(f"tq-ana-{tag}")
    ana = console_factory(link.base_url, token)
    mention_id = _post(live_server, f"tq-1-{tag}", f"@q{tag}", "Hello there")
    _has_row(ana, mention_id)
    link.cut()
    ana.wait_until(
        ana.bridge.connectionChanged, lambda: ana.session.state is ConnectionState.OFFLINE
    )
    outcome = ana.run(ana.session.set_tags(mention_id, ["Late", "late", "parcel"]))
    assert outcome.result is ActionResult.QUEUED, outcome.message
    assert "tagging" in outcome.message
    assert ana.session.row(mention_id).tags == ("late", "parcel")  # shown meanwhile
    assert [e.kind for e in ana.session.outbox_entries] == [ActionKind.TAG]
    link.connect()
    ana.session.reconnect_now()
    ana.wait_until(ana.bridge.outboxChanged, lambda: not ana.session.outbox_entries)
    mention = live_server.get(f"/api/v1/mentions/{mention_id}")
    assert mention["tags"] == ["late", "parcel"]


def test_saved_views_are_tabs_that_follow_the_person(
    live_server: LiveServer, console_factory: Factory
) -> None:
    tag = uuid.uuid4().hex[:6]
    _, token = live_server.create_user(f"sv-ana-{tag}")
    ana = console_factory(live_server.base_url, token)
    stream, bar = ana.ui.stream, ana.ui.stream.filter_bar
    desk = ana.ui.saved_views
    ana.run(desk.load())
    base = bar.tabs.count()
    stream.set_filter_mode(FilterMode.ALL)
    bar.tag_box.setText("Refund")
    bar.search.setText("parcel")
    stream.apply_filter()
    outcome = ana.run(desk.save("Refunds"))
    assert outcome.ok, outcome.message
    assert bar.tabs.count() == base + 1
    assert bar.tabs.tabText(base) == "Refunds"
    assert bar.current_view() == outcome.view.id

    # Elsewhere, then back to the view: its filters come back.
    stream.set_filter_mode(FilterMode.UNASSIGNED)
    bar.tag_box.setText("")
    bar.search.setText("")
    stream.apply_filter()
    assert bar.current_view() is None
    assert bar.show_view(outcome.view.id)
    assert bar.mode() is FilterMode.ALL
    assert stream.proxy.stream_filter.narrowing.tag == "refund"
    assert bar.search_text() == "parcel"

    # Another console of the same person has the view; renaming and deleting are kept.
    other = console_factory(live_server.base_url, token)
    other.run(other.ui.saved_views.load())
    assert other.ui.stream.filter_bar.tabs.tabText(base) == "Refunds"
    assert ana.run(desk.rename(outcome.view.id, "Money back")).ok
    assert bar.tabs.tabText(base) == "Money back"
    assert bar.current_view() == outcome.view.id
    assert not ana.run(desk.save("money BACK")).ok  # one name, one view
    assert ana.run(desk.delete(outcome.view.id)).ok
    assert bar.tabs.count() == base
    assert bar.current_view() is None
    other.run(other.ui.saved_views.load())
    assert other.ui.stream.filter_bar.tabs.count() == base


def test_a_manager_fixes_a_teams_tag_list(
    live_server: LiveServer,
    console_factory: Factory,
    team_console_factory: Callable[[str, str], TeamTestConsole],
) -> None:
    tag = uuid.uuid4().hex[:6]
    team = f"tl-{tag}"
    live_server.create_user(f"tl-boss-{tag}", role="manager", teams=[team])
    _, boss_token = live_server.create_user(f"tl-boss2-{tag}", role="manager", teams=[team])
    _, rep_token = live_server.create_user(f"tl-rep-{tag}", teams=[team])
    boss = team_console_factory(live_server.base_url, boss_token)
    rep = console_factory(live_server.base_url, rep_token)
    menu = boss.ui.tag_lists
    assert menu is not None
    assert menu.action.isVisible()
    dialog = boss.inside(menu.open)
    boss.run(asyncio.gather(*dialog.running))
    dialog.team_box.setCurrentIndex(dialog.team_box.findText(team))
    boss.run(asyncio.gather(*dialog.running))
    dialog.tags_edit.setPlainText("Refund\nInvoice, delivery")
    dialog.fixed.setChecked(True)
    assert boss.run(dialog.save())
    assert dialog.tags_edit.toPlainText() == "refund\ninvoice\ndelivery"
    assert "fixed list (3)" in dialog.status.text()

    # The rep's tags are held to the list: one outside is refused by name, kept ones go.
    mention_id = _post(live_server, f"tl-1-{tag}", f"@t{tag}", "Invoice wrong")
    _has_row(rep, mention_id)
    refused = rep.run(rep.session.set_tags(mention_id, ["refund", "angry"]))
    assert refused.result is ActionResult.FAILED
    assert "“angry”" in refused.message
    done = rep.run(rep.session.set_tags(mention_id, ["refund"]))
    assert done.result is ActionResult.DONE, done.message
    assert rep.session.row(mention_id).tags == ("refund",)
