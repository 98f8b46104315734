"""Settings (issue 16): closing with unsaved profile edits asks Save / Discard / Cancel."""

from __future__ import annotations

import pytest


@pytest.fixture
def dialog(qtbot, window):
    from align_studio.providers.presets import PRESETS
    from align_studio.ui.shell.settings_dialog import SettingsDialog

    d = SettingsDialog(window.settings, window.runner, window)
    qtbot.addWidget(d)
    local = next(p for p in PRESETS.values() if not p.key_required)
    d.add_profile(local.id)
    d.show()
    return d


def test_close_without_edits_does_not_ask(dialog) -> None:
    assert not dialog.has_unsaved_edits()
    dialog.reject()
    assert not dialog.isVisible()


def test_cancel_keeps_the_dialog_and_the_edit(dialog, answer) -> None:
    dialog.base_url.setText("http://127.0.0.1:9/v1")
    found: list[str] = []
    answer("Cancel", found)
    dialog.reject()
    assert found and found[0].startswith("Unsaved changes")
    assert dialog.isVisible() and dialog.base_url.text() == "http://127.0.0.1:9/v1"
    dialog._show_profile(dialog.name.text())  # back to the stored values: teardown closes


def test_save_applies_the_edit_before_closing(dialog, answer) -> None:
    name = dialog.name.text()
    dialog.base_url.setText("http://127.0.0.1:9/v1")
    answer("Save")
    dialog.reject()
    assert not dialog.isVisible()
    assert dialog.store.get(name).base_url == "http://127.0.0.1:9/v1"


def test_discard_closes_and_keeps_the_stored_profile(dialog, answer) -> None:
    name = dialog.name.text()
    before = dialog.store.get(name).base_url
    dialog.base_url.setText("http://127.0.0.1:9/v1")
    answer("Discard")
    dialog.reject()
    assert not dialog.isVisible()
    assert dialog.store.get(name).base_url == before
