"""API keys: the OS keychain, a named environment variable, or this session only.

A provider profile's key is looked up in this order, and nowhere else:

1. the environment variable the user named in the profile (``api_key_env``), if it is set;
2. the OS keychain through :mod:`keyring` (service ``align-studio``, user = profile name);
3. a key entered for this session only (:class:`SessionKeys`, kept in memory).

Keys are never written to disk by this module, and never appear in the ``repr``/``str``
of anything here, in log records or in exception messages: :func:`mask_key` shows at most
``sk-…abcd``, and :func:`redact` / :class:`RedactingFilter` mask key-like text and every key
this process has handled.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import keyring
import keyring.backend
import keyring.errors
from keyring.backends.chainer import ChainerBackend

from align_studio.providers.presets import placeholder_key

# The masking lives in providers.redact (one redactor for the whole app); these names stay
# importable from here, where their callers always found them.
from align_studio.providers.redact import (  # noqa: F401
    RedactingFilter,
    RedactingFormatter,
    mask_key,
    redact,
    remember_secret,
)

if TYPE_CHECKING:
    from align_studio.providers.profiles import ProviderProfile

log = logging.getLogger(__name__)

SERVICE = "align-studio"

NO_KEYCHAIN_MESSAGE = (
    "No keychain is available on this system, so Align Studio cannot store the key. "
    "Name an environment variable that holds it, or enter it for this session only."
)

# ---------------------------------------------------------------------------- errors


class SecretsError(Exception):
    """A key could not be stored, found or removed; the message is meant for a PM."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class KeychainUnavailable(SecretsError):
    """There is no usable OS keychain (no backend, or one that fails when used)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(NO_KEYCHAIN_MESSAGE + (f" ({detail})" if detail else ""))
        self.detail = redact(detail)


class MissingKeyError(SecretsError):
    """No source holds a key for a profile that needs one."""


# ---------------------------------------------------------------------------- session keys


class SessionKeys:
    """Keys entered for this session only: kept in memory, never written anywhere."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}
        self._lock = threading.Lock()

    def set(self, profile_name: str, key: str) -> None:
        """Hold ``key`` for ``profile_name`` until the app quits."""
        key = key.strip()
        if not key:
            raise SecretsError("The key is empty.")
        remember_secret(key)
        with self._lock:
            self._keys[profile_name] = key

    def get(self, profile_name: str) -> str | None:
        """The session key of a profile, or None."""
        with self._lock:
            return self._keys.get(profile_name)

    def delete(self, profile_name: str) -> None:
        """Forget a profile's session key (no error when there is none)."""
        with self._lock:
            self._keys.pop(profile_name, None)

    def rename(self, old: str, new: str) -> None:
        """Move a session key along with a renamed profile."""
        with self._lock:
            if old in self._keys:
                self._keys[new] = self._keys.pop(old)

    def __contains__(self, profile_name: object) -> bool:
        with self._lock:
            return profile_name in self._keys

    def __repr__(self) -> str:
        with self._lock:
            names = sorted(self._keys)
        return f"SessionKeys(profiles={names!r})"

    __str__ = __repr__


# ---------------------------------------------------------------------------- keychain


def _refused_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why a keyring backend is not acceptable as a keychain, or None when it is."""
    module = type(backend).__module__
    name = type(backend).__name__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return "no keychain backend is installed or running"
    # keyrings.alt's file backends keep keys in a file in the home folder: refused on purpose.
    if module.startswith("keyrings.alt") and ("file" in module or "Plaintext" in name
                                              or "Encrypted" in name):
        return f"the {name} backend stores keys in a plain file, which Align Studio refuses"
    if "plaintext" in name.lower():
        return f"the {name} backend stores keys in plain text, which Align Studio refuses"
    return None


def _choose_backend(backend: keyring.backend.KeyringBackend
                    ) -> tuple[keyring.backend.KeyringBackend | None, str]:
    """The concrete backend to use (a chainer is opened up), or None and the reason."""
    if isinstance(backend, ChainerBackend):
        reasons = []
        for candidate in backend.backends:  # sorted by priority, highest first
            reason = _refused_reason(candidate)
            if reason is None:
                return candidate, ""
            reasons.append(reason)
        return None, reasons[0] if reasons else "no keychain backend is installed or running"
    reason = _refused_reason(backend)
    return (None, reason) if reason else (backend, "")


class Keychain:
    """The OS keychain through one :mod:`keyring` backend, refusing unsafe ones.

    Pass a backend to use it (tests pass a real Secret Service, or a fail backend); by
    default the backend :func:`keyring.get_keyring` selects for this system is used.
    """

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._given = backend
        self._checked: tuple[keyring.backend.KeyringBackend | None, str] | None = None

    def _backend(self) -> keyring.backend.KeyringBackend:
        if self._checked is None:
            chosen, reason = _choose_backend(self._given or keyring.get_keyring())
            if chosen is not None:
                try:  # Secret Service without a D-Bus session, a locked store… fail here
                    chosen.get_password(SERVICE, "(align-studio availability probe)")
                except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
                    chosen, reason = None, _describe(exc)
            self._checked = (chosen, reason)
        chosen, reason = self._checked
        if chosen is None:
            raise KeychainUnavailable(reason)
        return chosen

    def available(self) -> bool:
        """Whether keys can be stored here; :meth:`unavailable_reason` says why not."""
        try:
            self._backend()
        except KeychainUnavailable:
            return False
        return True

    def unavailable_reason(self) -> str | None:
        """The plain message for a missing keychain, or None when the keychain works."""
        try:
            self._backend()
        except KeychainUnavailable as exc:
            return str(exc)
        return None

    @property
    def backend_name(self) -> str:
        """A readable name of the backend in use (e.g. ``SecretService Keyring``)."""
        try:
            backend = self._backend()
        except KeychainUnavailable:
            return "none"
        return f"{type(backend).__module__.rsplit('.', 1)[-1]} {type(backend).__name__}"

    def get(self, profile_name: str) -> str | None:
        """The stored key of a profile, or None. Raises :class:`KeychainUnavailable`."""
        backend = self._backend()
        try:
            key = backend.get_password(SERVICE, profile_name)
        except Exception as exc:  # noqa: BLE001
            raise KeychainUnavailable(_describe(exc)) from None
        if key:
            remember_secret(key)
        return key or None

    def set(self, profile_name: str, key: str) -> None:
        """Store a profile's key. Raises :class:`KeychainUnavailable` or :class:`SecretsError`."""
        key = key.strip()
        if not key:
            raise SecretsError("The key is empty; nothing was stored.")
        remember_secret(key)
        backend = self._backend()
        try:
            backend.set_password(SERVICE, profile_name, key)
        except keyring.errors.PasswordSetError as exc:
            raise SecretsError(f"The keychain refused to store the key: {_describe(exc)}"
                               ) from None
        except Exception as exc:  # noqa: BLE001
            raise KeychainUnavailable(_describe(exc)) from None
        log.info("stored the key of profile %r in the keychain (%s)", profile_name,
                 mask_key(key))

    def delete(self, profile_name: str) -> bool:
        """Remove a profile's key; True when there was one."""
        backend = self._backend()
        try:
            backend.delete_password(SERVICE, profile_name)
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as exc:  # noqa: BLE001
            raise KeychainUnavailable(_describe(exc)) from None
        log.info("removed the key of profile %r from the keychain", profile_name)
        return True

    def rename(self, old: str, new: str) -> None:
        """Move a stored key along with a renamed profile (nothing happens without one)."""
        key = self.get(old)
        if key is not None:
            self.set(new, key)
            self.delete(old)

    def __repr__(self) -> str:
        return f"Keychain(backend={type(self._given).__name__ if self._given else 'default'})"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return redact(f"{type(exc).__name__}: {text}" if type(exc).__name__ not in text else text)


# ---------------------------------------------------------------------------- lookup


class KeySource(enum.StrEnum):
    """Where a profile's key comes from."""

    ENV = "env"
    KEYCHAIN = "keychain"
    SESSION = "session"
    NOT_NEEDED = "not-needed"
    MISSING = "missing"


@dataclass(frozen=True)
class KeyStatus:
    """Where a profile's key would come from, without the key."""

    source: KeySource
    #: For a person: "environment variable MY_KEY", "keychain", "this session only"…
    detail: str
    #: ``sk-…abcd`` or ``…``; never the key.
    hint: str = ""
    #: Set when the keychain could not be asked (the plain no-keychain message).
    keychain_problem: str | None = None

    def __str__(self) -> str:
        return self.detail + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class ResolvedKey:
    """A key and where it came from; its ``repr`` shows only the masked form."""

    source: KeySource
    value: str = field(repr=False)
    detail: str = ""

    def __repr__(self) -> str:
        return f"ResolvedKey(source={self.source.value!r}, value={mask_key(self.value)!r})"

    __str__ = __repr__


def find_key(profile: ProviderProfile, *, keychain: Keychain | None = None,
             session_keys: SessionKeys | None = None,
             environ: Mapping[str, str] | None = None) -> tuple[ResolvedKey | None, str | None]:
    """Look a profile's key up in order; returns (key or None, keychain problem or None).

    ``profile.key_source`` narrows the lookup: ``auto`` tries env → keychain → session,
    ``env``/``keychain``/``session`` try only that source, ``none`` uses the preset's
    placeholder (local servers that need no key).
    """
    env = os.environ if environ is None else environ
    pref = profile.key_source
    problem: str | None = None
    value: str | None
    if pref == "none":
        return ResolvedKey(KeySource.NOT_NEEDED, placeholder_key(profile.preset),
                           "not needed"), None
    if pref in ("auto", "env") and profile.api_key_env:
        env_value = env.get(profile.api_key_env, "").strip()
        if env_value:
            remember_secret(env_value)
            return ResolvedKey(KeySource.ENV, env_value,
                               f"environment variable {profile.api_key_env}"), None
    if pref in ("auto", "keychain"):
        chain = keychain if keychain is not None else Keychain()
        try:
            value = chain.get(profile.name)
        except KeychainUnavailable as exc:
            value, problem = None, str(exc)
        if value:
            return ResolvedKey(KeySource.KEYCHAIN, value, "keychain"), None
    if pref in ("auto", "session") and session_keys is not None:
        value = session_keys.get(profile.name)
        if value:
            return ResolvedKey(KeySource.SESSION, value, "this session only"), None
    if pref == "auto" and not profile.key_required:
        return ResolvedKey(KeySource.NOT_NEEDED, placeholder_key(profile.preset),
                           "not needed"), None
    return None, problem


def key_status(profile: ProviderProfile, *, keychain: Keychain | None = None,
               session_keys: SessionKeys | None = None,
               environ: Mapping[str, str] | None = None) -> KeyStatus:
    """Where ``profile``'s key would come from right now (env/keychain/session/missing)."""
    found, problem = find_key(profile, keychain=keychain, session_keys=session_keys,
                              environ=environ)
    if found is None:
        return KeyStatus(KeySource.MISSING, "not set", "", problem)
    hint = "" if found.source is KeySource.NOT_NEEDED else mask_key(found.value)
    return KeyStatus(found.source, found.detail, hint, None)


def require_key(profile: ProviderProfile, *, keychain: Keychain | None = None,
                session_keys: SessionKeys | None = None,
                environ: Mapping[str, str] | None = None) -> ResolvedKey:
    """The profile's key, or :class:`MissingKeyError` saying plainly how to provide one."""
    found, problem = find_key(profile, keychain=keychain, session_keys=session_keys,
                              environ=environ)
    if found is not None:
        return found
    raise MissingKeyError(missing_key_message(profile, problem))


def missing_key_message(profile: ProviderProfile, keychain_problem: str | None) -> str:
    """What to tell a PM when a profile has no key."""
    text = f"Profile '{profile.name}' has no API key."
    if profile.api_key_env:
        text += f" It reads the environment variable {profile.api_key_env}, which is not set."
    if keychain_problem:
        return f"{text} {NO_KEYCHAIN_MESSAGE}"
    env = (f"set {profile.api_key_env}" if profile.api_key_env
           else "name an environment variable that holds it")
    return (f"{text} Store it in the keychain (align-studio providers set-key "
            f"{profile.name}), {env}, or enter it for this session only.")
