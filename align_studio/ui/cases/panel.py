"""The Cases tab: a filterable table of the spec's cases beside the detail form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Behavior, Case, Category
from align_studio.editing.commands import SetField
from align_studio.editing.events import ChangeEvent
from align_studio.editing.ids import id_from_text, is_placeholder
from align_studio.editing.session import EditSession
from align_studio.ui.cases import case_ops
from align_studio.ui.cases.detail_form import CaseDetailForm
from align_studio.ui.cases.empty_states import NoCasesPage, NoMatchPage
from align_studio.ui.cases.filter_bar import CasesFilterBar
from align_studio.ui.cases.filter_proxy import CasesFilterProxy
from align_studio.ui.cases.table_delegate import CasesDelegate
from align_studio.ui.cases.table_model import CasesTableModel, Column
from align_studio.ui.shell.undo import UndoStack

ConfirmDelete = Callable[[QWidget, Case], bool]

# Narrow enough to leave the Title column (which stretches) room beside the detail form.
_WIDTHS = {Column.ID: 110, Column.CATEGORY: 88, Column.EXPECTED: 72,
           Column.BEHAVIORS: 110, Column.CHECKS: 52, Column.VERDICTS: 64}


def ask_delete(parent: QWidget, case: Case) -> bool:
    """Ask before deleting a case whose responses carry human verdicts."""
    judged = sum(1 for r in case.responses if r.verdict is not None)
    answer = QMessageBox.question(
        parent, "Delete case",
        f"Case '{case.id}' has {judged} judged response{'s' if judged != 1 else ''}. "
        "Deleting it removes those verdicts too (Undo brings them back).\n\nDelete it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


#: The detail form's share of the tab in the default layout (a remembered layout wins), and
#: the width below which its fields would be cut off.
DETAIL_SHARE = 0.42
DETAIL_MIN_WIDTH = 420


class CasesSplitter(QSplitter):
    """The table | detail splitter: gives the detail form its default share on the first
    resize, unless a remembered layout was restored into it first."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.default_layout = True

    def restoreState(self, state: QByteArray | bytes | bytearray | memoryview) -> bool:
        restored = super().restoreState(state)
        self.default_layout = self.default_layout and not restored
        return restored

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        if self.default_layout and width > DETAIL_MIN_WIDTH:
            self.default_layout = False
            detail = max(DETAIL_MIN_WIDTH, round(width * DETAIL_SHARE))
            self.setSizes([width - detail, detail])


class CasesPanel(QWidget):
    """Lists, filters and edits the cases of the open spec; every edit is undoable."""

    sig_case_selected = Signal(str)
    """The case shown in the detail form changed (its id)."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 parent: QWidget | None = None, *,
                 confirm_delete: ConfirmDelete = ask_delete) -> None:
        super().__init__(parent)
        self.setObjectName("CasesPanel")
        self._session = session
        self._undo = undo_stack
        self._confirm_delete = confirm_delete
        self._shown_id: str | None = None
        self._unpinned: list[Case] = []
        #: Cases added here whose placeholder id becomes a slug of their title once typed.
        self._fresh: list[Case] = []
        self._unpin_timer = QTimer(self)
        self._unpin_timer.setSingleShot(True)
        self._unpin_timer.setInterval(0)
        self._unpin_timer.timeout.connect(self._refilter_unpinned)
        self.model = CasesTableModel(session, self)
        self.proxy = CasesFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter_bar = CasesFilterBar(session, self.proxy)
        self.table = self._make_table()
        self.form = CaseDetailForm(session, undo_stack.push_command)
        self.form.sig_case_id_edited.connect(self._emit_selected)
        self.form.title_edit.editingFinished.connect(self._name_from_title)
        self.no_cases = NoCasesPage()
        self.no_cases.sig_add_case_requested.connect(self.add_case)
        self.no_match = NoMatchPage()
        self.no_match.sig_clear_filters_requested.connect(self.filter_bar.clear)
        self._pages = QStackedWidget()
        for w in (self.table, self.no_cases, self.no_match):
            self._pages.addWidget(w)
        self._make_actions()

        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.filter_bar)
        left_lay.addWidget(self._pages, 1)
        buttons = QHBoxLayout()
        for action in (self.add_action, self.duplicate_action, self.delete_action):
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setAccessibleName(action.text().replace("&", ""))
            buttons.addWidget(b)
        buttons.addStretch(1)
        left_lay.addLayout(buttons)
        self.splitter = CasesSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.form)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.form.setMinimumWidth(DETAIL_MIN_WIDTH)  # its fields stay readable
        QVBoxLayout(self).addWidget(self.splitter)

        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged, self.proxy.sig_filters_changed):
            signal.connect(self._update_page)
        unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: unsubscribe())
        self._update_page()
        if self.model.rowCount():
            self._select_proxy_row(0)

    # ---- building --------------------------------------------------------------------
    def _make_table(self) -> QTableView:
        t = QTableView()
        t.setModel(self.proxy)
        t.setItemDelegate(CasesDelegate(self.model, self.proxy, t))
        t.setAccessibleName("Cases")
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setWordWrap(False)
        t.setAlternatingRowColors(True)
        t.setTextElideMode(Qt.TextElideMode.ElideRight)
        t.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = t.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure 1,000 rows
        vh.setDefaultSectionSize(t.fontMetrics().height() + 8)
        hh = t.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in _WIDTHS.items():
            hh.resizeSection(col, width)
        hh.setSortIndicatorClearable(True)  # a third click goes back to document order
        hh.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        t.setSortingEnabled(True)
        t.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        t.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        return t

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str,
                slot: Callable[[], None], tip: str,
                context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
        a = QAction(text, self)
        a.setShortcut(QKeySequence(shortcut))
        a.setShortcutContext(context)
        a.setToolTip(f"{tip} ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        a.triggered.connect(slot)
        return a

    def _make_actions(self) -> None:
        self.add_action = self._action("&Add case", "Ctrl+Alt+N", self.add_case,
                                       "Add a new case")
        self.duplicate_action = self._action("D&uplicate", "Ctrl+Alt+D", self.duplicate_case,
                                             "Duplicate the selected case")
        self.delete_action = self._action("&Delete", QKeySequence.StandardKey.Delete,
                                          self.delete_case, "Delete the selected case",
                                          Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action = self._action("&Find cases", QKeySequence.StandardKey.Find,
                                        self.focus_search, "Search the cases")
        self.addActions([self.add_action, self.duplicate_action, self.find_action])
        self.table.addActions([self.add_action, self.duplicate_action, self.delete_action])

    # ---- selection -------------------------------------------------------------------
    def current_case(self) -> Case | None:
        """The case shown in the detail form."""
        return self.form.case

    def select_case(self, case_id: str) -> None:
        """Show the case with this id (clearing the filters if they hide it)."""
        row = self.model.row_of_id(case_id)
        if row is not None:
            self._select_case_obj(self.model.case_at(row))

    def _select_case_obj(self, case: Case) -> None:
        row = self.model.row_of(case)
        if row is None:
            return
        pidx = self.proxy.mapFromSource(self.model.index(row, 0))
        if not pidx.isValid():
            self.filter_bar.clear()
            pidx = self.proxy.mapFromSource(self.model.index(row, 0))
        if pidx.isValid():
            self._select_proxy_row(pidx.row())
        else:  # pragma: no cover - a case the filters cannot show
            self._show(case)

    def _select_proxy_row(self, row: int) -> None:
        idx = self.proxy.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.model.changing_rows:
            return  # filtered away, or rows moving: _follow_cases_change picks the case
        src = self.proxy.mapToSource(current)
        self._show(self.model.case_at(src.row()))

    def _show(self, case: Case | None) -> None:
        if case is self.form.case:
            return
        old = self.form.case
        self.proxy.set_pinned(case)
        self.form.set_case(case)
        if old is not None:
            # Unpinned: let the filter judge it again, but later — this may run while
            # the proxy is in the middle of filtering, which must not be re-entered.
            self._unpinned.append(old)
            self._unpin_timer.start()
        self._emit_selected(case.id if case is not None else "")

    def _refilter_unpinned(self) -> None:
        cases, self._unpinned = self._unpinned, []
        for case in cases:
            if case is not self.form.case:
                self.model.refresh_row(case)

    def _emit_selected(self, case_id: str) -> None:
        if case_id != self._shown_id:
            self._shown_id = case_id
            self.sig_case_selected.emit(case_id)

    # ---- commands --------------------------------------------------------------------
    def add_case(self) -> None:
        """Add a new case (of the filtered category, if one is chosen) and open it."""
        spec = self._session.spec
        word = self.proxy.filters()["category"]
        case = case_ops.new_case(spec, Category(word) if isinstance(word, str) else None)
        self._fresh.append(case)
        self._insert(case, len(spec.cases))
        self.form.title_edit.setFocus()

    def duplicate_case(self) -> None:
        """Add a copy of the current case right after it (without its verdicts)."""
        case = self.form.case
        row = self.model.row_of(case) if case is not None else None
        if case is None or row is None:
            return
        self._insert(case_ops.duplicate_of(self._session.spec, case), row + 1)

    def _insert(self, case: Case, index: int) -> None:
        self.proxy.set_pinned(case)  # visible even if the filters would hide it
        self._undo.push_command(case_ops.add_case_command(self._session.spec, case, index))
        self._select_case_obj(case)

    def delete_case(self) -> None:
        """Delete the current case (asking first when it has judged responses)."""
        case = self.form.case
        row = self.model.row_of(case) if case is not None else None
        if case is None or row is None:
            return
        if case_ops.has_judged_responses(case) and not self._confirm_delete(self, case):
            return
        self._undo.push_command(case_ops.delete_case_command(self._session.spec, row))

    def focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.filter_bar.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search_edit.selectAll()

    # ---- following the document ------------------------------------------------------
    def _on_change(self, ev: ChangeEvent) -> None:
        spec = self._session.spec
        if ev.kind == "reset":
            old_id = self.form.case.id if self.form.case is not None else None
            self.form.set_case(None)
            self._shown_id = None
            self.filter_bar.refresh_behaviors()
            if old_id is not None and self.model.row_of_id(old_id) is not None:
                self.select_case(old_id)
            elif spec.cases:
                self._select_case_obj(spec.cases[0])
            self._update_page()
            return
        if (ev.obj is spec and ev.field == "behaviors") or isinstance(ev.obj, Behavior):
            self.filter_bar.refresh_behaviors()
        if ev.obj is spec and ev.field == "cases":
            self._follow_cases_change(ev)

    def _name_from_title(self) -> None:
        """When the title field is left: a case added here still under its placeholder id
        (``case-004``) is named after its title. Not per keystroke: the id would follow
        the first letter typed, and each rename would split the title's undo step."""
        case = self.form.case
        spec = self._session.spec
        if case is None or not any(c is case for c in self._fresh) \
                or not is_placeholder(case.id) or not any(c is case for c in spec.cases):
            return
        new_id = id_from_text(case.title or "", {c.id for c in spec.cases}, case.id)
        if new_id is not None and new_id != case.id:
            self._undo.push_command(SetField(case, "id", new_id,
                                             f"Name case {case.id} → {new_id}"))

    def _follow_cases_change(self, ev: ChangeEvent) -> None:
        case = self.form.case
        if case is not None and self.model.row_of(case) is not None:
            return
        current = self.table.currentIndex()
        if current.isValid():
            self._show(self.model.case_at(self.proxy.mapToSource(current).row()))
            return
        n = self.proxy.rowCount()
        if n:
            self._select_proxy_row(min(max(ev.index or 0, 0), n - 1))
        else:
            self._show(None)

    def _update_page(self, *_: object) -> None:
        if not self._session.spec.cases:
            page: QWidget = self.no_cases
        elif self.proxy.rowCount() == 0:
            page = self.no_match
        else:
            page = self.table
        if self._pages.currentWidget() is not page:
            self._pages.setCurrentWidget(page)
