"""The Results tab: cases × targets with verdict colours, filters and acceptance rates."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from align_studio.editing.events import ChangeEvent
from align_studio.editing.session import EditSession
from align_studio.review.matrix import FILTERS, ResultsMatrix
from align_studio.ui.preview.matrix_model import CASE_ID_ROLE, MatrixModel, StatsModel
from align_studio.ui.preview.run_controller import RunController

STATS_DELAY_MS = 400
STATS_DURING_RUN_MS = 1000  # counts are redone at most this often while answers stream


class MatrixPanel(QWidget):
    """Every case's verdict per target; a click opens the case in the preview."""

    sig_case_activated = Signal(str)
    """A case was clicked (its id): show it in the preview."""

    def __init__(self, session: EditSession, controller: RunController,
                 matrix: ResultsMatrix, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MatrixPanel")
        self.session = session
        self.model = MatrixModel(matrix, self)
        self.filters: dict[str, QCheckBox] = {}
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show only:"))
        for key, label in FILTERS.items():
            box = QCheckBox(label)
            box.toggled.connect(self._filters_changed)
            self.filters[key] = box
            bar.addWidget(box)
        bar.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("matrix-summary")
        self.summary.setWordWrap(True)  # one long line must not widen the window (issue 16)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(False)
        self.table.setShowGrid(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # targets share the width
        head.setMinimumSectionSize(120)
        self.model.modelReset.connect(self._size_columns)
        self._size_columns()
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self.stats_model = StatsModel(self)
        self.stats = QTableView()
        self.stats.setModel(self.stats_model)
        self.stats.verticalHeader().setVisible(False)
        self.stats.verticalHeader().setDefaultSectionSize(22)
        stats_head = self.stats.horizontalHeader()
        stats_head.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        stats_head.setDefaultSectionSize(96)
        stats_head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stats.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stats.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.stats)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.setInterval(STATS_DELAY_MS)
        self._stats_timer.timeout.connect(self._stats_due)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(STATS_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload)
        self._stale_stats = False
        self.controller = controller
        controller.sig_changed.connect(self._on_live)
        controller.sig_run_ended.connect(lambda *_: self._reload_timer.start())
        self._unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh_stats()

    def _size_columns(self) -> None:
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(0, 280)

    def set_blind(self, blind: bool) -> None:
        """Hide target names in the headers and counts."""
        self.model.blind = blind
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.model.columnCount() - 1)
        self.refresh_stats()

    def active_filters(self) -> list[str]:
        """The filters ticked."""
        return [k for k, box in self.filters.items() if box.isChecked()]

    def _filters_changed(self) -> None:
        self.model.set_filters(self.active_filters())
        self.refresh_stats()

    def _on_live(self, keys: set[tuple[str, str]]) -> None:
        self.model.cells_changed(keys)
        if self.model.filters:
            self._reload_timer.start()
        if self.controller.busy:
            # While answers stream only the answered count moves (cheap); the per-target
            # and per-behavior counts are redone when the run ends.
            if not self._stats_timer.isActive():
                self._stats_timer.start(STATS_DURING_RUN_MS)
        elif not self._stats_timer.isActive():
            self._stats_timer.start()

    def _on_change(self, ev: ChangeEvent) -> None:
        if ev.kind == "reset":
            self.model.matrix.spec = self.session.spec
        self._reload_timer.start()

    def _reload(self) -> None:
        self.model.reload()
        self.refresh_stats()

    def _stats_due(self) -> None:
        if self.controller.busy:
            self._show_running_count()
        else:
            self.refresh_stats()

    def _show_running_count(self) -> None:
        spec = self.session.spec
        cells = len(spec.cases) * len(spec.targets)
        answered = self.controller.live.answered_count()
        self.summary.setText(f"Running… {answered:,} answers in so far of {cells:,} cells; "
                             "the counts are redone when the run ends")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale_stats:
            self.refresh_stats()

    def refresh_stats(self) -> None:
        """Count again: per target, per behavior, and the summary line (hidden: later)."""
        if not self.isVisible():
            self._stale_stats = True  # counted when the tab is shown
            return
        self._stale_stats = False
        spec = self.session.spec
        stats = self.model.stats()
        names = {t.id: (f"Target {i + 1}" if self.model.blind else (t.label or t.id))
                 for i, t in enumerate(spec.targets)}
        behaviors = {b.id: b.statement if len(b.statement) <= 70 else b.statement[:69] + "…"
                     for b in spec.behaviors}
        self.stats_model.set_stats(stats, names, behaviors)
        total = stats.total
        cells = len(spec.cases) * len(spec.targets)
        rate = "—" if total.acceptance is None else f"{total.acceptance:.0%}"
        shown = self.model.rowCount()
        self.summary.setText(
            f"{total.answered:,} of {cells:,} answered · {total.judged:,} judged · "
            f"{total.accepted:,} accepted · {total.rejected:,} rejected · acceptance {rate}"
            f" · {total.stale:,} stale · showing {shown:,} of {len(spec.cases):,} cases")

    def _clicked(self, index: QModelIndex) -> None:
        case_id = self.model.data(index, CASE_ID_ROLE)
        if case_id:
            self.sig_case_activated.emit(str(case_id))
