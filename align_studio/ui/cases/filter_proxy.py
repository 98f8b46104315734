"""Search and filters over the cases table.

The proxy matches against the cached :class:`RowInfo` of the source model (lower-case text
prepared once per case), so a keystroke in the search field costs a few string tests per
case, not a walk through every message.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Signal,
)

from align_studio.domain import Case
from align_studio.ui.cases.table_model import CasesTableModel, RowInfo, SortRole


class VerdictFilter(str, Enum):
    """What the verdict filter keeps."""

    ANY_ACCEPTED = "accepted"
    ANY_REJECTED = "rejected"
    UNJUDGED = "unjudged"


#: The outcome filter's value for cases whose expected outcome is not set.
OUTCOME_NOT_SET = ""


class CasesFilterProxy(QSortFilterProxyModel):
    """Search text (id, title, messages, notes) combined with category, behavior, outcome
    and verdict filters. Every filter given must hold (they combine with AND); each word of
    the search text must appear somewhere in the case.

    A *pinned* case (the one open in the detail form) stays visible while it is edited, so
    that typing in it never makes it vanish from under the user; it is unpinned when new
    filters hide it.
    """

    sig_filters_changed = Signal()
    """The search text or a filter changed (the rows shown were recomputed)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._search = ""
        self._category: str | None = None
        self._behavior: str | None = None
        self._outcome: str | None = None
        self._verdict: VerdictFilter | None = None
        self._pinned: Case | None = None
        self._active = False  # any filter set; when not, every row passes at once
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    # ---- filters ---------------------------------------------------------------------
    @property
    def search(self) -> str:
        """The search text as typed."""
        return self._search

    def set_search(self, text: str) -> None:
        """Keep cases containing every word of ``text`` (case-insensitive)."""
        if text != self._search:
            self._change(_search=text, _words=text.lower().split())

    def set_category(self, category: str | None) -> None:
        """Keep cases of this category (a word of :class:`Category`), or all when None."""
        if category != self._category:
            self._change(_category=category)

    def set_behavior(self, behavior_id: str | None) -> None:
        """Keep cases that link this behavior id, or all when None."""
        if behavior_id != self._behavior:
            self._change(_behavior=behavior_id)

    def set_outcome(self, outcome: str | None) -> None:
        """Keep cases expecting this outcome (``OUTCOME_NOT_SET`` for none), or all."""
        if outcome != self._outcome:
            self._change(_outcome=outcome)

    def set_verdict(self, verdict: VerdictFilter | str | None) -> None:
        """Keep cases with any accepted / any rejected response, or none judged."""
        value = VerdictFilter(verdict) if verdict is not None else None
        if value != self._verdict:
            self._change(_verdict=value)

    def clear_filters(self) -> None:
        """Show every case."""
        self._change(_search="", _words=[], _category=None, _behavior=None, _outcome=None,
                     _verdict=None)

    def is_filtering(self) -> bool:
        """Whether any search text or filter is set."""
        return bool(self._words) or any(
            v is not None for v in (self._category, self._behavior, self._outcome,
                                    self._verdict))

    def filters(self) -> dict[str, object]:
        """The filters now (for tests and for restoring a view)."""
        return {"search": self._search, "category": self._category,
                "behavior": self._behavior, "outcome": self._outcome,
                "verdict": self._verdict}

    def set_pinned(self, case: Case | None) -> None:
        """Keep ``case`` visible whatever the filters, until they next change."""
        self._pinned = case

    # ---- matching --------------------------------------------------------------------
    def matches(self, info: RowInfo) -> bool:
        """Whether a row passes the search and every filter."""
        if self._category is not None and info.category != self._category:
            return False
        if self._outcome is not None and info.expected != self._outcome:
            return False
        if self._behavior is not None and self._behavior not in info.behaviors:
            return False
        v = self._verdict
        if v is not None:
            if v is VerdictFilter.ANY_ACCEPTED and not info.accepted:
                return False
            if v is VerdictFilter.ANY_REJECTED and not info.rejected:
                return False
            if v is VerdictFilter.UNJUDGED and (info.accepted or info.rejected):
                return False
        hay = info.haystack
        return all(w in hay for w in self._words)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._active:
            return True
        source = self.sourceModel()
        if not isinstance(source, CasesTableModel):
            return True
        if self._pinned is not None:
            cases = source.spec.cases
            if source_row < len(cases) and cases[source_row] is self._pinned:
                return True
        return self.matches(source.info(source_row))

    def _change(self, **state: object) -> None:
        self.beginFilterChange()
        for name, value in state.items():
            setattr(self, name, value)
        pinned, self._pinned = self._pinned, None
        self._active = self.is_filtering()
        # Qt 6.9's pair for beginFilterChange (endFilterChange is 6.10+; pyproject.toml says
        # why PySide6 stays on 6.9).
        self.invalidateRowsFilter()
        # Still pinned if the new filters show it anyway (so later edits keep it visible).
        source = self.sourceModel()
        if pinned is not None and isinstance(source, CasesTableModel):
            row = source.row_of(pinned)
            if row is not None and self.mapFromSource(source.index(row, 0)).isValid():
                self._pinned = pinned
        self.sig_filters_changed.emit()
