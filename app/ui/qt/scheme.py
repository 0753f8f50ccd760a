"""The console follows the system's light or dark appearance: at start and whenever the system
changes it (QStyleHints.colorScheme / colorSchemeChanged). Where the system asks for dark but
the platform's palette stays light (Fusion without a desktop theme), the console uses its own
dark palette; the theme's roles then take their dark column (theme.is_dark reads the palette).
The rep can also choose light or dark for the console alone (`--color-scheme`)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.qt import theme

_ROLE = QPalette.ColorRole
_GROUP = QPalette.ColorGroup

# The console's dark palette (text on each surface at least 4.5:1: tests/ui/test_theme_contrast).
DARK_PALETTE: dict[QPalette.ColorRole, str] = {
    _ROLE.Window: "#2A2A2A",
    _ROLE.WindowText: "#E8E8E8",
    _ROLE.Base: "#1E1E1E",
    _ROLE.AlternateBase: "#262626",
    _ROLE.Text: "#E8E8E8",
    _ROLE.PlaceholderText: "#A0A0A0",
    _ROLE.Button: "#333333",
    _ROLE.ButtonText: "#E8E8E8",
    _ROLE.BrightText: "#FFFFFF",
    _ROLE.Highlight: "#2F65CA",
    _ROLE.HighlightedText: "#FFFFFF",
    _ROLE.ToolTipBase: "#333333",
    _ROLE.ToolTipText: "#E8E8E8",
    _ROLE.Link: "#8AB4F8",
    _ROLE.LinkVisited: "#C58AF9",
    _ROLE.Light: "#4A4A4A",
    _ROLE.Midlight: "#3C3C3C",
    _ROLE.Mid: "#5A5A5A",
    _ROLE.Dark: "#151515",
    _ROLE.Shadow: "#000000",
}
DARK_DISABLED_TEXT = "#8A8A8A"


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, value in DARK_PALETTE.items():
        palette.setColor(role, QColor(value))
    for role in (_ROLE.WindowText, _ROLE.Text, _ROLE.ButtonText):
        palette.setColor(_GROUP.Disabled, role, QColor(DARK_DISABLED_TEXT))
    return palette


class SchemeFollower(QObject):
    """Keeps the application's palette in step with the wanted scheme, touching it only when
    the platform's own palette does not match (so a desktop theme's palette stays in charge
    of its own changes)."""

    changed = Signal(bool)  # the console is now dark (True) or light

    def __init__(
        self, app: QApplication, chosen: Qt.ColorScheme | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._chosen = chosen
        self._ours: Qt.ColorScheme | None = None  # the scheme of our palette, when in use
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self.system_changed)
        self.apply(chosen if chosen is not None else hints.colorScheme())

    @property
    def dark(self) -> bool:
        return theme.is_dark(self._app.palette())

    def system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._chosen is None:
            self.apply(scheme)

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Dark, light, or (Unknown) whatever the platform's palette is."""
        was_dark = self.dark
        if scheme is not self._ours and self._ours is not None:
            self._app.setPalette(QPalette())  # back to the platform's palette
            self._ours = None
        if scheme is Qt.ColorScheme.Dark and not self.dark:
            self._app.setPalette(dark_palette())
            self._ours = scheme
        elif scheme is Qt.ColorScheme.Light and self.dark:
            self._app.setPalette(self._app.style().standardPalette())
            self._ours = scheme
        if self.dark != was_dark:
            self.changed.emit(self.dark)
