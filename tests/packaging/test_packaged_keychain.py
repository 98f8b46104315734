"""The packaged app finds the real keychain: keyring's entry points and SecretService backend
must have been collected.

The app is built from the current sources by the ``packaged_app`` fixture. Uses the
gnome-keyring fixture of tests/keychain.py and lets keyring choose its backend itself (no
PYTHON_KEYRING_BACKEND), as it would for a user.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.keychain import SecretServiceKeychain, secret_service  # noqa: F401


@pytest.mark.slow
def test_packaged_app_uses_the_keychain(secret_service: SecretServiceKeychain,  # noqa: F811
                                        tmp_path: Path, packaged_app: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHON_KEYRING_BACKEND")}
    env.update(QT_QPA_PLATFORM="offscreen", ALIGN_STUDIO_HOME=str(tmp_path / "home"),
               DBUS_SESSION_BUS_ADDRESS=secret_service.bus_address)
    smoke = subprocess.run([str(packaged_app), "--smoke-test"], capture_output=True, text=True,
                           env=env, cwd=tmp_path, timeout=120)
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "keychain: SecretService Keyring" in smoke.stdout, smoke.stdout
    assert "run process: finished" in smoke.stdout, smoke.stdout  # freeze_support() works
