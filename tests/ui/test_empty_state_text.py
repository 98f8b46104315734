"""An empty state's explanation is drawn whole (the Generated tab's, at 1,024 × 640, had its
first and last lines cut: the layout gave the label the height of two lines at the layout's
width while it was drawn 460 px wide, on three)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

from align_studio.ui.shell.empty_state import EmptyState

LONG = ("Generate cases for the spec's behaviors with a model of your choice: expected use, "
        "adversarial, boundary, look-alike pairs and more. They wait here for you to accept, "
        "edit or discard each one.")


def test_a_long_explanation_gets_the_height_of_its_lines(qapp: QApplication) -> None:
    for width in (1000, 740, 520):
        stack = QStackedWidget()
        empty = EmptyState("No generated cases waiting", LONG, "Generate Cases…")
        stack.addWidget(empty)
        stack.addWidget(QWidget())
        stack.resize(width, 520)
        stack.show()
        qapp.processEvents()
        label = empty.text
        lines = label.height() // label.fontMetrics().lineSpacing()
        assert label.height() >= label.heightForWidth(label.width()), (width, label.height())
        assert lines >= 3, (width, lines)  # 460 px of this text is three lines
        stack.close()
        stack.deleteLater()
