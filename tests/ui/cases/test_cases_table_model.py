"""The cases table model and filter proxy, poked without any view."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, Qt

from align_studio.domain import Case, Message, Role, Verdict
from align_studio.editing.commands import InsertItem, MoveItem, RemoveItem, SetField
from align_studio.editing.session import EditSession
from align_studio.storage.specfile import SpecFile
from align_studio.ui.cases.filter_proxy import OUTCOME_NOT_SET, CasesFilterProxy, VerdictFilter
from align_studio.ui.cases.table_model import CaseRole, CasesTableModel, Column

D = Qt.ItemDataRole.DisplayRole


def cell(model: CasesTableModel, row: int, col: Column) -> object:
    return model.data(model.index(row, col), D)


def test_rows_show_the_cases(qtbot, session: EditSession) -> None:
    model = CasesTableModel(session)
    assert model.rowCount() == 3 and model.columnCount() == 7
    assert [cell(model, r, Column.ID) for r in range(3)] == ["case-001", "case-002", "case-003"]
    assert cell(model, 0, Column.TITLE) == "Order status"
    assert cell(model, 1, Column.TITLE).startswith("Give me the address")  # no title
    assert cell(model, 1, Column.CATEGORY) == "adversarial"
    assert cell(model, 1, Column.EXPECTED) == "refuse"
    assert cell(model, 2, Column.BEHAVIORS) == "refund, ghost"
    assert cell(model, 1, Column.CHECKS) == "1"
    assert cell(model, 1, Column.VERDICTS) == "1✓ 1✗"
    assert cell(model, 0, Column.VERDICTS) == ""
    assert model.data(model.index(1, 0), CaseRole) is session.spec.cases[1]
    assert model.data(model.index(1, Column.VERDICTS), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.headerData(Column.ID, Qt.Orientation.Horizontal) == "Id"


def test_model_follows_change_events(qtbot, session: EditSession) -> None:
    model = CasesTableModel(session)
    spec = session.spec
    changed: list[int] = []
    model.dataChanged.connect(lambda a, b: changed.append(a.row()))
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    removed: list[int] = []
    model.rowsRemoved.connect(lambda _p, first, _last: removed.append(first))

    session.apply(SetField(spec.cases[2], "title", "Own address"))
    assert changed == [2] and cell(model, 2, Column.TITLE) == "Own address"
    # A change deep inside a case (a response's verdict) refreshes its row's summary.
    session.apply(SetField(spec.cases[1].responses[1], "verdict", Verdict.ACCEPT))
    assert changed[-1] == 1 and cell(model, 1, Column.VERDICTS) == "2✓"
    session.apply(InsertItem(spec.cases[0], "messages", 1,
                             Message(role=Role.ASSISTANT, content="Which order?")))
    assert changed[-1] == 0
    session.apply(SetField(spec.cases[0].messages[1], "content", "Which one?"))
    assert changed[-1] == 0

    new = Case(id="case-004", messages=[Message(role=Role.USER, content="Hi")])
    cmd = InsertItem(spec, "cases", 1, new)
    session.apply(cmd)
    assert inserted == [1] and model.rowCount() == 4 and cell(model, 1, Column.ID) == "case-004"
    session.revert(cmd)
    assert removed == [1] and model.rowCount() == 3 and cell(model, 1, Column.ID) == "case-002"
    session.apply(MoveItem(spec, "cases", 0, 2))
    assert [cell(model, r, Column.ID) for r in range(3)] == ["case-002", "case-003", "case-001"]
    session.apply(RemoveItem(spec, "cases", 0))
    assert model.rowCount() == 2
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    session.reset()
    assert resets == [1]


def test_filters_combine(qtbot, session: EditSession) -> None:
    model = CasesTableModel(session)
    proxy = CasesFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 3 and not proxy.is_filtering()

    def ids() -> list[str]:
        return [proxy.data(proxy.index(r, 0), D) for r in range(proxy.rowCount())]

    proxy.set_search("ADDRESS")  # message text, any case
    assert ids() == ["case-002", "case-003"]
    proxy.set_search("social engineering")  # notes; every word must appear
    assert ids() == ["case-002"]
    proxy.set_search("order status")  # title
    assert ids() == ["case-001"]
    proxy.set_search("case-00")
    assert len(ids()) == 3
    proxy.set_category("look-alike")
    assert ids() == ["case-003"]
    proxy.set_category(None)
    proxy.set_behavior("no-pii")
    assert ids() == ["case-002"]
    proxy.set_behavior(None)
    proxy.set_outcome("clarify")
    assert ids() == ["case-001"]
    proxy.set_outcome(None)
    proxy.set_verdict(VerdictFilter.ANY_REJECTED)
    assert ids() == ["case-002"]
    proxy.set_verdict(VerdictFilter.UNJUDGED)
    assert ids() == ["case-001", "case-003"]
    proxy.set_category("expected")
    assert ids() == ["case-001"]  # filters combine
    proxy.clear_filters()
    assert proxy.rowCount() == 3
    session.apply(SetField(session.spec.cases[0], "expected", None))
    proxy.set_outcome(OUTCOME_NOT_SET)
    assert ids() == ["case-001"]


def test_filtering_1000_cases_is_fast(qtbot, tmp_path) -> None:
    from bench.specgen import write_spec

    session = EditSession(SpecFile.load(write_spec(tmp_path / "big.yaml", 1000)))
    model = CasesTableModel(session)
    proxy = CasesFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount(QModelIndex()) == 1000
    proxy.set_search("r")  # first pass fills the per-case cache
    worst = 0.0
    for text in ("re", "ref", "refu", "refun", "refund", "refund o"):
        t = time.perf_counter()
        proxy.set_search(text)
        worst = max(worst, time.perf_counter() - t)
    shown = proxy.rowCount()
    assert 0 < shown < 1000
    t = time.perf_counter()
    proxy.set_category("edge")
    proxy.set_verdict("rejected")
    worst = max(worst, (time.perf_counter() - t) / 2)
    assert proxy.rowCount() < shown
    assert worst < 0.05, f"a filter step took {worst * 1000:.0f} ms"
