"""Keys in a real keychain (gnome-keyring over a private D-Bus), the lookup order, masking,
and a plain message when there is no usable keychain."""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backends import SecretService
from keyring.backends.chainer import ChainerBackend

from align_studio.providers.profiles import ProviderProfile, profile_from_preset
from align_studio.providers.secrets import (
    NO_KEYCHAIN_MESSAGE,
    Keychain,
    KeychainUnavailable,
    KeySource,
    MissingKeyError,
    SessionKeys,
    find_key,
    key_status,
    mask_key,
    redact,
    require_key,
)

KEY = "sk-proj-keychain-test-1234abcd"


def _profile(env: str | None = "AS_TEST_KEY", preset: str = "openai") -> ProviderProfile:
    return profile_from_preset("Team OpenAI", preset, api_key_env=env)


def test_set_get_delete_through_secret_service(keychain_backend: object) -> None:
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    assert chain.available() and chain.unavailable_reason() is None
    assert "SecretService" in chain.backend_name
    assert chain.get("Team OpenAI") is None
    chain.set("Team OpenAI", KEY + "\n")  # stripped
    assert chain.get("Team OpenAI") == KEY
    # It really is in the Secret Service, under service "align-studio", user = profile name.
    assert keyring.get_password("align-studio", "Team OpenAI") == KEY
    chain.rename("Team OpenAI", "Renamed")
    assert chain.get("Team OpenAI") is None and chain.get("Renamed") == KEY
    assert chain.delete("Renamed") is True
    assert chain.delete("Renamed") is False
    assert chain.get("Renamed") is None


def test_default_keychain_uses_the_selected_backend(keychain_backend: object) -> None:
    Keychain().set("Default", KEY)
    assert keyring.get_password("align-studio", "Default") == KEY


def test_lookup_order_env_then_keychain_then_session(keychain_backend: object) -> None:
    profile = _profile()
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    session = SessionKeys()
    environ = {"AS_TEST_KEY": "sk-from-env-000000000001", "OPENAI_API_KEY": "sk-generic-999999999"}
    session.set(profile.name, "sk-from-session-00000003")
    chain.set(profile.name, "sk-from-keychain-0000002")

    found, _ = find_key(profile, keychain=chain, session_keys=session, environ=environ)
    assert found is not None and found.source is KeySource.ENV
    assert found.value == "sk-from-env-000000000001"

    del environ["AS_TEST_KEY"]  # a generic OPENAI_API_KEY is never read unless named
    found, _ = find_key(profile, keychain=chain, session_keys=session, environ=environ)
    assert found is not None and found.source is KeySource.KEYCHAIN

    chain.delete(profile.name)
    found, _ = find_key(profile, keychain=chain, session_keys=session, environ=environ)
    assert found is not None and found.source is KeySource.SESSION
    assert found.value == "sk-from-session-00000003"

    session.delete(profile.name)
    status = key_status(profile, keychain=chain, session_keys=session, environ=environ)
    assert status.source is KeySource.MISSING
    with pytest.raises(MissingKeyError) as err:
        require_key(profile, keychain=chain, session_keys=session, environ=environ)
    assert "set-key" in str(err.value) and "AS_TEST_KEY" in str(err.value)


def test_key_source_preference_narrows_the_lookup(keychain_backend: object) -> None:
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    profile = _profile().model_copy(update={"key_source": "keychain"})
    chain.set(profile.name, "sk-from-keychain-0000002")
    found, _ = find_key(profile, keychain=chain, environ={"AS_TEST_KEY": "sk-env-00000000000"})
    assert found is not None and found.source is KeySource.KEYCHAIN
    local = profile_from_preset("Local", "ollama")
    status = key_status(local, keychain=chain, environ={})
    assert status.source is KeySource.NOT_NEEDED
    assert require_key(local, keychain=chain, environ={}).value == "ollama"


def test_key_status_never_shows_the_key(keychain_backend: object) -> None:
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    profile = _profile()
    chain.set(profile.name, KEY)
    status = key_status(profile, keychain=chain, environ={})
    assert status.source is KeySource.KEYCHAIN
    for text in (str(status), repr(status)):
        assert KEY not in text and "abcd" in text
    found, _ = find_key(profile, keychain=chain, environ={})
    assert KEY not in repr(found) and KEY not in str(found)


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring(),
                                     keyring.backends.null.Keyring()],
                         ids=["fail", "null"])
def test_no_keychain_backend_gives_the_plain_message(backend: keyring.backend.KeyringBackend
                                                     ) -> None:
    chain = Keychain(backend)
    assert not chain.available()
    assert chain.unavailable_reason().startswith(NO_KEYCHAIN_MESSAGE)  # type: ignore[union-attr]
    with pytest.raises(KeychainUnavailable) as err:
        chain.set("Team OpenAI", KEY)
    assert str(err.value).startswith(NO_KEYCHAIN_MESSAGE) and KEY not in str(err.value)
    # The alternatives still work: the named environment variable, then this session's key.
    profile = _profile()
    found, problem = find_key(profile, keychain=chain, environ={"AS_TEST_KEY": KEY})
    assert found is not None and found.source is KeySource.ENV and problem is None
    session = SessionKeys()
    session.set(profile.name, KEY)
    found, _ = find_key(profile, keychain=chain, session_keys=session, environ={})
    assert found is not None and found.source is KeySource.SESSION
    status = key_status(profile, keychain=chain, environ={})
    assert status.source is KeySource.MISSING and status.keychain_problem
    with pytest.raises(MissingKeyError) as missing:
        require_key(profile, keychain=chain, environ={})
    assert NO_KEYCHAIN_MESSAGE in str(missing.value)


def test_secret_service_without_a_session_bus_is_unavailable(
        monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-such-bus")
    chain = Keychain(SecretService.Keyring())
    assert not chain.available()
    assert chain.unavailable_reason().startswith(NO_KEYCHAIN_MESSAGE)  # type: ignore[union-attr]
    with pytest.raises(KeychainUnavailable):
        chain.get("anything")


class PlaintextKeyring(keyring.backend.KeyringBackend):
    """Stands in for keyrings.alt's file backend: only its kind matters here."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise AssertionError("a plain-text backend must never be asked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("a plain-text backend must never store a key")

    def delete_password(self, service: str, username: str) -> None:
        raise AssertionError("never")


PlaintextKeyring.__module__ = "keyrings.alt.file"


def test_plaintext_backends_are_refused() -> None:
    chain = Keychain(PlaintextKeyring())
    assert not chain.available()
    assert "plain" in chain.unavailable_reason()  # type: ignore[operator]
    with pytest.raises(KeychainUnavailable):
        chain.set("x", KEY)


class _Chain(ChainerBackend):
    """A chain of given backends, in priority order."""

    def __init__(self, backends: list[keyring.backend.KeyringBackend]) -> None:
        self._given = backends

    @property
    def backends(self) -> list[keyring.backend.KeyringBackend]:  # type: ignore[override]
        return self._given


def test_a_chain_uses_its_first_acceptable_backend(keychain_backend: object) -> None:
    chain = Keychain(_Chain([PlaintextKeyring(), keychain_backend]))  # type: ignore[list-item]
    chain.set("Chained", KEY)
    assert keyring.get_password("align-studio", "Chained") == KEY
    assert not Keychain(_Chain([PlaintextKeyring()])).available()


def test_masking_and_redaction() -> None:
    assert mask_key("sk-proj-abcdefghijklmnop1234") == "sk-…1234"
    assert mask_key("short") == "…"
    assert mask_key(None) == "(none)"
    text = redact("Authorization: Bearer abcdefghijklmnopqrstuvwx and sk-live-zzzzzzzzzzzz9999")
    assert "abcdefghijklmnopqrstuvwx" not in text and "zzzzzzzzzzzz" not in text
    assert "api_key=…" in redact("api_key=0123456789abcdefghij")
    session = SessionKeys()
    session.set("Weird", "plainlookingsecretvalue42")  # remembered, so masked anywhere
    assert "plainlookingsecretvalue42" not in redact("oops plainlookingsecretvalue42 here")
    assert "plainlooking" not in repr(session)


def test_the_logging_filter_masks_keys(caplog: pytest.LogCaptureFixture) -> None:
    from align_studio.providers.secrets import RedactingFilter

    logger = logging.getLogger("align_studio.test_masking")
    handler = caplog.handler
    handler.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.DEBUG, logger="align_studio.test_masking"):
            logger.debug("the key is %s", "sk-test-loggedkey-55555555")
    finally:
        handler.removeFilter(handler.filters[-1])
    assert "loggedkey" not in caplog.text and "sk-…5555" in caplog.text
