"""The first-run welcome (issue 16): it asks the reviewer name once and, in an empty
workspace, offers the example one instead of promising examples that are not there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from align_studio.ui.shell.context import reviewer_name
from align_studio.ui.shell.settings import default_workspace
from align_studio.ui.shell.welcome import WelcomeDialog


def _settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


def test_the_reviewer_name_is_asked_once_and_kept(qtbot, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    dialog = WelcomeDialog(default_workspace(), settings)
    qtbot.addWidget(dialog)
    assert dialog.reviewer_edit.text() == ""  # asked, not guessed from the OS login
    qtbot.keyClicks(dialog.reviewer_edit, "  Dana Smith ")
    dialog.close_button.click()
    assert reviewer_name(_settings(tmp_path)) == "Dana Smith"
    assert _settings(tmp_path).value("welcome/seen", False, bool)


def test_an_empty_workspace_offers_the_examples(qtbot, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    dialog = WelcomeDialog(empty, _settings(tmp_path))
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "three examples" not in text and "empty" in text
    assert dialog.examples_button is not None
    with qtbot.waitSignal(dialog.sig_open_workspace) as opened:
        dialog.examples_button.click()
    folder = opened.args[0]
    assert any(folder.glob("*.yaml"))  # the example workspace really holds specs
    assert folder == default_workspace()


def test_a_workspace_with_specs_names_how_many(qtbot, tmp_path: Path,
                                               workspace: Path) -> None:
    dialog = WelcomeDialog(workspace, _settings(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.examples_button is None
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "holds 2 specs" in texts
