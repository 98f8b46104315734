"""The window's frame: the main window, actions, settings, undo, the welcome, and the small
widgets every panel shares."""
