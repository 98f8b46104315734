"""Measuring a spec in the desktop app: spec health (the linter), the judge, agreement,
coverage and drift. Added to the main window by :mod:`.integration`."""
