"""The storm banner: the biggest open storm in one line — "Storm on @brand: 240 mentions an
hour, 6× usual — #outage, “app down”" — with "Open storm view" and "Dismiss". Dismissed, it
stays hidden until a storm starts or grows; it hides by itself when no storm is open."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from app.client.team import storm_words as words
from app.models.storm_schemas import StormPublic
from app.ui.qt.banner import Banner
from app.ui.qt.theme import Role


class StormBanner(Banner):
    openRequested = Signal(int)  # the storm the banner shows

    def __init__(self) -> None:
        super().__init__("storm", Role.STORM_BANNER, Role.STORM_BANNER_TEXT, words.OPEN_STORM_VIEW)
        self.setAccessibleDescription("Storm alert: a spike of volume or anger")
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.dismiss_button = QPushButton(words.DISMISS)
        row = self.layout()
        assert isinstance(row, QHBoxLayout)
        row.addWidget(self.dismiss_button)
        self.storms: list[StormPublic] = []
        self.dismissed: set[tuple[int, int]] = set()  # (storm id, its count when dismissed)
        self.button.clicked.connect(self._open)
        self.dismiss_button.clicked.connect(self.dismiss)

    def show_storms(self, storms: list[StormPublic]) -> None:
        """The open storms, biggest first; shown unless the user dismissed them as they are."""
        self.storms = list(storms)
        if not storms:
            self.hide()
            return
        if all((s.id, s.count) in self.dismissed or self._dismissed_before(s) for s in storms):
            self.hide()
            return
        self.say(words.banner_words(storms))

    def _dismissed_before(self, storm: StormPublic) -> bool:
        """Dismissed, and not grown by half since (a growing storm asks again)."""
        counts = [count for storm_id, count in self.dismissed if storm_id == storm.id]
        return bool(counts) and storm.count < max(counts) * 1.5

    def alert(self, storm: StormPublic) -> None:
        """A storm started or grew (managers): the banner shows again."""
        self.dismissed = {d for d in self.dismissed if d[0] != storm.id}
        self.show_storms(self.storms)

    def dismiss(self) -> None:
        self.dismissed |= {(s.id, s.count) for s in self.storms}
        self.hide()

    def _open(self) -> None:
        if self.storms:
            self.openRequested.emit(self.storms[0].id)
