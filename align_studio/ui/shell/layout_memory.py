"""Remembering the window's layout: geometry, dock state and the splitters of the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

if TYPE_CHECKING:
    from align_studio.ui.spec.editor import SpecEditor


def restore_window(window: QMainWindow, settings: QSettings, splitter: QSplitter) -> None:
    """Put the window back where and how big it was (1280 × 800 the first time)."""
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(1280, 800)
    state = settings.value("window/state")
    if state is not None:
        window.restoreState(state)
    restore_splitter(settings, splitter, "main")


def size_new_splitter(settings: QSettings, splitter: QSplitter) -> None:
    """Once the window is shown: unless a layout is remembered, give the workspace list
    280 px or a quarter of the width, whichever is less. Sizes set before the first show are
    lost (the splitter then sized the list by its long spec titles: 360 of 1,024 px)."""
    if settings.value("splitter/main") is not None:
        return
    first = splitter.widget(0)
    layout = first.layout() if first is not None else None
    if layout is not None:
        layout.activate()  # its buttons just got icons for their long texts: narrower now
    total = sum(splitter.sizes())
    if total > 0:
        left = min(280, total // 4)
        splitter.setSizes([left, total - left])


def save_window(window: QMainWindow, settings: QSettings, splitter: QSplitter) -> None:
    """Remember the window's geometry, dock state and main splitter."""
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    save_splitter(settings, splitter, "main")


def _editor_splitters(editor: SpecEditor) -> dict[str, QSplitter | None]:
    return {"editor": editor, "behaviors": editor.behaviors.list,
            "targets": editor.targets.list, "cases": getattr(editor.cases, "splitter", None)}


def restore_editor(settings: QSettings, editor: SpecEditor) -> None:
    """Restore the splitters of a newly built spec editor."""
    for name, splitter in _editor_splitters(editor).items():
        restore_splitter(settings, splitter, name)


def save_editor(settings: QSettings, editor: SpecEditor) -> None:
    """Remember the splitters of the spec editor (before it is closed)."""
    for name, splitter in _editor_splitters(editor).items():
        save_splitter(settings, splitter, name)


def save_splitter(settings: QSettings, splitter: QSplitter | None, name: str) -> None:
    """Remember one splitter's sizes."""
    if splitter is not None:
        settings.setValue(f"splitter/{name}", splitter.saveState())


def restore_splitter(settings: QSettings, splitter: QSplitter | None, name: str) -> None:
    """Restore one splitter's sizes, if they were remembered."""
    state = settings.value(f"splitter/{name}")
    if state is not None and splitter is not None:
        splitter.restoreState(state)
