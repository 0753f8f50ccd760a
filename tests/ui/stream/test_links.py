"""Only a valid web address counts as a mention's link: the address comes from outside, and the
desktop would open a local file or another program for other schemes."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.ui.stream.links import has_link, web_link
from tests.ui.rows import make_row


def test_only_web_addresses_are_links(qapp: QObject) -> None:
    assert has_link(make_row(1, url="https://social.example/@c/1"))
    assert has_link(make_row(2, url="http://feed.example/post?id=3"))
    for url in (None, "", "file:///etc/passwd", "javascript:alert(1)", "ssh://host", "https://"):
        assert not has_link(make_row(3, url=url)), url
    link = web_link(make_row(4, url="https://social.example/@c/1"))
    assert link is not None
    assert link.toString() == "https://social.example/@c/1"
