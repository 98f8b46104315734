"""A first window gives the workspace list its share, not half the screen (issue 16).

``size_new_splitter`` sizes the list once the window is shown, unless a layout is
remembered; a refactor once dropped its call and the list took 510 of 1,280 px.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication


def test_a_first_window_keeps_the_workspace_list_narrow(window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1280, 720)
    QApplication.processEvents()
    left, right = window.splitter.sizes()
    # min(280, a quarter) when the list was sized after the show; the splitter's own split
    # of a fresh window gave the long-titled list far more
    assert left <= 300 and right >= 900, (left, right)


def test_a_remembered_layout_is_kept(window) -> None:  # type: ignore[no-untyped-def]
    from align_studio.ui.shell import layout_memory

    window.splitter.setSizes([400, 880])
    layout_memory.save_window(window, window.settings, window.splitter)
    layout_memory.size_new_splitter(window.settings, window.splitter)
    assert window.splitter.sizes()[0] == 400
