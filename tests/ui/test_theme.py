"""Light, dark or the system's look (issue 16): the choice in Settings is applied at once
and at start-up, the system's colour scheme is followed, ``ALIGN_STUDIO_DARK`` still
overrides, and an unchecked check box or radio button can be seen on dark.

Before: dark only with ``ALIGN_STUDIO_DARK=1``, no choice, the system ignored, and the
edge of an unchecked box stood out from the window by 16 levels of 255 (a radio button by
14; measured with :func:`_edge_contrast` on the old palette): invisible. Now 118 and 109.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QProxyStyle,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.ui.shell.theme import (
    DARK_ENV,
    THEME_KEY,
    Theme,
    apply_theme,
    chosen_theme,
    is_dark,
    theme_keeper,
    wants_dark,
)
from tests.ui.laptop import ROOT

Scheme = Qt.ColorScheme


@pytest.fixture
def app(qapp, monkeypatch) -> Iterator[QApplication]:  # type: ignore[no-untyped-def]
    """The test process's application, back to the system's look afterwards."""
    monkeypatch.delenv(DARK_ENV, raising=False)
    yield qapp
    apply_theme(qapp, Theme.SYSTEM)
    assert not is_dark(qapp.palette())


def test_the_choice_the_system_and_the_environment_variable() -> None:
    assert wants_dark(Theme.SYSTEM, Scheme.Dark, None)
    assert not wants_dark(Theme.SYSTEM, Scheme.Light, None)
    assert not wants_dark(Theme.SYSTEM, Scheme.Unknown, None)
    assert wants_dark(Theme.DARK, Scheme.Light, None)
    assert not wants_dark(Theme.LIGHT, Scheme.Dark, None)
    assert wants_dark(Theme.LIGHT, Scheme.Light, "1")  # the override wins
    assert not wants_dark(Theme.DARK, Scheme.Dark, "0")
    assert wants_dark(Theme.DARK, Scheme.Light, "")  # set but empty: no override


def test_settings_choice_applies_at_once_and_is_kept(qtbot, app, window) -> None:
    from align_studio.ui.shell.settings_dialog import SettingsDialog

    light_window = app.palette().color(QPalette.ColorRole.Window)
    dialog = SettingsDialog(window.settings, window.runner, window)
    qtbot.addWidget(dialog)
    assert dialog.theme.currentData() == "system"
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    assert is_dark(app.palette())
    qtbot.waitUntil(lambda: is_dark(window.palette()), timeout=2000)  # the open window too
    style = app.style()
    assert isinstance(style, QProxyStyle) and style.baseStyle().name() == "fusion"
    assert window.settings.value(THEME_KEY) == "dark"
    assert chosen_theme(window.settings) is Theme.DARK
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    assert not is_dark(app.palette())
    assert app.palette().color(QPalette.ColorRole.Window) == light_window
    qtbot.waitUntil(lambda: not is_dark(window.palette()), timeout=2000)
    assert window.settings.value(THEME_KEY) == "light"


def test_following_the_system_colour_scheme_while_running(app) -> None:
    keeper = apply_theme(app, Theme.SYSTEM)
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Scheme.Dark)  # what Qt sends when the system turns dark
    assert keeper.dark and is_dark(app.palette())
    hints.colorSchemeChanged.emit(Scheme.Light)
    assert not keeper.dark and not is_dark(app.palette())
    apply_theme(app, Theme.LIGHT)  # a choice of its own: the system is not followed
    hints.colorSchemeChanged.emit(Scheme.Dark)
    assert not is_dark(app.palette())
    assert theme_keeper(app) is keeper  # one per application


def test_before_the_first_paint_the_platform_palette_stands_for_the_system(
        app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Start-up (early): the system's scheme is not read before the first paint (reading it
    sets up Qt's ~110 enums, ~14 ms on PySide 6.9); a dark platform palette stands for a
    dark system, and follow_system() after the paint reads the scheme itself."""
    from align_studio.ui.shell import theme

    real = QGuiApplication.styleHints()

    class NoScheme:  # the style hints, whose scheme must not be read
        colorSchemeChanged = real.colorSchemeChanged

        @staticmethod
        def colorScheme() -> object:
            raise AssertionError("the colour scheme was read before the first paint")

    class NoHints:
        @staticmethod
        def styleHints() -> NoScheme:
            return NoScheme()

    with monkeypatch.context() as m:
        m.setattr(theme, "QGuiApplication", NoHints)
        keeper = apply_theme(app, Theme.SYSTEM, early=True)
        assert not keeper.dark  # the offscreen platform's palette is light
        m.setattr(theme, "is_dark", lambda _palette: True)  # a platform gone dark
        apply_theme(app, Theme.SYSTEM, early=True)
        assert keeper.dark
    keeper.follow_system()  # after the paint: offscreen says Unknown, so not dark
    assert not keeper.dark and not is_dark(app.palette())


def _edge_contrast(widget: QCheckBox | QRadioButton, element: QStyle.SubElement) -> int:
    """How far the indicator's outline stands out from the window behind it: the largest
    difference in lightness (0–255) on the ring just inside the indicator's rectangle."""
    opt = QStyleOptionButton()
    widget.initStyleOption(opt)
    rect = widget.style().subElementRect(element, opt, widget)
    img: QImage = widget.grab().toImage()
    ratio = img.devicePixelRatio()
    back = widget.palette().color(QPalette.ColorRole.Window).lightness()
    best = 0
    for inset in (0, 1, 2):
        r = rect.adjusted(inset, inset, -inset, -inset)
        ring = [QPoint(x, r.top()) for x in range(r.left(), r.right() + 1)] + \
            [QPoint(r.left(), y) for y in range(r.top(), r.bottom() + 1)]
        for p in ring:
            colour = img.pixelColor(int(p.x() * ratio), int(p.y() * ratio))
            best = max(best, abs(colour.lightness() - back))
    return best


def test_unchecked_boxes_and_radio_buttons_are_visible_on_dark(qtbot, app) -> None:
    apply_theme(app, Theme.DARK)
    page = QWidget()
    qtbot.addWidget(page)
    col = QVBoxLayout(page)
    box, radio, off = QCheckBox("Negate"), QRadioButton("Blind"), QCheckBox("Disabled")
    off.setEnabled(False)
    for w in (box, radio, off):
        col.addWidget(w)
    page.show()
    qtbot.waitExposed(page)
    assert is_dark(box.palette())
    assert _edge_contrast(box, QStyle.SubElement.SE_CheckBoxIndicator) >= 60
    assert _edge_contrast(radio, QStyle.SubElement.SE_RadioButtonIndicator) >= 60
    assert _edge_contrast(off, QStyle.SubElement.SE_CheckBoxIndicator) >= 30  # muted, seen


START = """
import json, sys
from PySide6.QtWidgets import QApplication
from align_studio.ui.app import configure_application
app = configure_application(QApplication(sys.argv[:1]))
pal = app.palette()
print(json.dumps({"style": app.style().name(), "window": pal.window().color().lightness()}))
"""


@pytest.mark.parametrize(("stored", "env", "dark"), [
    ("dark", None, True), ("light", None, False), ("system", None, False),
    ("dark", "0", False), ("light", "1", True)])
def test_start_up_applies_the_stored_choice_and_the_override(
        tmp_path, stored: str, env: str | None, dark: bool) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "ui.ini").write_text(f"[appearance]\ntheme={stored}\n")
    environ = {k: v for k, v in os.environ.items() if k != DARK_ENV}
    environ.update(ALIGN_STUDIO_HOME=str(home), QT_QPA_PLATFORM="offscreen",
                   PYTHONPATH=str(ROOT))
    if env is not None:
        environ[DARK_ENV] = env
    run = subprocess.run([sys.executable, "-c", START], env=environ, cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=False)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("{")), None)
    assert run.returncode == 0 and line, run.stdout + run.stderr
    shown = json.loads(line)
    assert (shown["window"] < 128) is dark, shown
