"""The files the window reads from the package or the checkout are found (icons, the user
guide, the examples) wherever the module that reads them lives: moving ``ui/icons.py`` into
``ui/shell/`` once left every toolbar button without its icon (and the window 1,137 px wide)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from align_studio.ui.shell import about, icons, settings


def test_icons_user_guide_and_examples_are_found(qapp: QApplication) -> None:
    for name in ("add", "delete", "diff", "help"):
        assert icons.icon_path(name) is not None, (name, icons.ICON_DIRS)
        assert not icons.icon(name).isNull(), name
    assert about.USER_GUIDE.is_file(), about.USER_GUIDE
    examples = settings.default_workspace()
    assert sorted(p.name for p in examples.glob("*.yaml")), examples
