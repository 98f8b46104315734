"""Hand-over in the desktop app: bundle export and import, foreign formats, the logs inbox."""
