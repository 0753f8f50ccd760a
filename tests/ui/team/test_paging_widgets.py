"""The paging widgets on their own (offscreen, from the wire schemas): the page banner says what
arrived and offers its mentions and both acknowledgements; the tray's page entries follow it;
the "My paging…" dialog checks what it can before asking and keeps everything on a refusal;
the on-call order editor moves people and goes back to the rota; the tray icon marks a page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QMenu

from app.client.team import paging_words as words
from app.models.enums import PageState
from app.models.on_call_schemas import (
    OnCallPublic,
    PagedMention,
    PagePublic,
    PagingPublic,
    PagingUpdate,
    QuietHours,
)
from app.models.schemas import UserRef
from app.ui.qt import theme
from app.ui.qt.theme import Role
from app.ui.team.on_call_dialog import OnCallDialog
from app.ui.team.page_banner import PageBanner
from app.ui.team.page_remote import PageRemote
from app.ui.team.paging_dialog import PagingDialog
from app.ui.team.tray import coverage_pixmap

SENT = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
ANA, BO, CY = UserRef(id=1, name="Ana"), UserRef(id=2, name="Bo"), UserRef(id=3, name="Cy")


def page(page_id: int = 7, *, count: int = 4, state: PageState = PageState.WAITING) -> PagePublic:
    return PagePublic(
        id=page_id,
        team="support",
        user=BO,
        step=1,
        state=state,
        sent_at=SENT,
        escalates_at=SENT + timedelta(minutes=5),
        mentions=[
            PagedMention(id=12, author="@dana", excerpt="My child got hurt & nobody answers"),
            PagedMention(id=13, author="@eli", excerpt="Lawsuit coming " * 10),
        ],
        count=count,
        text="You are paged…",
    )


def test_the_banner_says_what_arrived_and_offers_both_acknowledgements(qapp: object) -> None:
    banner = PageBanner()
    asked: list[tuple[int, bool]] = []
    opened: list[int] = []
    banner.acknowledgeRequested.connect(lambda i, w: asked.append((i, w)))
    banner.openRequested.connect(opened.append)

    banner.show_page(page(), 1, on_duty=False)
    assert not banner.isHidden()
    assert banner.title.text() == "You are paged (support): 4 urgent mentions, nobody on duty"
    assert "passes on to the next on-call person at" in banner.deadline.text()
    assert "1 more page(s) wait" in banner.deadline.text()
    # The mentions it names, each a button that opens it; "&" shown as written.
    texts = [b.text() for b in banner.mention_buttons]
    assert texts[0] == "#12 @dana: My child got hurt && nobody answers"
    assert texts[1].endswith("…")
    assert len(texts[1]) < 100
    banner.mention_buttons[1].click()
    assert opened == [13]

    banner.watch_button.click()
    assert asked == [(7, True)]
    assert not banner.acknowledge_button.isEnabled()  # until the server answers
    banner.enable()
    banner.acknowledge_button.click()
    assert asked == [(7, True), (7, False)]

    # On duty already: only "Acknowledge".
    banner.show_page(page(), 0, on_duty=True)
    assert banner.watch_button.isHidden()
    assert not banner.acknowledge_button.isHidden()
    banner.show_page(None, on_duty=True)
    assert banner.isHidden()


def test_the_tray_entries_show_only_while_a_page_waits(qapp: object) -> None:
    menu = QMenu()
    menu.addAction("Show the console")
    menu.addAction("Quit")
    remote = PageRemote(menu)
    asked: list[tuple[int, bool]] = []
    remote.acknowledgeRequested.connect(lambda i, w: asked.append((i, w)))
    visible = [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]
    assert visible == ["Show the console", "Quit"]

    remote.show_page(page(), on_duty=False)
    visible = [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]
    assert visible[:3] == [
        "⚑ You are paged (support): 4 urgent mentions, nobody on duty",
        words.TRAY_ACKNOWLEDGE_AND_GO_ON_DUTY,
        words.TRAY_ACKNOWLEDGE,
    ]
    remote.watch_action.trigger()
    remote.acknowledge_action.trigger()
    assert asked == [(7, True), (7, False)]
    remote.show_page(page(), on_duty=True)
    assert not remote.watch_action.isVisible()
    remote.show_page(None, on_duty=True)
    assert not remote.acknowledge_action.isVisible()


def test_my_paging_checks_the_times_and_keeps_what_was_typed_on_a_refusal(qapp: object) -> None:
    dialog = PagingDialog()
    saved: list[PagingUpdate] = []
    dialog.saveRequested.connect(saved.append)
    assert not dialog.save_button.isEnabled()  # loading
    dialog.show_settings(
        PagingPublic(
            urls=["mailto://example.com/…"],
            quiet_hours=None,
            time_zone="Europe/Paris",
            quiet_now=False,
        )
    )
    assert dialog.urls.item(0).text() == "mailto://example.com/…"
    assert not dialog.new_urls.isEnabled()

    dialog.quiet.setChecked(True)
    dialog.quiet_start.setText("25:00")
    dialog.save_button.click()
    assert saved == []
    assert dialog.problem.text() == "The quiet hours' start time '25:00' is not a time like 22:00."

    dialog.quiet_start.setText("7:30")  # a short hour is fine
    dialog.quiet_end.setText("06:00")
    dialog.save_button.click()
    assert saved[-1] == PagingUpdate(
        urls=["mailto://example.com/…"],  # shown masked: sent back, the server keeps it
        quiet_hours=QuietHours(start="07:30", end="06:00"),
        time_zone="Europe/Paris",
    )
    assert not dialog.save_button.isEnabled()  # until the server answers
    dialog.show_problem("The server cannot be reached.")
    assert dialog.save_button.isEnabled()

    dialog.replace.setChecked(True)
    dialog.new_urls.setPlainText("json://hooks.example.com/page\n\nnot a url\n")
    dialog.save_button.click()
    assert saved[-1].urls == ["json://hooks.example.com/page", "not a url"]
    dialog.show_problem("Not saved: Paging URL 2 is not one the notifier understands.")
    assert dialog.problem.text().startswith("Not saved: Paging URL 2")
    # Nothing lost: the URLs typed, the quiet hours and the zone are all still there.
    assert "not a url" in dialog.new_urls.toPlainText()
    assert dialog.quiet_start.text() == "7:30"
    assert dialog.time_zone.text() == "Europe/Paris"
    assert dialog.save_button.isEnabled()


def test_the_on_call_order_moves_people_and_goes_back_to_the_rota(qapp: object) -> None:
    on_call = OnCallPublic(
        team_id=1, team="support", order=[ANA, BO], source="rota", escalate_after_minutes=5
    )
    dialog = OnCallDialog(on_call, [ANA, BO, CY])
    sent: list[tuple[list[int], int]] = []
    dialog.saveRequested.connect(lambda ids, minutes: sent.append((ids, minutes)))
    assert dialog.follows_rota.isChecked()
    assert not dialog.order.isEnabled()
    assert not dialog.up_button.isEnabled()
    assert "when an urgent mention of support arrives" in dialog.heading.text()
    assert dialog.minutes.value() == 5

    dialog.manual.setChecked(True)
    assert dialog.order_ids() == [1, 2]  # the rota's order to start from
    assert [dialog.person.itemText(i) for i in range(dialog.person.count())] == ["Cy"]
    dialog.add_selected_person()
    dialog.order.setCurrentRow(2)
    dialog.move_current(-1)
    dialog.move_current(-1)
    assert dialog.order_ids() == [3, 1, 2]
    dialog.move_current(-1)  # already first
    assert dialog.order_ids() == [3, 1, 2]
    dialog.order.setCurrentRow(1)
    dialog.remove_current()
    assert dialog.order_ids() == [3, 2]
    dialog.minutes.setValue(10)
    dialog.save_button.click()
    assert sent == [([3, 2], 10)]
    assert not dialog.save_button.isEnabled()
    dialog.show_problem("The on-call order was not saved: user 3 is not a member of support.")
    assert dialog.save_button.isEnabled()
    assert dialog.order_ids() == [3, 2]  # kept as the manager left it

    # Manual on the server; reset to the rota sends an empty order.
    dialog.show_on_call(
        OnCallPublic(
            team_id=1, team="support", order=[CY, BO], source="manual", escalate_after_minutes=5
        )
    )
    assert dialog.manual.isChecked()
    dialog.reset_button.click()
    assert dialog.follows_rota.isChecked()
    assert dialog.note.text() == words.ROTA_AFTER_SAVE
    assert dialog.order_ids() == []  # the manual order is not the rota's: put aside
    dialog.manual.setChecked(True)  # changed her mind: it comes back
    assert dialog.order_ids() == [3, 2]
    dialog.follows_rota.setChecked(True)
    dialog.save_button.click()
    assert sent[-1] == ([], 5)


def test_the_tray_icon_marks_a_waiting_page_by_colour_and_shape(qapp: object) -> None:
    for level in ("covered", "thin", "nobody"):
        plain = coverage_pixmap(level, urgent=2, unread=1).toImage()
        paged = coverage_pixmap(level, urgent=2, unread=1, paged=True).toImage()
        # The bell's body, top left: orange over the coverage shape…
        orange = theme.name(Role.TRAY_PAGE_BADGE).lower()
        assert paged.pixelColor(16, 15).name() == orange
        assert plain.pixelColor(16, 15).name() != orange
        # …and a bell's shape: its rim is wider than its crown.
        crown = sum(paged.pixelColor(x, 6).name() == orange for x in range(32))
        rim = sum(paged.pixelColor(x, 22).name() == orange for x in range(32))
        assert 0 < crown < rim
        # The other marks stay where they were.
        assert paged.pixelColor(48, 14) == plain.pixelColor(48, 14)  # the urgent count
        assert paged.pixelColor(12, 52) == plain.pixelColor(12, 52)  # the unread dot
