"""The dark look: Fusion with a dark palette, and check box and radio button outlines drawn
visible on it (Fusion derives them from the window colour made darker, as dark as the box).

Imported by :mod:`~align_studio.ui.shell.theme` only when dark is drawn (see there why).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

#: The dark palette: text fields and lists a shade lighter than the window (their edges
#: show), a blue selection, and muted text for disabled controls and placeholders.
DARK_COLOURS = {
    QPalette.ColorRole.Window: "#26282c", QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#303338", QPalette.ColorRole.AlternateBase: "#2b2e33",
    QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#383b41",
    QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#3d6fd9", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#1e1f22", QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a8d93", QPalette.ColorRole.Link: "#7aa2ff",
    QPalette.ColorRole.LinkVisited: "#b48cff", QPalette.ColorRole.Light: "#55585f",
    QPalette.ColorRole.Midlight: "#44474e", QPalette.ColorRole.Mid: "#4a4d54",
    QPalette.ColorRole.Dark: "#151618", QPalette.ColorRole.Shadow: "#0b0b0c",
}
#: Text and icons of disabled controls.
DARK_DISABLED = "#7c7f86"
#: The outline drawn around check boxes and radio buttons on a dark window.
INDICATOR_OUTLINE = "#9a9da4"


def dark_palette() -> QPalette:
    """The palette of the dark look."""
    pal = QPalette()
    for role, colour in DARK_COLOURS.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText, QPalette.ColorRole.PlaceholderText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(DARK_DISABLED))
    return pal



class DarkStyle(QProxyStyle):
    """Fusion, with the outline of check boxes and radio buttons visible on dark."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
                           QStyle.PrimitiveElement.PE_IndicatorRadioButton):
            return
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)  # type: ignore[attr-defined]
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -1.5, -1.5)  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        colour = QColor(INDICATOR_OUTLINE if enabled else DARK_DISABLED)
        painter.setPen(QPen(colour, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 1.5, 1.5)
        painter.restore()
