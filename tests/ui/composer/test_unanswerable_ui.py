"""A mention no brand account can answer (a webhook mention) in a running console: the
composer says why in plain text, offers "Open on the site" with the mention's link, keeps the
editor open for a draft and does not offer Send."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from tests.support.live_server import LiveServer, mention_json
from tests.ui.composer.test_composer_ui import ComposerHarness, harness, qloop

__all__ = ["harness", "qloop"]

SITE = "https://forum.example.com/t/late-order/42"


def test_a_webhook_mention_is_drafted_here_and_answered_on_the_site(
    harness: ComposerHarness, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = f"wh-{uuid.uuid4().hex[:8]}"
    mention = {**mention_json(handle, "My order is <b>late</b>", network="webhook"), "url": SITE}
    mention_id = live_server.ingest([mention])[0]
    session = harness.console.session
    harness.console.wait_until(
        harness.console.bridge.rowsChanged, lambda: session.row(mention_id) is not None
    )
    harness.open(mention_id)
    panel, presenter = harness.panel, harness.panel.presenter
    assert not presenter.answerable
    assert presenter.unanswerable
    box = panel.unanswerable
    assert box.isVisible()
    assert box.sentence.text() == presenter.unanswerable
    assert box.sentence.textFormat().name == "PlainText"
    assert panel.editor.isEnabled()
    assert not panel.editor.isReadOnly()
    assert not panel.send_bar.send_button.isEnabled()
    assert box.open_button.isEnabled()
    assert box.site_url == SITE == presenter.site_url

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    box.open_button.click()
    assert [url.toString() for url in opened] == [SITE]

    # the rep drafts anyway; Send stays off
    harness.type("Sorry about this, I'm checking now.")
    assert "checking now" in panel.editor.toPlainText()
    assert not panel.send_bar.send_button.isEnabled()
    harness.shot("unanswerable")
