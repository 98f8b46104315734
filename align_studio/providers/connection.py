"""From a profile to a live connection: :func:`resolve_endpoint` and a connection test.

:func:`check_connection` (synchronous: call it from a background task, never the GUI
thread) lists the server's models (``GET {base_url}/models``) with a short
timeout and turns every failure into a sentence a PM can act on: the key was rejected, no
server answers at the URL ("is Ollama running?"), it took too long, or what answered is not
an OpenAI-compatible server.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import server_detail
from align_studio.providers.presets import PRESETS
from align_studio.providers.profiles import ProfileStore, ProviderProfile
from align_studio.providers.redact import mask_key, redact
from align_studio.providers.secrets import (
    Keychain,
    SecretsError,
    SessionKeys,
    require_key,
)

log = logging.getLogger(__name__)

DEFAULT_TEST_TIMEOUT = 10.0
#: How much of an error page is looked at (a key further in is never shown either).
ERROR_BODY_CHARS = 64 * 1024


def resolve_endpoint(profile_name: str, store: ProfileStore | None = None,
                     session_keys: SessionKeys | None = None, *, model: str | None = None,
                     keychain: Keychain | None = None,
                     environ: Mapping[str, str] | None = None) -> Endpoint:
    """The :class:`Endpoint` for a profile: its settings plus its key (env → keychain →
    session), and the prices of ``model`` when given.

    Raises :class:`~align_studio.providers.profiles.ProfileNotFound` or
    :class:`~align_studio.providers.secrets.MissingKeyError`, whose messages say what to do.
    """
    store = store if store is not None else ProfileStore(keychain=keychain)
    return endpoint_for(store.get(profile_name), session_keys, model=model, keychain=keychain,
                        environ=environ)


def endpoint_for(profile: ProviderProfile, session_keys: SessionKeys | None = None, *,
                 model: str | None = None, keychain: Keychain | None = None,
                 environ: Mapping[str, str] | None = None) -> Endpoint:
    """Like :func:`resolve_endpoint`, for a profile already at hand."""
    key = require_key(profile, keychain=keychain, session_keys=session_keys, environ=environ)
    price = profile.price_for(model)
    log.debug("endpoint for profile %r: %s, key from %s (%s)", profile.name, profile.base_url,
              key.source.value, mask_key(key.value))
    return Endpoint(
        base_url=profile.base_url,
        api_key=key.value,
        headers=dict(profile.headers),
        timeout=profile.timeout,
        max_tokens_param=profile.max_tokens_param,
        stream_usage=profile.stream_usage,
        concurrency=profile.concurrency,
        price_in=price.input if price else None,
        price_out=price.output if price else None,
        max_retries=profile.max_retries,
        deadline=profile.deadline,
        max_answer_chars=profile.max_answer_chars,
    )


class Failure(enum.StrEnum):
    """Why a connection test failed."""

    NO_KEY = "no-key"
    KEY_REJECTED = "key-rejected"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    NOT_OPENAI = "not-openai-compatible"
    SERVER_ERROR = "server-error"


@dataclass(frozen=True)
class ConnectionResult:
    """The outcome of a connection test; ``message`` is for a PM, never contains the key."""

    profile: str
    ok: bool
    message: str
    models: tuple[str, ...] = ()
    #: Seconds until the answer (None when nothing answered).
    latency: float | None = None
    failure: Failure | None = None
    status: int | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def check_connection(profile: ProviderProfile, *, session_keys: SessionKeys | None = None,
                     keychain: Keychain | None = None,
                     environ: Mapping[str, str] | None = None,
                     timeout: float = DEFAULT_TEST_TIMEOUT) -> ConnectionResult:
    """List the models of ``profile``'s server; never raises for a failed connection.

    Blocks for up to ``timeout`` seconds: the window calls it as a ``TaskRunner`` task.
    """
    name = profile.name
    try:
        key = require_key(profile, keychain=keychain, session_keys=session_keys,
                          environ=environ)
    except SecretsError as exc:  # no key, or a keychain that fails while being read
        return ConnectionResult(name, False, str(exc), failure=Failure.NO_KEY)
    url = profile.base_url + "/models"
    headers = {**profile.headers, "Authorization": f"Bearer {key.value}"}
    hint = PRESETS[profile.preset].start_hint if profile.preset in PRESETS else ""
    started = time.monotonic()
    try:
        # Loopback servers are never reached through a proxy from the environment.
        with httpx.Client(timeout=timeout, trust_env=not _is_loopback(url),
                          follow_redirects=True) as client:
            response = client.get(url, headers=headers)
    except httpx.TimeoutException:
        return ConnectionResult(
            name, False, f"The server at {profile.base_url} did not answer within "
            f"{timeout:g} seconds. {hint}".strip(), failure=Failure.TIMEOUT)
    except (httpx.ConnectError, httpx.NetworkError, httpx.ProxyError) as exc:
        detail = redact(str(exc)) or type(exc).__name__
        return ConnectionResult(
            name, False, f"No server could be reached at {profile.base_url} ({detail}). "
            f"{hint}".strip(), failure=Failure.UNREACHABLE)
    except httpx.HTTPError as exc:
        return ConnectionResult(
            name, False, f"The connection to {profile.base_url} failed: "
            f"{redact(str(exc)) or type(exc).__name__}.", failure=Failure.UNREACHABLE)
    latency = time.monotonic() - started
    return _interpret(profile, key.detail, response, latency)


def _interpret(profile: ProviderProfile, key_detail: str, response: httpx.Response,
               latency: float) -> ConnectionResult:
    name, status = profile.name, response.status_code
    if status in (401, 403):
        return ConnectionResult(
            name, False, f"The server at {profile.base_url} rejected the API key "
            f"(HTTP {status}). Check the key for '{name}' (it came from {key_detail}).",
            latency=latency, failure=Failure.KEY_REJECTED, status=status)
    if status == 404:
        return ConnectionResult(
            name, False, f"{profile.base_url} answered, but has no /models endpoint (HTTP "
            "404): it is not an OpenAI-compatible server, or the base URL is wrong (it "
            "usually ends in /v1).", latency=latency, failure=Failure.NOT_OPENAI, status=status)
    if status >= 400:
        body = server_detail(response.text[:ERROR_BODY_CHARS])  # redacted, then cut
        return ConnectionResult(
            name, False, f"The server at {profile.base_url} answered with an error (HTTP "
            f"{status}): {body or response.reason_phrase}", latency=latency,
            failure=Failure.SERVER_ERROR, status=status)
    try:
        data = response.json()
        models = tuple(sorted(str(m["id"]) for m in data["data"]))
    except (ValueError, KeyError, TypeError):
        return ConnectionResult(
            name, False, f"{profile.base_url} answered, but not like an OpenAI-compatible "
            "server (its /models reply has no list of models). Check the base URL.",
            latency=latency, failure=Failure.NOT_OPENAI, status=status)
    noun = "model" if len(models) == 1 else "models"
    return ConnectionResult(
        name, True, f"Connected to {profile.base_url} in {latency * 1000:.0f} ms: "
        f"{len(models)} {noun} available.", models=models, latency=latency, status=status)
