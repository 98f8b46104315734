"""Versions in the desktop app: save a version, the History tab, compare, restore, sync."""
