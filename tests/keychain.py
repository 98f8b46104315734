"""A real keychain for tests: a private D-Bus session bus with an unlocked gnome-keyring.

Use from any conftest::

    from tests.keychain import secret_service  # noqa: F401  (a session-scoped fixture)

The fixture starts, once per test run::

    dbus-daemon --nofork --nopidfile --print-address=1 --config-file=<tmp>/bus.conf
    printf test | gnome-keyring-daemon --foreground --unlock --components=secrets

(the second with ``DBUS_SESSION_BUS_ADDRESS`` of the first, and its own ``XDG_RUNTIME_DIR``,
``XDG_DATA_HOME`` and ``HOME`` in a temporary folder, so that the "login" collection it
creates, unlocked with the password ``test``, lives there). It then sets
``os.environ["DBUS_SESSION_BUS_ADDRESS"]`` and ``PYTHON_KEYRING_BACKEND`` (so subprocesses
find the same keychain), forces ``keyring.set_keyring(SecretService.Keyring())``, and at the
end stops both daemons and restores everything. The bus has no service directories, so
nothing is ever auto-started on it. Without the binaries, the tests that use it are
skipped with a visible reason; with the binaries, a failure to start is an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tools import SYSTEM_DIRS, missing

SECRETS_BUS_NAME = "org.freedesktop.secrets"
PASSWORD = b"test"

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass
class SecretServiceKeychain:
    """The running test keychain."""

    bus_address: str
    root: Path
    backend: object  # keyring.backends.SecretService.Keyring

    def env(self) -> dict[str, str]:
        """Environment entries a subprocess needs to use this keychain."""
        return {"DBUS_SESSION_BUS_ADDRESS": self.bus_address,
                "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}

    def clear(self, service: str = "align-studio") -> None:
        """Delete every item stored under ``service`` (between tests)."""
        import secretstorage

        conn = secretstorage.dbus_init()
        try:
            collection = secretstorage.get_default_collection(conn)
            for item in collection.search_items({"service": service}):
                item.delete()
        finally:
            conn.close()


def _name_has_owner(address: str, name: str) -> bool:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection(address)
    try:
        msg = new_method_call(DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                                          interface="org.freedesktop.DBus"),
                              "NameHasOwner", "s", (name,))
        return bool(conn.send_and_get_reply(msg, timeout=2).body[0])
    finally:
        conn.close()


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _skip_reason() -> str | None:
    for program in ("gnome-keyring-daemon", "dbus-daemon"):
        if shutil.which(program, path=SYSTEM_DIRS) is None:
            return f"{program} not installed (.ci/run installs it): keychain tests skipped"
    try:
        import jeepney  # noqa: F401
        import secretstorage  # noqa: F401
    except ImportError:
        return "SecretStorage not installed (pip install SecretStorage): keychain tests skipped"
    return None


@pytest.fixture(scope="session")
def secret_service() -> Iterator[SecretServiceKeychain]:
    """A private, unlocked Secret Service (gnome-keyring) used by :mod:`keyring`."""
    reason = _skip_reason()
    if reason:
        missing(reason)
    import keyring
    from keyring.backends import SecretService

    # A short folder: a unix socket path must stay under ~100 characters.
    root = Path(tempfile.mkdtemp(prefix="as-keychain-"))
    for sub in ("run", "data", "home", "config"):
        (root / sub).mkdir(mode=0o700)
    socket = root / "bus"
    (root / "bus.conf").write_text(_BUS_CONFIG.format(socket=socket), encoding="utf-8")
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_"))}
    child_env.update(HOME=str(root / "home"), XDG_RUNTIME_DIR=str(root / "run"),
                     XDG_DATA_HOME=str(root / "data"), XDG_CONFIG_HOME=str(root / "config"))
    bus = keyring_daemon = None
    saved_env = {k: os.environ.get(k) for k in ("DBUS_SESSION_BUS_ADDRESS",
                                                 "PYTHON_KEYRING_BACKEND")}
    saved_keyring = keyring.get_keyring()
    try:
        bus = subprocess.Popen(
            [shutil.which("dbus-daemon", path=SYSTEM_DIRS) or "dbus-daemon", "--nofork",
             "--nopidfile", "--nosyslog", "--print-address=1",
             f"--config-file={root / 'bus.conf'}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env)
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        if not address:
            err = bus.stderr.read().decode(errors="replace") if bus.stderr else ""
            raise RuntimeError(f"dbus-daemon did not start: {err.strip()}")
        child_env["DBUS_SESSION_BUS_ADDRESS"] = address
        keyring_daemon = subprocess.Popen(
            [shutil.which("gnome-keyring-daemon", path=SYSTEM_DIRS) or "gnome-keyring-daemon",
             "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=child_env)
        assert keyring_daemon.stdin is not None
        keyring_daemon.stdin.write(PASSWORD)  # --unlock reads the password up to EOF
        keyring_daemon.stdin.close()
        deadline = time.monotonic() + 15
        while not _name_has_owner(address, SECRETS_BUS_NAME):
            if keyring_daemon.poll() is not None or time.monotonic() > deadline:
                err = keyring_daemon.stderr.read().decode(errors="replace") \
                    if keyring_daemon.stderr and keyring_daemon.poll() is not None else ""
                raise RuntimeError(f"gnome-keyring-daemon did not offer {SECRETS_BUS_NAME} "
                                   f"on the test bus: {err.strip() or 'timed out'}")
            time.sleep(0.05)
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.SecretService.Keyring"
        backend = SecretService.Keyring()
        keyring.set_keyring(backend)
        service = SecretServiceKeychain(address, root, backend)
        service.clear()  # also proves the default collection exists and is unlocked
        yield service
    finally:
        keyring.set_keyring(saved_keyring)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _stop(keyring_daemon)
        _stop(bus)
        for proc in (keyring_daemon, bus):
            for stream in (proc.stdout, proc.stderr) if proc else ():
                if stream:
                    stream.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def keychain_backend(secret_service: SecretServiceKeychain) -> Iterator[object]:
    """The test keychain's backend, emptied of Align Studio's items before and after."""
    secret_service.clear()
    yield secret_service.backend
    secret_service.clear()
