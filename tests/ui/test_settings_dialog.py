"""Settings: add a profile from a preset, test the connection against a real loopback
server (off the GUI thread), store names."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


class _Models(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"object": "list", "data": [{"id": "tiny-1", "object": "model"},
                                                      {"id": "tiny-2", "object": "model"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Models)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_add_profile_and_test_connection(qtbot, window, server) -> None:
    from align_studio.providers.presets import PRESETS
    from align_studio.ui.shell.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window.runner, window)
    qtbot.addWidget(dialog)
    local = next(p for p in PRESETS.values() if not p.key_required)
    dialog.add_profile(local.id)
    assert dialog.names.count() == 1 and dialog.name.text() == local.label
    dialog.base_url.setText(server)
    dialog.key_source.setCurrentIndex(dialog.key_source.findData("none"))
    dialog.apply_profile()
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.models.count() == 2, timeout=10000)
    assert dialog.models.item(0).text() == "tiny-1"
    dialog.reviewer.setText("Ana")
    assert window.settings.value("user/reviewer") == "Ana"


def test_add_menu_adds_the_chosen_preset_and_names_are_remembered(qtbot, window) -> None:
    """Each entry of the Add menu adds its own preset (one entry per preset, not the last
    one bound for all), and the name fields show what was stored before."""
    from align_studio.providers.presets import PRESETS
    from align_studio.ui.shell.settings_dialog import SettingsDialog

    window.settings.setValue("user/reviewer", "Ana")
    window.settings.setValue("user/author", "Bo")
    dialog = SettingsDialog(window.settings, window.runner, window)
    qtbot.addWidget(dialog)
    assert (dialog.reviewer.text(), dialog.author.text()) == ("Ana", "Bo")
    actions = dialog.add_button.menu().actions()
    presets = list(PRESETS.values())
    assert [a.text() for a in actions] == [p.label for p in presets]
    actions[1].trigger()
    actions[0].trigger()
    names = [dialog.names.item(i).text() for i in range(dialog.names.count())]
    assert sorted(names) == sorted([presets[0].label, presets[1].label])
