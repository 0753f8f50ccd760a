"""After a restart the window shows the reply the rep left counting down: the composer core
names its mention (`ComposerService.resumed_mention`), the window selects it, so the countdown
is on screen with Edit, Cancel and Send now."""

from __future__ import annotations

from app.client.composer.service import ComposerService
from app.ui.shell.main_window import MainWindow


def select_resumed_reply(window: MainWindow, composer: ComposerService) -> int | None:
    """Select the mention whose reply survived the restart (once the cached stream is
    loaded); returns its id, or None when there is none or it is not in the cache."""
    mention_id = composer.resumed_mention()
    if mention_id is None or not window.open_mention(mention_id):
        return None
    return mention_id
