"""`--screenshot PATH`: wait until the stream has loaded (or the cache, when offline), show the
first mention's detail and save the main window as a PNG, for reviewing the UI without a
screen."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from app.ui.qt.async_slots import deliver_pending_events
from app.ui.shell.build import ConsoleUi
from app.ui.stream.filter import FilterMode

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT = 60.0


async def take_screenshot(
    ui: ConsoleUi, path: Path, done: asyncio.Event, *, wait_for_rows: float
) -> None:
    """Wait for the stream (synced, or the cache when offline), show the first mention's
    detail, save a PNG. `wait_for_rows`: how long an empty stream may take to fill (demo)."""
    try:
        session, stream, window = ui.session, ui.stream, ui.window
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(session.synced.wait(), SCREENSHOT_TIMEOUT)
        if session.row_count == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(stream.loaded), wait_for_rows)
        stream.model.flush()
        if stream.proxy.rowCount() == 0 and stream.model.rowCount() > 0:
            stream.set_filter_mode(FilterMode.ALL)
        if stream.proxy.rowCount() > 0:
            stream.view.selectRow(0)
            await stream.detail_loaded()
            if ui.composer is not None:
                await ui.composer.opened()  # its draft loads before the picture
        await deliver_pending_events()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(path)):
            log.error("could not write the screenshot to %s", path)
    finally:
        done.set()
