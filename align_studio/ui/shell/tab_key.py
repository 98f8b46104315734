"""The tabs of the spec editor, named by a typed key instead of a title or an index.

The order of the members is the order of the tabs: a feature that adds its tab late (the
Results tab after Preview, History last) still lands in its place.
"""

from __future__ import annotations

import enum


class TabKey(enum.Enum):
    """One tab of the spec editor; its value is the title shown on the tab."""

    OVERVIEW = "Overview"
    BEHAVIORS = "Behaviors"
    CASES = "Cases"
    GENERATED = "Generated"
    TARGETS = "Targets"
    PREVIEW = "Preview"
    RESULTS = "Results"
    HEALTH = "Spec health"
    MEASURES = "Measures"
    CALIBRATION = "Calibration"
    HISTORY = "History"

    @property
    def title(self) -> str:
        """The tab's title."""
        return str(self.value)

    @property
    def rank(self) -> int:
        """The tab's place among all tabs (0 = first)."""
        return list(TabKey).index(self)


#: The editor's own tabs, built with every spec (Ctrl+1 … Ctrl+4).
EDITOR_TABS = (TabKey.OVERVIEW, TabKey.BEHAVIORS, TabKey.CASES, TabKey.TARGETS)
