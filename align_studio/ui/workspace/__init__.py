"""The workspace side bar: the file tree of specs, its model and the file operations on it."""
