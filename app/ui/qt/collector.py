"""Python's cycle collector, run on the GUI thread between events.

Windows, dialogs and panels are often freed only by the *cyclic* collector (a slot that captures
its owner makes a cycle). Left to itself, the collector runs whenever an allocation trips its
threshold: on a worker thread, or in the middle of Qt dispatching an event to the very widget
tree it is freeing, which crashes the process. `GuiThreadCollector` turns the automatic collector
off and runs the same generational collections from a timer on the GUI thread instead, where
nothing else is being dispatched."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Hand collection back to Python (as it was before `start`)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def check(self) -> int:
        """Collect the oldest generation whose count passed its threshold, as Python would;
        return the generation collected, or -1 when none was due."""
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return generation
        return -1
