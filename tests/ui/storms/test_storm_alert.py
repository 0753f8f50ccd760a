"""A storm reaches a manager's console: the banner says it in one line, a desktop notification
tells her at once, the tray's icon (a purple diamond with a bolt) and tooltip show it, and the
storm view opens from the banner, the View menu and the tray with the storm's rate, what rose,
its counts and groups. Strangers' words (phrases, names, samples) show as text, never markup.

The storm arrives as the server announces it (a `storm.alert` event's payload, StormPublic)
into a console connected to a real server."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from app.client.team import storm_words as words
from app.models.enums import EventType, StormState
from app.models.schemas import EventPublic
from app.models.storm_schemas import StormProgress, StormPublic
from app.ui.shell.actions import Action
from app.ui.team.tray import coverage_pixmap
from tests.client.team.storm_samples import NOW, sample_storm
from tests.support.live_server import LiveServer, mention_json
from tests.ui.team_harness import TeamTestConsole

Factory = Callable[[str, str], TeamTestConsole]

HOSTILE = '<img src="file:///etc/passwd"><b>app down</b>'


def _announce(console: TeamTestConsole, storm: StormPublic, alert: str, event_id: int) -> None:
    """The server's storm.alert, as the event stream hands it to the session."""
    event = EventPublic(
        id=event_id,
        type=EventType.STORM_ALERT,
        at=NOW,
        payload={"storm": storm.model_dump(mode="json"), "alert": alert},
    )
    console.inside(lambda: console.session.event_received.emit(event))


def test_a_storm_alert_shows_the_banner_a_notification_and_the_tray_mark(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, boss_token = live_server.create_user("st-boss", role="manager")
    boss = team_console_factory(live_server.base_url, boss_token)
    team = boss.team
    assert team.storm_banner.isHidden()
    assert not team.remote.storms
    calm_icon = coverage_pixmap(team.remote.level).toImage()

    storm = sample_storm(90_001, account="<b>@brand</b>", phrase=HOSTILE, sample=HOSTILE)
    _announce(boss, storm, "started", 10**9)

    banner = team.storm_banner
    assert banner.isVisible()
    assert banner.label.text() == words.headline(storm)
    assert banner.label.textFormat() is Qt.TextFormat.PlainText
    assert HOSTILE in banner.label.text()  # literally, tags and all
    assert banner.button.text() == words.OPEN_STORM_VIEW
    # The desktop notification (recorded where offscreen has no tray).
    title = words.alert_title(storm, "started")
    assert title == "Storm started on <b>@brand</b>"
    assert title in boss.window.notifier.alerts_shown
    # The tray: a storm's mark in the icon, its line in the tooltip, an entry in the menu.
    remote = team.remote
    assert [s.id for s in remote.storms] == [storm.id]
    assert remote.icon_for(0).pixmap(64, 64).toImage() != calm_icon
    assert coverage_pixmap(remote.level, storm=True).toImage() != calm_icon
    assert words.tray_line([storm]) in remote.tooltip(0)
    assert remote.storm_action in boss.window.notifier.menu.actions()

    # Dismissed, the banner stays away until the storm grows.
    boss.inside(banner.dismiss)
    assert banner.isHidden()
    grown = storm.model_copy(update={"count": storm.count * 2})
    _announce(boss, grown, "grew", 10**9 + 1)
    assert banner.isVisible()
    assert "Storm is growing on <b>@brand</b>" in boss.window.notifier.alerts_shown

    # Over: off the banner and the tray.
    over = grown.model_copy(update={"state": StormState.OVER, "over_at": NOW})
    _announce(boss, over, "over", 10**9 + 2)
    assert banner.isHidden()
    assert not remote.storms
    assert "Storm is over on <b>@brand</b>" in boss.window.notifier.alerts_shown


def test_the_storm_view_opens_from_banner_menu_and_tray_and_renders_the_storm(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, boss_token = live_server.create_user("sv-boss", role="manager")
    ids = live_server.ingest(
        [
            mention_json("sv-1", "The app is down again"),
            mention_json("sv-2", "App down for me too <script>alert(1)</script>"),
            mention_json("sv-3", "#outage in Berlin?"),
        ]
    )
    boss = team_console_factory(live_server.base_url, boss_token)
    base = sample_storm(90_002, phrase=HOSTILE, sample=HOSTILE, count=3)
    groups = [
        base.groups[0].model_copy(update={"mention_ids": ids[:2], "count": 2}),
        base.groups[1].model_copy(update={"mention_ids": ids[2:], "count": 1}),
    ]
    storm = base.model_copy(update={"mention_ids": ids, "groups": groups, "open": 3})
    boss.wait_until(boss.bridge.rowsChanged, lambda: boss.session.row(ids[-1]) is not None)
    _announce(boss, storm, "started", 2 * 10**9)
    view = boss.team.storm_view
    assert not view.isVisible()

    boss.inside(boss.team.storm_banner.button.click)  # "Open storm view"
    assert view.isVisible()
    assert view.storm is not None
    assert view.storm.id == storm.id
    assert view.headline.text() == words.headline(storm)
    assert view.headline.textFormat() is Qt.TextFormat.PlainText
    assert "240 mentions an hour, 6× usual (usually 40 an hour)" in view.rate.text()
    assert HOSTILE in view.rose.text()
    assert view.rose.textFormat() is Qt.TextFormat.PlainText
    assert view.networks.text() == "mastodon 90 · bluesky 30"
    assert view.languages.text() == "en 100 · de 20"
    assert view.owner.text() == "Nobody has claimed it yet"
    # Groups: the whole storm first, then each group with its count and sample.
    texts = [view.groups.item(i).text() for i in range(view.groups.count())]
    assert texts[0] == f"{words.WHOLE_STORM} (3)"
    assert texts[1] == f"{HOSTILE} (2) — “{HOSTILE}”"
    assert view.group_mentions.count() == 3
    boss.inside(lambda: view.choose_group(1))
    listed = [view.group_mentions.item(i).text() for i in range(view.group_mentions.count())]
    assert len(listed) == 2
    assert "<script>alert(1)</script>" in listed[1]  # a stranger's text, literally
    # A double-click (activation) opens the mention in the stream.
    boss.inside(lambda: view.group_mentions.itemActivated.emit(view.group_mentions.item(1)))
    assert boss.window.selected_row() is not None
    assert boss.window.selected_row().id == ids[1]  # type: ignore[union-attr]
    # The statement would go to the group's two customers; its preview names one of them.
    panel = view.statement
    assert panel.send_button.text() == "Send to 2 customers"
    boss.inside(lambda: panel.editor.setPlainText("Hi {name}, we are on it."))
    assert panel.preview.text() == "Hi A Customer, we are on it."
    assert panel.preview_title.text() == "As A Customer will read it:"
    assert panel.warnings.isHidden()
    # Too long for Mastodon (500) once personalised and addressed: said before sending.
    boss.inside(lambda: panel.editor.setPlainText("Hi {name}, " + "sorry " * 80))
    assert panel.warnings.isVisibleTo(panel)
    assert panel.warnings.text().startswith("Too long for Mastodon by ")
    assert "(limit 500; 2 customers there)" in panel.warnings.text()
    boss.inside(lambda: panel.editor.setPlainText("Hi {name}, we are on it."))
    # Managers may claim for a person or a team; the statement is ticked to tell the team.
    assert view.claim_person.isVisibleTo(view)
    assert view.claim_team.isVisibleTo(view)
    assert panel.broadcast.isChecked()
    # Nobody is chosen to claim for until the manager chooses.
    assert view.people.currentText() == words.CHOOSE_PERSON
    assert not view.claim_person.isEnabled()
    assert not view.claim_team.isEnabled()
    # While a statement goes out, no second one is offered to the same customers.
    going = StormProgress(
        storm_id=storm.id, total=2, queued=1, sending=0, sent=1, failed=0, next_at=None
    )
    boss.inside(lambda: panel.show_progress(going))
    assert panel.send_button.text() == words.STATEMENT_GOING
    assert not panel.send_button.isEnabled()
    assert panel.progress_label.text() == "1 of 2 sent"
    done = going.model_copy(update={"queued": 0, "sent": 2})
    boss.inside(lambda: panel.show_progress(done))
    assert panel.send_button.isEnabled()
    assert panel.progress_label.text() == "All 2 sent"
    assert view.group_id() == 1

    boss.inside(view.hide)
    boss.inside(boss.window.action(Action.STORM_VIEW).trigger)
    assert view.isVisible()
    boss.inside(view.hide)
    boss.inside(boss.team.remote.storm_action.trigger)
    assert view.isVisible()

    # The team's statement, once one went out, waits in an empty box for my share of the
    # storm's customers (the broadcast said the same); what I began to write is never replaced.
    said = "Hi {name}, the app is back within the hour."
    boss.inside(lambda: panel.editor.setPlainText(""))
    _announce(boss, storm.model_copy(update={"statement": said}), "grew", 2 * 10**9 + 1)
    boss.inside(lambda: view.show_storm(boss.team.storms.board.storm(storm.id)))
    assert panel.text() == said
    boss.inside(lambda: panel.editor.setPlainText("My own words"))
    boss.inside(lambda: view.show_storm(storm.model_copy(update={"statement": said})))
    assert panel.text() == "My own words"
