"""Light or dark: the app follows the system's colour scheme, or the choice in Settings.

The system's scheme comes from Qt's style hints (``QStyleHints.colorScheme()``, and
``colorSchemeChanged`` while the app runs). Dark is drawn with the Fusion style and a dark
palette, the same on every platform; light is the platform's own style and palette, as
the app started with. ``ALIGN_STUDIO_DARK=1`` (or ``0``) still forces dark (or light),
above the setting: screenshots and eyes-on checks use it.

Fusion derives a check box's or radio button's outline from the window colour made darker,
which on a dark window is as dark as the box itself: an unchecked box was invisible. The
dark style draws their outline in a light grey on top (:class:`_DarkStyle`).
"""

from __future__ import annotations

import enum
import os

from PySide6.QtCore import QObject, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

from align_studio.ui.shell.settings import text_setting

#: Set to 1 to force the dark look (0: the light one), whatever Settings say.
DARK_ENV = "ALIGN_STUDIO_DARK"
#: Where the choice is kept in the app's settings.
THEME_KEY = "appearance/theme"


class Theme(enum.StrEnum):
    """The choices offered in Settings → Appearance."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"

    @property
    def label(self) -> str:
        """The word shown in Settings."""
        return {"system": "Follow the system", "light": "Light", "dark": "Dark"}[self.value]


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


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def wants_dark(choice: Theme, scheme: Qt.ColorScheme, env: str | None) -> bool:
    """Whether to draw dark: the environment variable, else the choice, else the system."""
    if env in ("0", "1"):
        return env == "1"
    if choice is Theme.SYSTEM:
        return scheme == Qt.ColorScheme.Dark
    return choice is Theme.DARK


def chosen_theme(settings: QSettings) -> Theme:
    """The choice kept in Settings (System when unset or unknown)."""
    value = text_setting(settings, THEME_KEY)
    return Theme(value) if value in {t.value for t in Theme} else Theme.SYSTEM


class _DarkStyle(QProxyStyle):
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


class ThemeKeeper(QObject):
    """Applies the chosen look to the app and, for "system", follows the system's scheme.

    One per application (:func:`theme_keeper`); it remembers the style and palette the app
    started with, to go back to them for light.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("align-studio-theme")
        self.app = app
        style = app.style()
        self._light_style = (style.name() if style is not None else "") or "fusion"
        self._light_palette = QPalette(app.palette())
        self.choice = Theme.SYSTEM
        #: Whether the dark look is shown.
        self.dark = False
        self._forced_light = False
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_changed)

    def apply(self, choice: Theme, scheme: Qt.ColorScheme | None = None) -> None:
        """Use ``choice`` from now on (at once, every open window); ``scheme`` is the
        system's (read from Qt's style hints when not given)."""
        self.choice = choice
        env = os.environ.get(DARK_ENV)
        if scheme is None:
            scheme = QGuiApplication.styleHints().colorScheme()
        dark = wants_dark(choice, scheme, env)
        # Light by choice is light even where the platform's own palette is dark; light
        # because the system says so (or says nothing) is whatever the platform draws.
        self._show(dark, force_light=env == "0" or (env != "1" and choice is Theme.LIGHT))

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice is Theme.SYSTEM:
            self.apply(Theme.SYSTEM, scheme)

    def _show(self, dark: bool, force_light: bool) -> None:
        if dark:
            if not self.dark:
                self.app.setStyle(_DarkStyle("Fusion"))
                self.app.setPalette(dark_palette())
                self.dark, self._forced_light = True, False
            return
        if self.dark or (self._forced_light and not force_light):
            self.app.setStyle(self._light_style)
            self.app.setPalette(self._light_palette)
            self.dark = self._forced_light = False
        if force_light and is_dark(self.app.palette()):
            self.app.setStyle("Fusion")
            self.app.setPalette(QPalette(QColor("#efefef")))  # Qt derives the other roles
            self._forced_light = True


def theme_keeper(app: QApplication) -> ThemeKeeper:
    """The app's :class:`ThemeKeeper` (made on first use)."""
    keeper = app.findChild(ThemeKeeper, "align-studio-theme",
                           Qt.FindChildOption.FindDirectChildrenOnly)
    return keeper if isinstance(keeper, ThemeKeeper) else ThemeKeeper(app)


def apply_theme(app: QApplication, choice: Theme) -> ThemeKeeper:
    """Draw the app as ``choice`` says (and keep following the system for "system")."""
    keeper = theme_keeper(app)
    keeper.apply(choice)
    return keeper
