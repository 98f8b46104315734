"""A check's value field is as wide as its card and one line high (issue 16).

Before the fix the value widget sat in a ``QStackedWidget``: as tall as its tallest page (a
JSON Schema box), so "30 days" got a 190-px box and a list check's lines were hidden under
it; before that, the fields were squeezed to 80–140 px beside the type. Measured in the
real window on the example spec, at 1,280 × 720 and at 1,024 × 640.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from align_studio.domain import CheckType
from align_studio.ui.cases.checks_editor import CheckCard
from align_studio.ui.shell.tab_key import TabKey
from tests.ui.laptop import example_workspace, settle

#: Narrower than this and a regex or a phrase to look for cannot be read at a glance.
READABLE_WIDTH = 250


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return example_workspace(tmp_path)


@pytest.mark.parametrize("size", [(1280, 720), (1024, 640)])
def test_value_fields_take_the_cards_width_and_one_line(qtbot, window, workspace: Path,
                                                         size: tuple[int, int]) -> None:
    app = QApplication.instance()
    assert window.open_spec(workspace / "customer-support.yaml")
    window.resize(*size)
    assert window.editor.show_tab(TabKey.CASES)
    window.editor.cases.select_case("cs-refund-in-window")  # contains, not-contains, …
    settle(app, 100)  # type: ignore[arg-type]
    cards = [c for c in window.editor.cases.findChildren(CheckCard) if c.isVisible()]
    types = {c.check.type for c in cards}
    assert {CheckType.CONTAINS, CheckType.REFUSAL, CheckType.MAX_WORDS} <= types, types
    for card in cards:
        field = card.stack.currentWidget()
        assert field is not None and field.isVisible()
        inner = card.contentsRect().width() - 12  # the card's 6-px margins each side
        assert field.width() >= inner - 2, (card.check.type, field.width(), inner)
        assert field.width() >= READABLE_WIDTH, (card.check.type, field.width())
        # One line of text (or one combo box) high, not the height of the tallest page.
        assert field.height() <= field.sizeHint().height() + 4, \
            (card.check.type, field.height(), field.sizeHint().height())


def test_a_regex_value_shows_whole(qtbot, window, workspace: Path) -> None:
    """Switching a check to regex keeps a long pattern readable in a 1,024-px window."""
    app = QApplication.instance()
    assert window.open_spec(workspace / "customer-support.yaml")
    window.resize(1024, 640)
    window.editor.show_tab(TabKey.CASES)
    window.editor.cases.select_case("cs-refund-in-window")
    settle(app, 100)  # type: ignore[arg-type]
    card = next(c for c in window.editor.cases.findChildren(CheckCard)
                if c.check.type == CheckType.CONTAINS)
    card.type_combo.setCurrentIndex(card.type_combo.findData("regex"))
    card.value_edit.setFocus()
    card.value_edit.selectAll()
    pattern = r"\b(30|thirty) days?\b"
    qtbot.keyClicks(card.value_edit, pattern)
    settle(app, 50)  # type: ignore[arg-type]
    assert card.check.type == CheckType.REGEX and card.check.value == pattern
    metrics = card.value_edit.fontMetrics()
    assert card.value_edit.width() > metrics.horizontalAdvance(pattern) + 16
    assert card.value_edit.height() <= card.value_edit.sizeHint().height() + 4
