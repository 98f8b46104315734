"""The one redactor: every text that may carry a credential passes through :func:`redact`.

Provider error bodies (a server or a proxy may quote the ``Authorization`` header back),
URLs, log records, exception messages and exports all use it, so a key shows up nowhere
but in the request that needs it. It masks, in this order:

1. every key this process has handled (:func:`remember_secret`) and any passed in, however
   they look (a random token without a prefix is only found this way);
2. key-shaped text: ``sk-…`` / ``sk-proj-…`` / ``rk-…`` / ``pk-…`` keys, ``Bearer …`` /
   ``Basic …`` / ``Token …`` credentials, the value of ``Authorization``, ``api-key``,
   ``x-api-key`` headers and of ``api_key=`` style pairs;
3. in URLs: the user info (``https://user:KEY@host``) and the values of query parameters
   that name a credential (``?api_key=``, ``key=``, ``token=``, ``access_token=``…).

A masked key reads ``sk-…abcd`` (at most the last four characters), so a person can still
tell which key it was. :func:`url_credentials` tells why a base URL must not be used as
typed: keys belong in the keychain, never in a URL that is stored and shown.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import parse_qsl, urlsplit

_known_lock = threading.Lock()
_known_keys: set[str] = set()
#: Keys shorter than this are not remembered: they would mask ordinary words.
MIN_SECRET = 6

#: One value of a credential: possessive (``++``) and not followed by ``…``, so that a
#: value masked before is never masked again (redacting twice changes nothing).
_VALUE = r"[^\s\"',;&<>…]{4,}+(?!…)"
_KEYLIKE = re.compile(
    # provider keys: sk-…, sk-proj-…, sk-or-v1-…, rk-…, pk-…
    r"(?P<sk>\b(?:sk|rk|pk)-[A-Za-z0-9_\-]{8,})"
    # an auth header or an api-key pair quoted back: the whole value, after its scheme
    r"|(?P<header>(?i:(?:proxy-)?authorization|x-api-key|api[-_ ]?key|x-goog-api-key)"
    r"[\"']?\s*[:=]\s*[\"']?(?:(?i:bearer|basic|token)\s+)?)"
    r"(?!(?i:bearer|basic|token)\s)" + _VALUE +
    # a credential scheme anywhere in text; the token must hold a digit, so that prose
    # ("basic understanding") is left alone
    r"|(?P<scheme>\b(?i:bearer|basic)\s+)(?=[A-Za-z_\-\.~+/=:]*\d)"
    r"[A-Za-z0-9_\-\.~+/=:]{8,}+(?!…)"
    # URL user info: scheme://user:secret@host or scheme://token@host
    r"|(?P<userinfo>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/\s@\"'<>]+@"
    # a query parameter that names a credential
    r"|(?P<param>[?&;](?i:api[-_]?key|key|token|access[-_]?token|auth(?:[-_]?token)?|"
    r"secret|client[-_]?secret|password|passwd|pwd|sig|signature)=)[^&#\s\"'<>…]++(?!…)"
)


def mask_key(key: str | None) -> str:
    """A recognisable but harmless form of a key: ``sk-…abcd`` at most, ``…`` when short."""
    if not key:
        return "(none)"
    if len(key) < 16:
        return "…"
    prefix = key[:3] if key[:3].isascii() and key[2:3] == "-" else ""
    return f"{prefix}…{key[-4:]}"


def remember_secret(key: str) -> None:
    """Note a key this process handles, so that :func:`redact` masks it wherever it shows up."""
    if key and len(key) >= MIN_SECRET:
        with _known_lock:
            _known_keys.add(key)


def known_secrets() -> list[str]:
    """The keys remembered so far, longest first (so a key inside another is masked last)."""
    with _known_lock:
        return sorted(_known_keys, key=len, reverse=True)


def _mask_match(m: re.Match[str]) -> str:
    if m.group("sk"):
        return mask_key(m.group("sk"))
    if m.group("userinfo"):
        return f"{m.group('userinfo')}…@"
    lead = m.group("header") or m.group("scheme") or m.group("param") or ""
    return f"{lead}{mask_key(m.group(0)[len(lead):])}"


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every known key, every key in ``secrets`` and anything key-like masked.

    Apply it to a whole text *before* cutting it short: a key cut in half no longer matches.
    """
    if not text:
        return text
    for key in sorted((s for s in secrets if s and len(s) >= MIN_SECRET), key=len,
                      reverse=True) + known_secrets():
        if key in text:
            text = text.replace(key, mask_key(key))
    return _KEYLIKE.sub(_mask_match, text)


def forget_known(text: str) -> str:
    """``text`` with only the exact keys this process handles masked (for model answers,
    whose key-shaped examples must stay as the model wrote them)."""
    for key in known_secrets():
        if key in text:
            text = text.replace(key, mask_key(key))
    return text


#: Query parameters of a base URL that would carry a credential.
_SECRET_PARAMS = {"api_key", "api-key", "apikey", "key", "token", "access_token",
                  "access-token", "auth", "auth_token", "secret", "client_secret",
                  "password", "passwd", "pwd", "code", "sig", "signature"}


def url_credentials(url: str) -> str | None:
    """Why ``url`` must not be used as a base URL (it holds a credential), or None.

    The message never repeats the URL or the credential.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if "@" in parts.netloc:
        return ("the base URL holds a user name or key before the host (user:…@); remove "
                "it and keep the key in the keychain (align-studio providers set-key) or "
                "in an environment variable you name")
    names = sorted({k.strip().lower() for k, _ in parse_qsl(parts.query,
                                                           keep_blank_values=True)}
                   & _SECRET_PARAMS)
    if names:
        return (f"the base URL carries a credential in its query ({', '.join(names)}=…); "
                "remove it and keep the key in the keychain (align-studio providers "
                "set-key) or in an environment variable you name")
    return None


class RedactingFilter(logging.Filter):
    """A logging filter that masks keys in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output (tracebacks included) passes through :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
