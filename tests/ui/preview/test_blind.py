"""Blind mode: no target, model or provider name anywhere on screen; verdicts land right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from tests.ui.preview.conftest import run_and_wait

SECRET_WORDS = ("model-a", "model-b", "local")


def visible_texts(window: QWidget) -> list[str]:
    """Every text a user could see or hear in the window (shown widgets only)."""
    out = [window.windowTitle(), window.statusBar().currentMessage()]
    for w in [window, *window.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        out += [w.toolTip(), w.accessibleName(), w.accessibleDescription(), w.statusTip(),
                w.whatsThis()]
        if isinstance(w, (QLabel, QAbstractButton, QLineEdit)):
            out.append(w.text())
        if isinstance(w, (QTextEdit, QPlainTextEdit)):
            out.append(w.toPlainText())
        if isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QTabBar):
            out += [w.tabText(i) for i in range(w.count())]
            out += [w.tabToolTip(i) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            root = w.rootIndex()
            try:
                cols = m.columnCount(root)
            except TypeError:  # a list model (QListView's) hides columnCount from Python
                cols = 1
            for col in range(cols):
                out.append(str(m.headerData(col, Qt.Orientation.Horizontal) or ""))
            for row in range(min(m.rowCount(root), 40)):
                for col in range(cols):
                    ix = m.index(row, col, root)
                    out += [str(ix.data() or ""), str(ix.data(Qt.ItemDataRole.ToolTipRole) or "")]
    return [t for t in out if t]


def leaks(window: QWidget) -> list[str]:
    return [t for t in visible_texts(window) for word in SECRET_WORDS if word in t.lower()]


def test_blind_mode_hides_names_and_records_the_right_target(qtbot, review_window) -> None:
    w = review_window
    preview = w.features.review.preview
    w.features.review.blind.setChecked(True)
    run_and_wait(qtbot, w, [f"case-{i:03d}" for i in range(6)])
    orders = []
    for i in range(6):
        case_id = f"case-{i:03d}"
        w.features.review.open_case(case_id)
        qtbot.wait(10)
        assert [c.title.text() for c in preview.columns] == ["Model A", "Model B"]
        assert leaks(w) == [], leaks(w)[:5]
        orders.append(preview.colmap.targets)
        # the answer texts tell which target is in which column (see markdown_reply)
        first = preview.columns[0].current_text()
        expected_first = "model-a" if first.startswith("Thanks") else "model-b"
        assert preview.colmap.targets[0] == expected_first
        qtbot.keyClick(preview, Qt.Key.Key_1)
        qtbot.keyClick(preview, Qt.Key.Key_A)
        qtbot.keyClick(preview, Qt.Key.Key_2)
        qtbot.keyClick(preview, Qt.Key.Key_R)
        qtbot.keyClick(preview.popup.edit, Qt.Key.Key_1)
        qtbot.keyClick(preview.popup.edit, Qt.Key.Key_Return)
        assert leaks(w) == [], leaks(w)[:5]
        case = w.doc.session.spec.case(case_id)
        got = {r.target: r.verdict.value for r in case.responses}
        assert got == {expected_first: "accept",
                       ({"model-a", "model-b"} - {expected_first}).pop(): "reject"}
        for r in case.responses:  # each verdict is on that target's own answer
            assert r.text.startswith("Thanks" if r.target == "model-a" else "Sorry")
    assert len(set(orders)) == 2  # shuffled per case, not one fixed order
    # the same case keeps its order; leaving blind mode shows the names again
    w.features.review.open_case("case-000")
    assert preview.colmap.targets == orders[0]
    w.features.review.blind.setChecked(False)
    assert [c.title.text() for c in preview.columns] == ["model-a", "model-b"]
    assert leaks(w)  # the walk does see the names when they are shown
