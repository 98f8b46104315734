"""Palette-aware colours: hues mixed into the palette, so dark mode keeps working."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

ACCEPT_HUE = QColor(46, 160, 67)
REJECT_HUE = QColor(207, 34, 46)
WARNING_HUE = QColor(210, 153, 34)
PENDING_HUE = QColor(84, 132, 210)


def tint(palette: QPalette, hue: QColor, amount: float = 0.22,
         role: QPalette.ColorRole = QPalette.ColorRole.Base) -> QColor:
    """``hue`` mixed into the palette colour of ``role``, so dark mode keeps working."""
    base = palette.color(role)
    a = max(0.0, min(1.0, amount))
    return QColor.fromRgbF(base.redF() * (1 - a) + hue.redF() * a,
                           base.greenF() * (1 - a) + hue.greenF() * a,
                           base.blueF() * (1 - a) + hue.blueF() * a)
