"""The Cases panel driven like a user would: typing, clicking, undo/redo, saving."""

from __future__ import annotations

import difflib

from PySide6.QtCore import Qt

from align_studio.domain import CheckType, Role
from align_studio.editing.session import EditSession
from tests.ui.cases.conftest import SPEC_TEXT


def diff(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines removed and the lines added between two texts."""
    removed, added = [], []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def saved_text(session: EditSession) -> str:
    session.spec_file.save()
    return session.spec_file.path.read_text(encoding="utf-8")


def test_opens_on_the_first_case_and_follows_selection(qtbot, panel) -> None:
    assert panel.form.case.id == "case-001"
    assert panel.form.title_edit.text() == "Order status"
    assert panel.filter_bar.count_label.text() == "3 cases"
    with qtbot.waitSignal(panel.sig_case_selected) as blocker:
        panel.select_case("case-003")
    assert blocker.args == ["case-003"]
    assert panel.form.case.id == "case-003"
    assert panel.form.category_combo.currentData() == "look-alike"
    assert panel.form.expected_combo.currentData() == "comply"


def test_typing_a_title_is_one_undo_step_and_saves_only_that_line(qtbot, panel, session,
                                                                   undo_stack) -> None:
    panel.select_case("case-003")
    qtbot.keyClicks(panel.form.title_edit, "Own address")
    case = session.spec.cases[2]
    assert case.title == "Own address"  # in the model at once: Ctrl+S saves it
    assert undo_stack.count() == 1  # the keystrokes merged
    assert panel.model.data(panel.model.index(2, 1)) == "Own address"
    text = saved_text(session)
    removed, added = diff(SPEC_TEXT, text)
    assert removed == [] and added == ["    title: Own address"]
    assert "# the most important rule" in text and "# the everyday question" in text
    undo_stack.undo()
    assert case.title is None and panel.form.title_edit.text() == ""
    assert saved_text(session) == SPEC_TEXT  # the undo leaves the file as it was
    undo_stack.redo()
    assert panel.form.title_edit.text() == "Own address"


def test_multi_turn_conversation(qtbot, panel, session, undo_stack) -> None:
    conv = panel.form.conversation
    case = session.spec.cases[0]
    qtbot.mouseClick(conv.add_assistant_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(conv.cards[1].text_edit, "Which order number?")
    qtbot.mouseClick(conv.add_user_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(conv.cards[2].text_edit, "It is 42.")
    assert [(m.role, m.content) for m in case.messages] == [
        (Role.USER, "Where is my order?"), (Role.ASSISTANT, "Which order number?"),
        (Role.USER, "It is 42.")]
    assert undo_stack.count() == 4
    # Move the last turn up, change a speaker, remove a turn.
    qtbot.mouseClick(conv.cards[2].up_button, Qt.MouseButton.LeftButton)
    assert [m.content for m in case.messages][1] == "It is 42."
    conv.cards[2].role_combo.setCurrentIndex(conv.cards[2].role_combo.findData("system"))
    assert case.messages[2].role == Role.SYSTEM
    qtbot.mouseClick(conv.cards[0].remove_button, Qt.MouseButton.LeftButton)
    assert len(case.messages) == 2 and len(conv.cards) == 2
    for _ in range(3):
        undo_stack.undo()
    assert [m.content for m in case.messages] == [
        "Where is my order?", "Which order number?", "It is 42."]
    assert conv.cards[2].text_edit.toPlainText() == "It is 42."
    assert conv.cards[1].role_combo.currentData() == "assistant"
    text = saved_text(session)
    removed, added = diff(SPEC_TEXT, text)
    assert removed == []
    assert "Which order number?" in "".join(added) and "It is 42." in "".join(added)
    assert "# the everyday question" in text
    for _ in range(4):
        undo_stack.undo()
    assert [m.content for m in case.messages] == ["Where is my order?"]
    assert len(conv.cards) == 1
    undo_stack.redo()
    assert len(conv.cards) == 2 and conv.cards[1].role_combo.currentData() == "assistant"


def test_link_and_unlink_behaviors(qtbot, panel, session, undo_stack) -> None:
    picker = panel.form.behaviors
    model = picker.model
    case = session.spec.cases[0]
    rows = {model.behavior_id(r): r for r in range(model.rowCount())}
    assert set(rows) == {"no-pii", "refund", "ask-order"}
    assert model.data(model.index(rows["ask-order"]), Qt.ItemDataRole.CheckStateRole) \
        == Qt.CheckState.Checked
    model.setData(model.index(rows["refund"]), Qt.CheckState.Checked,
                  Qt.ItemDataRole.CheckStateRole)
    assert case.behaviors == ["ask-order", "refund"]
    assert panel.model.data(panel.model.index(0, 4)) == "ask-order, refund"
    model.setData(model.index(rows["ask-order"]), Qt.CheckState.Unchecked,
                  Qt.ItemDataRole.CheckStateRole)
    assert case.behaviors == ["refund"]
    undo_stack.undo()
    assert case.behaviors == ["ask-order", "refund"]
    assert model.data(model.index(rows["ask-order"]), Qt.ItemDataRole.CheckStateRole) \
        == Qt.CheckState.Checked
    removed, added = diff(SPEC_TEXT, saved_text(session))
    assert removed == ["    behaviors: [ask-order]"]
    assert added == ["    behaviors: [ask-order, refund]"]
    undo_stack.undo()
    assert case.behaviors == ["ask-order"]
    # Searching the list narrows it to matching statements.
    qtbot.keyClicks(picker.search, "customer")
    assert picker.view.model().rowCount() == 1


def test_unknown_link_is_shown_with_its_problem_and_can_be_unlinked(qtbot, panel,
                                                                     session) -> None:
    panel.select_case("case-003")
    model = panel.form.behaviors.model
    ids = [model.behavior_id(r) for r in range(model.rowCount())]
    assert ids[-1] == "ghost"
    assert "not in this spec" in model.data(model.index(len(ids) - 1))
    label = panel.form.behaviors.problems
    qtbot.waitUntil(label.isVisible, timeout=2000)
    assert "ghost" in label.text()
    model.set_linked("ghost", False)
    assert session.spec.cases[2].behaviors == ["refund"]
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=2000)


def test_add_a_check_and_fill_it_in(qtbot, panel, session, undo_stack) -> None:
    checks = panel.form.checks
    case = session.spec.cases[0]
    qtbot.mouseClick(checks.add_button, Qt.MouseButton.LeftButton)
    assert len(case.checks) == 1 and case.checks[0].type == CheckType.CONTAINS
    card = checks.cards[0]
    qtbot.waitUntil(lambda: card.problems.isVisible(), timeout=2000)
    assert "needs a 'value'" in card.problems.text()
    qtbot.keyClicks(card.value_edit, "order number")
    assert case.checks[0].value == "order number"
    qtbot.waitUntil(lambda: not card.problems.isVisible(), timeout=2000)
    card.case_box.click()
    assert case.checks[0].case_sensitive is True
    card.negate_box.click()
    assert case.checks[0].negate is True
    # A type that needs a list carries the value over; a number type parses numbers.
    card.type_combo.setCurrentIndex(card.type_combo.findData("contains-any"))
    assert case.checks[0].values == ["order number"] and case.checks[0].value is None
    assert card.stack.currentWidget() is card.values_edit
    card.values_edit.moveCursor(card.values_edit.textCursor().MoveOperation.End)
    qtbot.keyClick(card.values_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(card.values_edit, "order id")
    assert case.checks[0].values == ["order number", "order id"]
    card.type_combo.setCurrentIndex(card.type_combo.findData("max-words"))
    qtbot.keyClicks(card.value_edit, "80")
    assert case.checks[0].value == 80
    card.type_combo.setCurrentIndex(card.type_combo.findData("json-schema"))
    qtbot.keyClicks(card.schema_edit, '{"type": "object"')
    assert card.schema_error.isVisible() and case.checks[0].schema_ is None
    qtbot.keyClicks(card.schema_edit, "}")
    assert case.checks[0].schema_ == {"type": "object"} and not card.schema_error.isVisible()
    text = saved_text(session)
    assert "    checks:\n      - type: json-schema\n" in text
    assert "schema:" in text and "# the everyday question" in text
    while undo_stack.canUndo():
        undo_stack.undo()
    assert case.checks == [] and checks.cards == []
    assert saved_text(session) == SPEC_TEXT


def test_edit_fields_undo_redo(qtbot, panel, session, undo_stack) -> None:
    form = panel.form
    case = session.spec.cases[0]
    form.category_combo.setCurrentIndex(form.category_combo.findData("boundary"))
    form.expected_combo.setCurrentIndex(form.expected_combo.findData("refuse"))
    qtbot.keyClicks(form.notes_edit, "Needs an order number.")
    assert (case.category.value, case.expected.value, case.notes) == (
        "boundary", "refuse", "Needs an order number.")
    assert panel.model.data(panel.model.index(0, 2)) == "boundary"
    removed, added = diff(SPEC_TEXT, saved_text(session))
    assert sorted(removed) == ["    category: expected", "    expected: clarify"]
    assert sorted(added) == ["    category: boundary", "    expected: refuse",
                             "    notes: Needs an order number."]
    undo_stack.undo()
    undo_stack.undo()
    assert form.expected_combo.currentData() == "clarify" and case.notes is None
    undo_stack.redo()
    assert form.expected_combo.currentData() == "refuse"
    # Editing the id tells whoever follows the selection.
    with qtbot.waitSignal(panel.sig_case_selected) as blocker:
        qtbot.keyClicks(form.id_edit, "b")
    assert blocker.args == ["case-001b"]


def test_add_duplicate_delete_cases(qtbot, panel, session, undo_stack) -> None:
    spec = session.spec
    panel.select_case("case-002")
    panel.duplicate_action.trigger()
    assert [c.id for c in spec.cases] == ["case-001", "case-002", "case-004", "case-003"]
    dup = spec.cases[2]
    assert dup.responses == [] and dup.checks[0].value == "refuse"
    assert dup.messages[0] is not spec.cases[1].messages[0]
    assert panel.form.case is dup
    panel.add_action.trigger()
    assert spec.cases[-1].id == "case-005" and panel.form.case is spec.cases[-1]
    assert spec.cases[-1].messages[0].role == Role.USER
    assert panel.filter_bar.count_label.text() == "5 cases"
    panel.select_case("case-002")
    panel.delete_action.trigger()
    assert panel.asked == ["case-002"]  # it had judged responses: asked first
    assert "case-002" not in [c.id for c in spec.cases]
    assert panel.form.case is not None and panel.form.case.id != "case-002"
    undo_stack.undo()
    assert spec.cases[1].id == "case-002" and len(spec.cases[1].responses) == 2
    for _ in range(2):
        undo_stack.undo()
    assert [c.id for c in spec.cases] == ["case-001", "case-002", "case-003"]
    assert saved_text(session) == SPEC_TEXT
    undo_stack.redo()
    assert spec.cases[2].id == "case-004"


def test_empty_states(qtbot, panel, session, undo_stack) -> None:
    panel.filter_bar.search_edit.setText("no such words anywhere")
    assert panel._pages.currentWidget() is panel.no_match
    assert panel.filter_bar.count_label.text() == "0 of 3 cases"
    qtbot.mouseClick(panel.no_match.clear_button, Qt.MouseButton.LeftButton)
    assert panel._pages.currentWidget() is panel.table
    assert panel.filter_bar.search_edit.text() == ""
    for _ in range(3):
        panel.select_case(session.spec.cases[0].id)
        panel.delete_action.trigger()
    assert session.spec.cases == []
    assert panel._pages.currentWidget() is panel.no_cases
    assert "Look-alike" in panel.no_cases.accessibleDescription()
    assert panel.form.case is None
    qtbot.mouseClick(panel.no_cases.add_button, Qt.MouseButton.LeftButton)
    assert [c.id for c in session.spec.cases] == ["case-001"]
    assert panel._pages.currentWidget() is panel.table


def test_filter_bar_and_search_shortcut(qtbot, panel) -> None:
    bar = panel.filter_bar
    panel.find_action.trigger()
    assert bar.search_edit.hasFocus()
    qtbot.keyClicks(bar.search_edit, "address")
    assert bar.count_label.text() == "2 of 3 cases"
    bar.behavior_combo.setCurrentIndex(bar.behavior_combo.findData("no-pii"))
    assert bar.count_label.text() == "1 of 3 cases"
    bar.verdict_combo.setCurrentIndex(bar.verdict_combo.findData("unjudged"))
    assert bar.count_label.text() == "0 of 3 cases"
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert bar.count_label.text() == "3 cases" and not panel.proxy.is_filtering()
    assert bar.behavior_combo.currentIndex() == 0


def test_edited_case_stays_visible_while_filtered(qtbot, panel, session) -> None:
    panel.filter_bar.search_edit.setText("where is")
    assert panel.proxy.rowCount() == 1 and panel.form.case.id == "case-001"
    panel.form.title_edit.clear()
    panel.form.conversation.cards[0].text_edit.selectAll()
    qtbot.keyClicks(panel.form.conversation.cards[0].text_edit, "Hello")
    assert session.spec.cases[0].messages[0].content == "Hello"
    assert panel.proxy.rowCount() == 1  # pinned while edited
    assert panel.form.case is session.spec.cases[0]
    panel.filter_bar.search_edit.setText("where")  # a new filter unpins it
    assert panel.proxy.rowCount() == 0 and panel._pages.currentWidget() is panel.no_match


def test_every_control_has_an_accessible_name(qtbot, panel) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit

    panel.form.checks.add_check()
    missing = [w for cls in (QLineEdit, QPlainTextEdit, QComboBox, QAbstractButton)
               for w in panel.findChildren(cls)
               if not w.accessibleName() and not (isinstance(w, QAbstractButton) and w.text())
               and w.isVisibleTo(panel) and not isinstance(w.parent(), QComboBox)]
    assert missing == []


def test_the_table_delegate_paints_exactly_as_qts(qtbot, panel) -> None:
    """The cases table paints each cell from the row's cache in one call; it must look
    exactly as Qt's own delegate painting the model's roles, verdict tints included."""
    from PySide6.QtWidgets import QStyledItemDelegate, QTableView

    from align_studio.ui.cases.table_delegate import CasesDelegate

    assert isinstance(panel.table.itemDelegate(), CasesDelegate)
    images = []
    for delegate in (CasesDelegate(panel.model, panel.proxy), QStyledItemDelegate()):
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(panel.proxy)
        view.setItemDelegate(delegate)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.resize(900, 400)
        view.selectRow(0)  # selected, alternate and tinted rows all differ
        view.show()
        qtbot.waitExposed(view)
        images.append(view.grab().toImage())
    assert images[0] == images[1]
    infos = [panel.model.info(r) for r in range(panel.model.rowCount())]
    assert any(i.accepted or i.rejected for i in infos)  # tinted cells were compared too
    assert any(i.checks for i in infos)  # and centred ones
