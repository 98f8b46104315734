"""The bar above the cases table: search, four filters, "clear filters" and the count."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Category, Outcome
from align_studio.editing.session import EditSession
from align_studio.ui.cases.bindings import compact_combo, set_combo_data
from align_studio.ui.cases.detail_form import CATEGORY_LABELS
from align_studio.ui.cases.filter_proxy import OUTCOME_NOT_SET, CasesFilterProxy, VerdictFilter
from align_studio.ui.shell.flow_layout import FlowLayout

_TIP = Qt.ItemDataRole.ToolTipRole
#: The item data of each filter's "All …" entry. Never None: PySide6 6.12.0 dropped a
#: reference to None each time ``currentData()`` returned it, and this bar asks on every
#: change (the app aborted with "none_dealloc"). Not "" either: that is the outcome filter's
#: "Not set". A NUL cannot appear in a YAML id, so no category, behavior or verdict is this.
ANY = "\x00any"


def filter_value(combo: QComboBox) -> str | None:
    """The filter value a combo of the bar stands at (None: everything)."""
    data = combo.currentData()
    return None if data is None or data == ANY else str(data)


def count_text(shown: int, total: int, filtering: bool) -> str:
    """``"312 of 1,000 cases"`` (or ``"1,000 cases"`` when nothing is filtered)."""
    noun = "case" if total == 1 else "cases"
    if not filtering:
        return f"{total:,} {noun}"
    return f"{shown:,} of {total:,} {noun}"


class CasesFilterBar(QWidget):
    """Drives a :class:`CasesFilterProxy`; every control has an accessible name."""

    def __init__(self, session: EditSession, proxy: CasesFilterProxy,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._proxy = proxy
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search id, title, messages, notes (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search cases")
        self.search_edit.textChanged.connect(proxy.set_search)
        self.category_combo = self._combo("Filter by category", "All categories",
                                          [(CATEGORY_LABELS.get(w, w), w)
                                           for w in Category.words()])
        self.category_combo.currentIndexChanged.connect(
            lambda: proxy.set_category(filter_value(self.category_combo)))
        self.behavior_combo = self._combo("Filter by linked behavior", "All behaviors", [])
        self.behavior_combo.currentIndexChanged.connect(
            lambda: proxy.set_behavior(filter_value(self.behavior_combo)))
        self.outcome_combo = self._combo(
            "Filter by expected outcome", "Any outcome",
            [(w.capitalize(), w) for w in Outcome.words()] + [("Not set", OUTCOME_NOT_SET)])
        self.outcome_combo.currentIndexChanged.connect(
            lambda: proxy.set_outcome(filter_value(self.outcome_combo)))
        self.verdict_combo = self._combo("Filter by verdict", "Any verdict", [
            ("Some accepted", VerdictFilter.ANY_ACCEPTED.value),
            ("Some rejected", VerdictFilter.ANY_REJECTED.value),
            ("Unjudged", VerdictFilter.UNJUDGED.value)])
        self.verdict_combo.currentIndexChanged.connect(
            lambda: proxy.set_verdict(filter_value(self.verdict_combo)))
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear search and filters")
        self.clear_button.clicked.connect(self.clear)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of cases shown")
        # Two rows: beside the detail form the table is narrow, and one row cut the search
        # field's hint and every filter's name short.
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.count_label)
        # The filters wrap onto another line rather than widen the window (issue 16).
        filters = FlowLayout(spacing=4)
        for w in (self.category_combo, self.behavior_combo, self.outcome_combo,
                  self.verdict_combo, self.clear_button):
            filters.add_widget(w)
        lay.addLayout(top)
        lay.addLayout(filters)
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset,
                       proxy.layoutChanged, proxy.sig_filters_changed):
            signal.connect(self.update_count)
        self.refresh_behaviors()
        self.update_count()

    def _combo(self, name: str, everything: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = compact_combo(QComboBox(), 6)  # the bar fits beside the detail form at 1280 px
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.addItem(everything, ANY)
        for label, data in items:
            combo.addItem(label, data)
        return combo

    def refresh_behaviors(self) -> None:
        """List the spec's behaviors in the behavior filter (keeping the choice)."""
        combo = self.behavior_combo
        chosen = combo.currentData()
        behaviors = self._session.spec.behaviors
        wanted = [b.id for b in behaviors]
        have = [combo.itemData(i) for i in range(1, combo.count())]
        if wanted != have:
            blocked = combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for b in behaviors:
                combo.addItem(b.id, b.id)
                combo.setItemData(combo.count() - 1, b.statement, _TIP)
            combo.blockSignals(blocked)
        for b in behaviors:  # statements change without the id list changing
            i = combo.findData(b.id)
            if i > 0:
                combo.setItemData(i, b.statement, _TIP)
        set_combo_data(combo, chosen)
        if combo.currentData() != chosen:
            self._proxy.set_behavior(filter_value(combo))

    def clear(self) -> None:
        """Clear the search text and every filter."""
        for w in (self.search_edit, self.category_combo, self.behavior_combo,
                  self.outcome_combo, self.verdict_combo):
            w.blockSignals(True)
        self.search_edit.clear()
        for c in (self.category_combo, self.behavior_combo, self.outcome_combo,
                  self.verdict_combo):
            c.setCurrentIndex(0)
        for w in (self.search_edit, self.category_combo, self.behavior_combo,
                  self.outcome_combo, self.verdict_combo):
            w.blockSignals(False)
        self._proxy.clear_filters()

    def update_count(self, *_: object) -> None:
        """Show how many cases the table lists."""
        total = len(self._session.spec.cases)
        filtering = self._proxy.is_filtering()
        # As wide as the widest count this spec can show: a label that changes width with
        # every keystroke of a search makes the whole tab lay out and repaint again.
        widest = self.count_label.fontMetrics().horizontalAdvance(count_text(total, total, True))
        if self.count_label.minimumWidth() != widest:
            self.count_label.setFixedWidth(widest)
        self.count_label.setText(count_text(self._proxy.rowCount(), total, filtering))
        self.clear_button.setEnabled(filtering)
