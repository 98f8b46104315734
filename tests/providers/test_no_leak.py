"""The secrets bar: a planted key goes through everything we own and shows up nowhere."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from align_studio import appdirs
from align_studio.providers.connection import check_connection, resolve_endpoint
from align_studio.providers.profiles import ProfileStore, profile_from_preset
from align_studio.providers.secrets import Keychain, SecretsError, SessionKeys, key_status
from tests.keychain import SecretServiceKeychain
from tests.providers.test_cli import run_cli

PLANTED = "sk-test-PLANTED-7f3a9c"
#: Pieces that would betray the key even if it were cut or masked badly.
PIECES = (PLANTED, "PLANTED-7f3a9c", "test-PLANTED")


def _assert_clean(text: str, where: str) -> None:
    for piece in PIECES:
        assert piece not in text, f"the planted key leaked into {where}"


def _scan(folder: Path) -> int:
    scanned = 0
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for piece in PIECES:
                for encoding in ("utf-8", "utf-16-le"):
                    assert piece.encode(encoding) not in data, f"the key leaked into {path}"
            scanned += 1
    return scanned


def test_the_planted_key_appears_nowhere(secret_service: SecretServiceKeychain,
                                         keychain_backend: object, models_server: str,
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    home = Path(os.environ["ALIGN_STUDIO_HOME"])
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    monkeypatch.chdir(workspace)
    env = {**secret_service.env(), "ALIGN_STUDIO_LOG_LEVEL": "DEBUG"}
    log_file = appdirs.setup_logging("DEBUG")
    seen: list[str] = []  # every message, repr and output a person could see

    # The CLI: add profiles, store the key, list, test against servers that reject it.
    for args in (["add", "Planted", "--preset", "custom", "--base-url", models_server + "/v1"],
                 ["add", "Boom", "--preset", "openai", "--base-url", models_server + "/boom/v1"],
                 ["add", "Down", "--preset", "openrouter", "--base-url",
                  "http://127.0.0.1:9/v1"]):
        r = run_cli(*args, env=env)
        assert r.returncode == 0, r.stderr
    for name in ("Planted", "Boom", "Down"):
        r = run_cli("set-key", name, stdin=PLANTED + "\n", env=env)
        assert r.returncode == 0, r.stderr
        seen += [r.stdout, r.stderr]
    r = run_cli(env=env)
    seen += [r.stdout, r.stderr]
    assert "sk-…3a9c" in r.stdout  # the key is there, masked
    r = run_cli("--test", env=env)
    seen += [r.stdout, r.stderr]
    assert r.returncode == 1 and "rejected the API key" in r.stdout
    assert "HTTP 500" in r.stdout  # the error body that echoed the key was redacted

    # The library: endpoints, statuses, connection results, errors — all at DEBUG.
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    assert chain.get("Planted") == PLANTED
    store = ProfileStore(keychain=chain)
    endpoint = resolve_endpoint("Planted", store, keychain=chain, model="x")
    assert endpoint.api_key == PLANTED
    seen += [repr(endpoint), str(endpoint), repr(store), repr(chain)]
    for profile in store.list():
        seen += [repr(profile), str(key_status(profile, keychain=chain))]
        result = check_connection(profile, keychain=chain)
        assert not result.ok
        seen += [repr(result), result.message]
    session = SessionKeys()
    session.set("Elsewhere", PLANTED)
    seen.append(repr(session))
    try:
        chain.set("Planted", "   ")
    except SecretsError as exc:
        seen += [str(exc), repr(exc)]
    try:
        profile_from_preset("Bad", "custom", base_url="http://h/v1", api_key=PLANTED)
    except ValueError as exc:
        seen += [str(exc), repr(exc)]

    log = logging.getLogger("align_studio.test_no_leak")
    log.debug("a careless debug line with the key %s in it", PLANTED)
    log.info("headers were %r", {"Authorization": f"Bearer {PLANTED}"})
    try:
        raise RuntimeError(f"something failed while using {PLANTED}")
    except RuntimeError:
        log.exception("an error path with a traceback")
    for handler in logging.getLogger("align_studio").handlers:
        handler.flush()

    for i, text in enumerate(seen):
        _assert_clean(text, f"output/message #{i}: {text[:80]!r}")
    log_text = log_file.read_text(encoding="utf-8")
    assert "a careless debug line" in log_text and "sk-…3a9c" in log_text
    assert "Traceback" in log_text
    scanned = _scan(home) + _scan(workspace)
    assert scanned >= 2  # at least the settings file and the log
    # gnome-keyring keeps the key encrypted: not even the keychain file holds it in clear.
    _scan(secret_service.root / "data")
