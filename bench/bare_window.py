"""The baseline of bench_startup.py: a QApplication and an empty QMainWindow, nothing else.
Prints the wall-clock time of the window's first Expose (as the console's app/desktop/startup.py
logs its own), then runs until it is terminated."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstExpose(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        handle = self._window.windowHandle()
        if event.type() == QEvent.Type.Expose and handle is not None and handle.isExposed():
            print(f"bare window on the screen [at {time.time():.3f}]", flush=True)
            watched.removeEventFilter(self)
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare PySide6 window")
    window.resize(1280, 780)
    window.show()
    handle = window.windowHandle()
    assert handle is not None
    handle.installEventFilter(FirstExpose(window))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
