"""resolve_endpoint and the connection test against real HTTP servers on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.providers.connection import (
    Failure,
    check_connection,
    resolve_endpoint,
)
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.profiles import ProfileNotFound, ProfileStore, profile_from_preset
from align_studio.providers.secrets import Keychain, MissingKeyError, SessionKeys
from tests.providers.conftest import GOOD_KEY


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "providers.json")


def test_resolve_endpoint_from_keychain(store: ProfileStore, keychain_backend: object) -> None:
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    store.add(profile_from_preset("Router", "openrouter", concurrency=3, timeout=12.5))
    chain.set("Router", GOOD_KEY)
    endpoint = resolve_endpoint("Router", store, model="openai/gpt-4o-mini", keychain=chain,
                                environ={})
    assert isinstance(endpoint, Endpoint)
    assert endpoint.base_url == "https://openrouter.ai/api/v1"
    assert endpoint.api_key == GOOD_KEY
    assert endpoint.headers["X-Title"] == "Align Studio"
    assert (endpoint.concurrency, endpoint.timeout) == (3, 12.5)
    assert (endpoint.price_in, endpoint.price_out) == (0.15, 0.60)
    assert GOOD_KEY not in repr(endpoint)
    no_price = resolve_endpoint("Router", store, model="someone/unknown", keychain=chain,
                                environ={})
    assert no_price.price_in is None and no_price.price_out is None


def test_resolve_endpoint_env_session_and_missing(store: ProfileStore,
                                                  keychain_backend: object) -> None:
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    store.add(profile_from_preset("Env", "openai", api_key_env="AS_ENDPOINT_KEY"))
    endpoint = resolve_endpoint("Env", store, keychain=chain,
                                environ={"AS_ENDPOINT_KEY": "sk-env-key-0000aaaa"})
    assert endpoint.api_key == "sk-env-key-0000aaaa"
    assert endpoint.max_tokens_param == "max_completion_tokens"
    session = SessionKeys()
    session.set("Env", "sk-session-key-0000bbbb")
    assert resolve_endpoint("Env", store, session, keychain=chain, environ={}
                            ).api_key == "sk-session-key-0000bbbb"
    with pytest.raises(MissingKeyError, match="no API key"):
        resolve_endpoint("Env", store, keychain=chain, environ={})
    with pytest.raises(ProfileNotFound):
        resolve_endpoint("Nope", store, keychain=chain)
    store.add(profile_from_preset("Local", "ollama"))
    assert resolve_endpoint("Local", store, keychain=chain, environ={}).api_key == "ollama"


def test_resolve_endpoint_uses_the_default_store(keychain_backend: object) -> None:
    ProfileStore().add(profile_from_preset("Default", "lmstudio"))
    assert resolve_endpoint("Default").base_url == "http://localhost:1234/v1"


def _profile(url: str, key: str, **kw: object):  # type: ignore[no-untyped-def]
    session = SessionKeys()
    profile = profile_from_preset("Tiny", "custom", base_url=url, key_source="session", **kw)
    session.set("Tiny", key)
    return profile, session


def test_connection_ok_lists_models(models_server: str) -> None:
    profile, session = _profile(models_server + "/v1", GOOD_KEY)
    result = check_connection(profile, session_keys=session)
    assert result.ok, result.message
    assert result.models == ("big-model", "small-model")
    assert result.latency is not None and result.latency < 5
    assert "2 models available" in result.message


def test_connection_rejected_key(models_server: str) -> None:
    wrong = "sk-wrong-key-zzzz9999"
    profile, session = _profile(models_server + "/v1", wrong)
    result = check_connection(profile, session_keys=session)
    assert not result.ok and result.failure is Failure.KEY_REJECTED and result.status == 401
    assert "rejected the API key" in result.message and "this session only" in result.message
    assert wrong not in repr(result)


def test_connection_unreachable_names_the_server(closed_port_url: str) -> None:
    session = SessionKeys()
    profile = profile_from_preset("Ollama here", "ollama",
                                  base_url=closed_port_url)
    result = check_connection(profile, session_keys=session, keychain=None)
    assert not result.ok and result.failure is Failure.UNREACHABLE
    assert closed_port_url in result.message and "Is Ollama running?" in result.message


def test_connection_timeout(models_server: str) -> None:
    profile, session = _profile(models_server + "/slow/v1", GOOD_KEY)
    result = check_connection(profile, session_keys=session, timeout=0.5)
    assert not result.ok and result.failure is Failure.TIMEOUT
    assert "did not answer within 0.5 seconds" in result.message


@pytest.mark.parametrize("path", ["/html/v1", "/nowhere/v1"])
def test_connection_not_openai_compatible(models_server: str, path: str) -> None:
    profile, session = _profile(models_server + path, GOOD_KEY)
    result = check_connection(profile, session_keys=session)
    assert not result.ok and result.failure is Failure.NOT_OPENAI
    assert "OpenAI-compatible" in result.message


def test_connection_server_error_body_is_redacted(models_server: str) -> None:
    profile, session = _profile(models_server + "/boom/v1", GOOD_KEY)
    result = check_connection(profile, session_keys=session)
    assert not result.ok and result.failure is Failure.SERVER_ERROR and result.status == 500
    assert GOOD_KEY not in result.message


def test_connection_without_a_key(tmp_path: Path) -> None:
    import keyring.backends.fail

    profile = profile_from_preset("NoKey", "openai")
    result = check_connection(profile, keychain=Keychain(keyring.backends.fail.Keyring()),
                                   environ={})
    assert not result.ok and result.failure is Failure.NO_KEY
    assert "No keychain is available" in result.message


def test_connection_against_the_loopback_openai_server() -> None:
    loopback = pytest.importorskip("tests.loopback.server")
    with loopback.LoopbackServer(api_key=GOOD_KEY) as server:
        profile, session = _profile(server.url, GOOD_KEY)
        ok = check_connection(profile, session_keys=session)
        assert ok.ok and "loopback-small" in ok.models
        profile, session = _profile(server.url, "sk-not-the-right-one-1234")
        bad = check_connection(profile, session_keys=session)
        assert bad.failure is Failure.KEY_REJECTED
