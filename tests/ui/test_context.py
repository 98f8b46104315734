"""The features are composed through the window's AppContext, in the real window.

What a feature needs (the open spec, the workspace, the tabs, the judge's grades, "show
this case") comes from the context; these tests drive the window as a PM does and check
that each feature sees it there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction

from align_studio.ui.shell.tab_key import EDITOR_TABS, TabKey


def test_the_context_tells_features_of_the_open_spec(window, workspace: Path) -> None:
    seen: list[object] = []
    window.ctx.sig_document_changed.connect(seen.append)
    assert window.open_spec(workspace / "support.yaml")
    assert window.ctx.doc is window.doc and window.doc is not None
    assert window.ctx.editor is window.editor
    assert seen == [window.doc]
    assert window.close_spec()
    assert seen[-1] is None and window.ctx.doc is None and window.ctx.editor is None
    grading = window.features.grading
    assert not grading.grade_checks.isEnabled()  # the feature heard that nothing is open


def test_every_tab_lands_in_its_place_and_is_found_by_key(opened) -> None:
    editor = opened.editor
    titles = [editor.tabs.tabText(i).split(" (")[0] for i in range(editor.tabs.count())]
    assert titles == [key.title for key in TabKey]  # four features added five tabs
    for key in TabKey:
        assert editor.tab(key) is not None and editor.show_tab(key)
        assert editor.tabs.currentWidget() is editor.tab(key)
    with pytest.raises(ValueError, match="Preview tab is there already"):
        editor.add_tab(TabKey.PREVIEW, editor.tab(TabKey.PREVIEW), editor.tabs.tabIcon(0))


def test_view_menu_and_feature_shortcuts_show_tabs_by_key(opened) -> None:
    registry = opened.action_registry
    assert list(registry.tabs) == list(EDITOR_TABS)
    registry.tabs[TabKey.TARGETS].trigger()
    assert opened.editor.tabs.currentWidget() is opened.editor.targets
    opened.features.grading.show_measures.trigger()
    assert opened.editor.tabs.currentWidget() is opened.features.grading.measures
    opened.features.review.show_results.trigger()
    assert opened.editor.tabs.currentWidget() is opened.features.review.matrix_panel


def test_qwidget_actions_is_not_hidden(window) -> None:
    # ``self.actions = Actions(...)`` used to replace QWidget.actions() on the window.
    actions = window.actions()
    assert all(isinstance(a, QAction) for a in actions)
    assert window.action_registry.save in actions
    assert window.features.review.run_all in actions  # a feature's action, same window


def test_show_case_goes_to_the_preview_and_grades_reach_it(opened) -> None:
    ctx, review = opened.ctx, opened.features.review
    case = opened.doc.session.spec.cases[-1].id
    ctx.show_case(case)  # what a click in Measures does
    assert opened.editor.tabs.currentWidget() is review.preview
    assert review.preview.case_id == case
    assert opened.editor.cases.current_case().id == case  # the Cases tab follows
    target = opened.doc.session.spec.targets[0].id
    assert review.preview.grade_lookup(case, target, "an answer") is None
    refreshed: list[bool] = []
    ctx.sig_grades_changed.connect(lambda: refreshed.append(True))
    ctx.set_judge_grades({(case, target, "an answer"): (False, "too curt")})
    assert refreshed == [True]
    assert review.preview.grade_lookup(case, target, "an answer") == (False, "too curt")
    assert review.matrix_panel.model.grade_lookup(case, target, "an answer") == (
        False, "too curt")  # the Results tooltips read the same grades
    ctx.set_judge_grades({(case, target, "an answer"): (False, "too curt")})
    assert refreshed == [True]  # the same grades again: nothing to redraw


def test_grading_follows_the_workspace(window, tmp_path: Path) -> None:
    # The grade job used to keep the workspace it was installed with: after File → Open
    # Workspace it graded the runs of the first folder.
    other = tmp_path / "other"
    other.mkdir()
    heard: list[Path] = []
    window.ctx.sig_workspace_changed.connect(heard.append)
    window.set_workspace(other)
    assert heard == [other.resolve()] and window.workspace == other.resolve()
    assert window.features.grading.job.workspace == other.resolve()


def test_a_deleted_tab_is_forgotten(qtbot, opened) -> None:
    editor = opened.editor
    history = editor.tab(TabKey.HISTORY)
    history.deleteLater()
    qtbot.waitUntil(lambda: editor.tab(TabKey.HISTORY) is None, timeout=2000)
    assert not editor.show_tab(TabKey.HISTORY)
    assert opened.ctx.show_tab(TabKey.MEASURES)  # the others are still found


def test_an_index_is_not_a_tab_key(opened) -> None:
    # Tabs were addressed by index: an old call must fail loudly, not show nothing.
    with pytest.raises(TypeError, match="TabKey"):
        opened.editor.show_tab(1)
