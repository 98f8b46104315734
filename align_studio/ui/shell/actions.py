"""The window's actions and menus (File, Edit, View, Spec, Help), built in one place.

The main window keeps its :class:`Actions` as ``action_registry`` (an attribute named
``actions`` would hide ``QWidget.actions()``); features reach it through their context and
add their menus and shortcut listings here.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QMainWindow, QMenu

from align_studio.ui.shell.tab_key import EDITOR_TABS, TabKey

Key = QKeySequence.StandardKey


class Actions:
    """Every action of the main window; the window connects them to what they do."""

    def __init__(self, window: QMainWindow, undo_group: QUndoGroup) -> None:
        self._window = window
        self._icon_names: list[tuple[QAction, str]] = []
        self._menus: dict[str, QMenu] = {}

        def make(text: str, keys: list[QKeySequence | Key | str] | None = None,
                 icon_name: str | None = None, tip: str = "") -> QAction:
            a = QAction(text, window)
            if keys:
                a.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k)
                                for k in keys])
            if icon_name:
                self._icon_names.append((a, icon_name))
            if tip:
                a.setStatusTip(tip)
            a.setToolTip(text.replace("&", "").rstrip("…") + (
                f" ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
                if keys else ""))
            window.addAction(a)
            return a

        self.new_spec = make("&New Spec…", [Key.New], "new", "Create a spec in this workspace")
        self.open_workspace = make("&Open Workspace…", [Key.Open], "open",
                                   "Open a folder of specs")
        self.save = make("&Save", [Key.Save], "save", "Save the spec")
        self.duplicate = make("D&uplicate Spec", ["Ctrl+Shift+D"], "duplicate")
        self.rename = make("&Rename Spec…", ["F2"], "rename")
        self.delete = make("&Delete Spec…", ["Ctrl+Shift+Backspace"], "delete")
        self.close_spec = make("&Close Spec", [Key.Close])
        self.settings = make("Se&ttings…", ["Ctrl+,"], "settings",
                             "Provider profiles, keys and your names")
        self.quit = make("&Quit", [Key.Quit])
        self.undo = undo_group.createUndoAction(window, "&Undo")
        self.undo.setShortcuts([QKeySequence(Key.Undo)])
        self._icon_names.append((self.undo, "undo"))
        self.redo = undo_group.createRedoAction(window, "&Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self._icon_names.append((self.redo, "redo"))
        for a in (self.undo, self.redo):
            window.addAction(a)
        self.show_workspace = make("&Workspace Browser", ["Ctrl+0"])
        self.show_workspace.setCheckable(True)
        self.show_workspace.setChecked(True)
        self.show_problems = make("&Problems", ["Ctrl+Shift+M"])
        self.show_problems.setCheckable(True)
        self.show_problems.setChecked(True)
        #: View → one of the editor's own tabs (Ctrl+1 … Ctrl+4), by key.
        self.tabs: dict[TabKey, QAction] = {
            key: make(f"&{key.title}", [f"Ctrl+{i + 1}"]) for i, key in enumerate(EDITOR_TABS)}
        self.add_behavior = make("Add &Behavior", ["Ctrl+Shift+B"], "add")
        self.add_target = make("Add &Target", ["Ctrl+Shift+T"], "add")
        self.reload = make("&Reload from Disk", ["Ctrl+Shift+R"], "reload")
        self.show_diff = make("Show &Unsaved Changes…", ["Ctrl+Shift+U"], "diff",
                              "What saving would change in the file")
        self.shortcuts = make("&Keyboard Shortcuts", ["Ctrl+/"], "keyboard")
        self.user_guide = make("&User Guide", [Key.HelpContents], "help")
        self.about = make("&About Align Studio")
        self.menus: list[tuple[str, list[QAction | None]]] = [
            ("&File", [self.new_spec, self.open_workspace, None, self.save, self.duplicate,
                       self.rename, self.delete, None, self.close_spec, None, self.settings,
                       None, self.quit]),
            ("&Edit", [self.undo, self.redo]),
            ("&View", [self.show_workspace, self.show_problems, None, *self.tabs.values()]),
            ("&Spec", [self.add_behavior, self.add_target, None, self.show_diff,
                       self.reload]),
            ("&Help", [self.shortcuts, self.user_guide, None, self.about]),
        ]
        self.spec_actions = [self.save, self.close_spec, self.add_behavior, self.add_target,
                             self.reload, self.show_diff, *self.tabs.values()]
        self.file_actions = [self.duplicate, self.rename, self.delete]

    def apply_icons(self) -> None:
        """Give the actions their icons (after the window's first paint, to start faster)."""
        # after the first paint: 8 ms (start-up budget)
        from align_studio.ui.shell.icons import icon

        for action, name in self._icon_names:
            action.setIcon(icon(name))

    def build_menus(self) -> list[QMenu]:
        """Fill the window's menu bar."""
        out = []
        for title, actions in self.menus:
            menu = self._window.menuBar().addMenu(title)
            for a in actions:
                menu.addSeparator() if a is None else menu.addAction(a)
            self._menus[title] = menu
            out.append(menu)
        return out

    def menu(self, title: str) -> QMenu:
        """The window's menu titled ``title`` (``"&File"``); KeyError if there is none."""
        return self._menus[title]

    def add_menu(self, title: str, actions: list[QAction | None]) -> QMenu:
        """A menu added later (by a feature installed after the first paint): placed before
        Help, which stays last, and listed in the keyboard shortcuts."""
        menu = QMenu(title, self._window)
        for a in actions:
            menu.addSeparator() if a is None else menu.addAction(a)
        help_menu = self._menus.get("&Help")
        bar = self._window.menuBar()
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), menu)
        else:
            bar.addMenu(menu)
        self._menus[title] = menu
        self.menus.insert(len(self.menus) - 1, (title, list(actions)))
        return menu

    def list_in(self, title: str, actions: list[QAction]) -> None:
        """List actions that a feature put in menu ``title`` in the keyboard shortcuts."""
        for menu_title, items in self.menus:
            if menu_title == title:
                items.extend(actions)
                return
        raise KeyError(title)

    def by_menu(self) -> list[tuple[str, list[QAction]]]:
        """Menu titles and their actions, for the shortcuts list."""
        return [(t.replace("&", ""), [a for a in acts if a is not None])
                for t, acts in self.menus]
