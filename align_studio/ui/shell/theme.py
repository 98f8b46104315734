"""Light or dark: the app follows the system's colour scheme, or the choice in Settings.

The system's scheme comes from Qt's style hints (``QStyleHints.colorScheme()``, and
``colorSchemeChanged`` while the app runs). Dark is drawn with the Fusion style and a dark
palette, the same on every platform; light is the platform's own style and palette, as
the app started with. ``ALIGN_STUDIO_DARK=1`` (or ``0``) still forces dark (or light),
above the setting: screenshots and eyes-on checks use it.

Fusion derives a check box's or radio button's outline from the window colour made darker,
which on a dark window is as dark as the box itself: an unchecked box was invisible. The
dark style draws their outline in a light grey on top (``theme_dark.DarkStyle``).
The dark style and palette live in :mod:`~align_studio.ui.shell.theme_dark`, imported only
when dark is drawn: its classes make PySide set up ~110 enums (QStyle's, QPainter's), about
20 ms that a light first paint does not pay.
"""

from __future__ import annotations

import enum
import os
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from align_studio.ui.shell.settings import text_setting

if TYPE_CHECKING:
    # The Qt namespace is reached only at run time, through QtCore: PySide 6.9 sets up all
    # its ~110 enums on the first touch (~14 ms), which the light first paint never needs.
    from PySide6.QtCore import Qt

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


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def wants_dark(choice: Theme, scheme: Qt.ColorScheme | None, env: str | None) -> bool:
    """Whether to draw dark: the environment variable, else the choice, else the system
    (``scheme``, read only when needed)."""
    if env in ("0", "1"):
        return env == "1"
    if choice is Theme.SYSTEM:
        return scheme == QtCore.Qt.ColorScheme.Dark
    return choice is Theme.DARK


def chosen_theme(settings: QSettings) -> Theme:
    """The choice kept in Settings (System when unset or unknown)."""
    value = text_setting(settings, THEME_KEY)
    return Theme(value) if value in {t.value for t in Theme} else Theme.SYSTEM


class ThemeKeeper(QObject):
    """Applies the chosen look to the app and, for "system", follows the system's scheme.

    One per application (:func:`theme_keeper`); it remembers the style and palette the app
    started with, to go back to them for light.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("align-studio-theme")
        self.app = app
        # The style and palette the app started with, taken just before the first change
        # (copying a palette or naming a style sets up PySide enums: ~20 ms before the
        # first paint, for nothing on a light system).
        self._light: tuple[str, QPalette] | None = None
        self.choice = Theme.SYSTEM
        #: Whether the dark look is shown.
        self.dark = False
        self._forced_light = False
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_changed)

    def apply(self, choice: Theme, scheme: Qt.ColorScheme | None = None, *,
              early: bool = False) -> None:
        """Use ``choice`` from now on (at once, every open window); ``scheme`` is the
        system's (read from Qt's style hints when not given).

        ``early`` (before the window's first paint): for "system", the platform's palette
        says whether the system is dark, as Qt's platform themes follow the system's scheme;
        reading the scheme itself makes PySide set up Qt's ~110 enums (~14 ms). Call
        :meth:`follow_system` after the paint to read it.
        """
        self.choice = choice
        env = os.environ.get(DARK_ENV)
        if early and scheme is None and choice is Theme.SYSTEM and env not in ("0", "1"):
            self._show(self.dark or is_dark(self.app.palette()), force_light=False)
            return
        if scheme is None and choice is Theme.SYSTEM and env not in ("0", "1"):
            scheme = QGuiApplication.styleHints().colorScheme()
        dark = wants_dark(choice, scheme, env)
        # Light by choice is light even where the platform's own palette is dark; light
        # because the system says so (or says nothing) is whatever the platform draws.
        self._show(dark, force_light=env == "0" or (env != "1" and choice is Theme.LIGHT))

    def follow_system(self) -> None:
        """After the first paint: read the system's scheme now (see :meth:`apply`)."""
        if self.choice is Theme.SYSTEM:
            self.apply(Theme.SYSTEM)

    def _remember_light(self) -> tuple[str, QPalette]:
        if self._light is None:
            style = self.app.style()
            self._light = ((style.name() if style is not None else "") or "fusion",
                           QPalette(self.app.palette()))
        return self._light

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice is Theme.SYSTEM:
            self.apply(Theme.SYSTEM, scheme)

    def _show(self, dark: bool, force_light: bool) -> None:
        if dark:
            if not self.dark:
                # ~20 ms of PySide enum set-up (QStyle, QPainter): only when dark is drawn
                from align_studio.ui.shell.theme_dark import DarkStyle, dark_palette

                self._remember_light()
                self.app.setStyle(DarkStyle("Fusion"))
                self.app.setPalette(dark_palette())
                self.dark, self._forced_light = True, False
            return
        if self.dark or (self._forced_light and not force_light):
            style, palette = self._remember_light()
            self.app.setStyle(style)
            self.app.setPalette(palette)
            self.dark = self._forced_light = False
        if force_light and is_dark(self.app.palette()):
            self._remember_light()
            self.app.setStyle("Fusion")
            self.app.setPalette(QPalette(QColor("#efefef")))  # Qt derives the other roles
            self._forced_light = True


def theme_keeper(app: QApplication) -> ThemeKeeper:
    """The app's :class:`ThemeKeeper` (made on first use)."""
    # (findChild's default search: a Qt.FindChildOption would set up Qt's enums early)
    keeper = app.findChild(ThemeKeeper, "align-studio-theme")
    return keeper if isinstance(keeper, ThemeKeeper) else ThemeKeeper(app)


def apply_theme(app: QApplication, choice: Theme, *, early: bool = False) -> ThemeKeeper:
    """Draw the app as ``choice`` says (and keep following the system for "system");
    ``early``: before the first paint (see :meth:`ThemeKeeper.apply`)."""
    keeper = theme_keeper(app)
    keeper.apply(choice, early=early)
    return keeper
