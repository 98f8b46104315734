"""``align-studio providers`` end to end, in a subprocess with its own ALIGN_STUDIO_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keychain import SecretServiceKeychain

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run ``python -m align_studio providers ARGS`` with the test's environment."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "align_studio", "providers", *args],
                          input=stdin, capture_output=True, text=True, env=full_env,
                          cwd=ROOT, timeout=60, check=False)


def test_add_list_set_key_test_remove(secret_service: SecretServiceKeychain,
                                      keychain_backend: object, models_server: str) -> None:
    from tests.providers.conftest import GOOD_KEY

    home = Path(os.environ["ALIGN_STUDIO_HOME"])
    env = secret_service.env()
    r = run_cli("add", "Tiny", "--preset", "custom", "--base-url", models_server + "/v1",
                env=env)
    assert r.returncode == 0, r.stderr
    assert "Added provider profile 'Tiny'" in r.stdout
    r = run_cli("add", "Local", "--preset", "ollama", env=env)
    assert r.returncode == 0, r.stderr
    saved = json.loads((home / "config" / "providers.json").read_text())
    assert [p["name"] for p in saved["profiles"]] == ["Tiny", "Local"]

    r = run_cli("set-key", "Tiny", stdin=GOOD_KEY + "\n", env=env)
    assert r.returncode == 0, r.stderr
    assert "Stored the key for 'Tiny' in the keychain (sk-…cdef)" in r.stdout
    assert GOOD_KEY not in r.stdout + r.stderr

    r = run_cli(env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["NAME", "PRESET", "BASE", "URL", "KEY"]
    tiny = next(line for line in lines if line.startswith("Tiny"))
    assert "custom" in tiny and models_server in tiny and "keychain (sk-…cdef)" in tiny
    assert "not needed" in next(line for line in lines if line.startswith("Local"))

    r = run_cli("--test", "Tiny", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ok" in r.stdout and "big-model" in r.stdout

    r = run_cli("--test", env=env)  # Local: nothing listens on Ollama's port here
    assert r.returncode == 1
    assert "FAIL Local" in r.stdout and "Is Ollama running?" in r.stdout

    r = run_cli("remove", "Tiny", env=env)
    assert r.returncode == 0, r.stderr
    backend = secret_service.backend
    assert backend.get_password("align-studio", "Tiny") is None  # type: ignore[attr-defined]
    r = run_cli("--test", "Tiny", env=env)
    assert r.returncode == 3 and "no provider profile named 'Tiny'" in r.stderr


def test_rejected_key_fails_the_test(secret_service: SecretServiceKeychain,
                                     keychain_backend: object, models_server: str) -> None:
    env = secret_service.env()
    assert run_cli("add", "Tiny", "--preset", "custom", "--base-url",
                   models_server + "/v1", env=env).returncode == 0
    assert run_cli("set-key", "Tiny", stdin="sk-wrong-one-00000000\n", env=env).returncode == 0
    r = run_cli("--test", "Tiny", env=env)
    assert r.returncode == 1 and "rejected the API key" in r.stdout


def test_no_keychain_is_said_plainly() -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "DBUS_SESSION_BUS_ADDRESS": ""}
    assert run_cli("add", "Cloud", "--preset", "openai", env=env).returncode == 0
    r = run_cli("set-key", "Cloud", stdin="sk-never-stored-12345678\n", env=env)
    assert r.returncode == 3
    assert "No keychain is available on this system, so Align Studio cannot store the key. " \
           "Name an environment variable that holds it, or enter it for this session only." \
           in r.stderr
    r = run_cli("--test", "Cloud", env={**env, "OPENAI_API_KEY": "sk-generic-000000000000"})
    assert r.returncode == 1 and "has no API key" in r.stdout  # a generic variable is not read


def test_usage_errors_and_bad_settings() -> None:
    r = run_cli("add", "X", "--preset", "nonsense")
    assert r.returncode == 2
    r = run_cli("add", "Az", "--preset", "azure")
    assert r.returncode == 3 and "needs a base URL" in r.stderr
    settings = Path(os.environ["ALIGN_STUDIO_HOME"]) / "config" / "providers.json"
    settings.write_text('{"profiles": [\n  {"name": \n')
    r = run_cli()
    assert r.returncode == 3 and "line 3" in r.stderr and "providers.json.bak" in r.stderr


@pytest.mark.parametrize(("args", "expected"), [(["presets"], "http://localhost:11434/v1"),
                                              (["--help"], "set-key")])
def test_informational_commands(args: list[str], expected: str) -> None:
    r = run_cli(*args)
    assert r.returncode == 0 and expected in r.stdout
