"""Editing one spec: the document, the editor's Overview, Behaviors and Targets tabs, and the
dialogs about its file (conflict, diff, recovery)."""
