"""The generation feature's shortcuts take no key another action of the window has (Ctrl+Alt+G
was Grade with Judge's): every shortcut of the window's actions is unique."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QAction


def test_no_two_actions_of_the_window_share_a_shortcut(shop_window) -> None:
    keys = Counter(seq.toString() for a in shop_window.findChildren(QAction)
                   for seq in a.shortcuts() if not seq.isEmpty())
    assert [k for k, n in keys.items() if n > 1] == []
    feature = shop_window.features.generation
    assert feature.generate.shortcut().toString() == "Ctrl+Alt+E"
    assert feature.compare.shortcut().toString() == "Ctrl+Alt+B"
