"""The target form: picking a provider profile from the list edits the target (undoably)."""

from __future__ import annotations

from align_studio.ui.shell.tab_key import TabKey


def test_choosing_a_provider_from_the_list_sets_it_and_undo_restores(qtbot, opened) -> None:
    w = opened
    w.editor.show_tab(TabKey.TARGETS)
    form = w.editor.targets.form
    target = w.doc.session.spec.targets[0]
    assert target.provider == "local" and form.provider.currentText() == "local"
    form.provider.addItem("cloud")  # as if a profile named so were set up in Settings
    form.provider.setCurrentIndex(form.provider.findText("cloud"))
    form.provider.activated.emit(form.provider.currentIndex())  # what a click in the list does
    assert w.doc.session.spec.targets[0].provider == "cloud"
    assert w.isWindowModified()
    w.doc.undo_stack.undo()
    assert w.doc.session.spec.targets[0].provider == "local"
    assert form.provider.currentText() == "local"


# ---- the provider list follows Settings; the model field offers the server's models -----

def _profile(name: str, url: str, **fields: object) -> None:
    from align_studio.providers.profiles import ProfileStore, profile_from_preset

    store = ProfileStore()
    store.add(profile_from_preset(name, "custom", base_url=url, **fields))  # type: ignore[arg-type]
    store.save()


def _items(combo) -> list[str]:  # type: ignore[no-untyped-def]
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_provider_list_follows_profiles_added_and_renamed_in_settings(
        qtbot, opened) -> None:
    from align_studio.providers.presets import PRESETS
    from align_studio.ui.shell.settings_dialog import SettingsDialog

    w = opened
    w.editor.show_tab(TabKey.TARGETS)
    form = w.editor.targets.form
    assert _items(form.provider) == []  # no profile set up yet
    local = next(p for p in PRESETS.values() if not p.key_required)

    dialog = SettingsDialog(w.settings, w.runner, w)
    qtbot.addWidget(dialog)
    dialog.add_profile(local.id)
    dialog.reject()
    form.provider.showPopup()  # the user opens the list: the new profile is there
    assert _items(form.provider) == [local.label]
    form.provider.hidePopup()
    assert form.provider.currentText() == "local"  # what the target says is untouched
    assert not w.isWindowModified()

    dialog = SettingsDialog(w.settings, w.runner, w)
    qtbot.addWidget(dialog)
    dialog.name.setText("Team server")
    dialog.apply_profile()
    dialog.reject()
    form.model.setFocus()
    form.provider.setFocus()  # tabbing into the field lists the profiles again too
    qtbot.waitUntil(lambda: _items(form.provider) == ["Team server"], timeout=2000)


def test_the_model_field_offers_the_models_test_connection_lists(qtbot, opened) -> None:
    from tests.loopback.server import LoopbackServer

    w = opened
    form = w.editor.targets.form
    with LoopbackServer(models=("alpha-1", "beta-2", "gamma-3")) as server:
        _profile("local", server.url, key_source="none")  # the spec's target uses "local"
        w.editor.show_tab(TabKey.TARGETS)
        # Asked in the background: the GUI thread goes on while the server answers.
        assert _items(form.model_box) == []
        qtbot.waitUntil(lambda: form.models_status.text().startswith("Asking"), timeout=2000)
        qtbot.waitUntil(lambda: _items(form.model_box) == ["alpha-1", "beta-2", "gamma-3"],
                        timeout=10000)
        assert "3 models from “local”" in form.models_status.text()
        assert form.model.text() == "llama3"  # the list came; the target's model stayed
        asked = form._models_task

        # Picking one edits the target, undoably.
        form.model_box.setCurrentIndex(1)
        form.model_box.activated.emit(1)  # what a click in the list does
        assert w.doc.session.spec.targets[0].model == "beta-2"
        w.doc.undo_stack.undo()
        assert w.doc.session.spec.targets[0].model == "llama3"
        assert form.model.text() == "llama3"

        # Typing completes from anywhere in a name; any other name may still be typed.
        completer = form.model_box.completer()
        completer.setCompletionPrefix("amm")
        assert completer.completionCount() == 1 and completer.currentCompletion() == "gamma-3"
        form.model.setFocus()
        form.model.selectAll()
        qtbot.keyClicks(form.model, "my-own-model")
        assert w.doc.session.spec.targets[0].model == "my-own-model"
        form.model_box.showPopup()
        form.model_box.hidePopup()
        assert form._models_task is asked  # asked once for the profile, not at every look


def test_a_failed_model_list_says_why_without_the_key_and_the_field_stays_usable(
        qtbot, opened, monkeypatch) -> None:
    from tests.loopback.server import LoopbackServer

    secret = "sk-h16-wrong-key-0123456789abcdef"
    monkeypatch.setenv("H16_TEST_KEY", secret)
    w = opened
    form = w.editor.targets.form
    with LoopbackServer(api_key="the-right-key") as server:
        _profile("local", server.url, key_source="env", api_key_env="H16_TEST_KEY")
        w.editor.show_tab(TabKey.TARGETS)
        qtbot.waitUntil(lambda: "could not be listed" in form.models_status.text(),
                        timeout=10000)
    status = form.models_status.text()
    assert "rejected the API key" in status and "You can still type a model name" in status
    assert secret not in status and secret not in form.models_status.toolTip()
    assert _items(form.model_box) == [] and form.model_box.isEnabled()
    form.model.setFocus()
    form.model.selectAll()
    qtbot.keyClicks(form.model, "gpt-4o-mini")
    assert w.doc.session.spec.targets[0].model == "gpt-4o-mini"
