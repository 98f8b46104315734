"""The configured remote of a workspace repository, and how to reach it.

The remote's URL lives in the repository's config *without* any secret. The secret (an
HTTPS token or password) lives in the OS keychain (:class:`Keychain`) under the user name
``git:<url>``; an HTTPS user name may be written in the URL (``https://ana@host/repo``),
which is not a secret. SSH remotes use the user's SSH keys and agent (a key file may be
named); dulwich runs the system ``ssh`` for them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dulwich.client import GitClient, HTTPUnauthorized, get_transport_and_path

from align_studio.providers.redact import redact, remember_secret
from align_studio.providers.secrets import Keychain, KeychainUnavailable
from align_studio.versions.repo import VersionsError, WorkspaceRepo

DEFAULT_REMOTE = "origin"


class SyncError(VersionsError):
    """A pull or push could not be done; the message is meant for a PM and holds no secret."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


@dataclass(frozen=True)
class Credentials:
    """How to log in to a remote: an HTTPS user and token, or an SSH key file."""

    username: str | None = None
    secret: str | None = field(default=None, repr=False)
    key_filename: str | None = None


def keychain_user(url: str) -> str:
    """The keychain user name under which a remote's secret is stored."""
    return f"git:{clean_url(url)}"


def clean_url(url: str) -> str:
    """A URL without a password in it (a user name is kept: it is not a secret)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.password is not None:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        user = f"{parts.username}@" if parts.username else ""
        return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))
    return url


def set_remote(repo: WorkspaceRepo, url: str, name: str = DEFAULT_REMOTE) -> str:
    """Configure (or change) a remote; a password in the URL is refused, not stored."""
    if clean_url(url) != url:
        raise SyncError("the address contains a password; enter the token separately so "
                        "that it is kept in the keychain, not in the repository")
    config = repo.repo.get_config()
    section = (b"remote", name.encode())
    config.set(section, b"url", url.encode())
    config.set(section, b"fetch", f"+refs/heads/*:refs/remotes/{name}/*".encode())
    config.write_to_path()
    return url


def remote_url(repo: WorkspaceRepo, name: str = DEFAULT_REMOTE) -> str:
    """The URL of a configured remote; raises :class:`SyncError` when there is none."""
    try:
        return repo.repo.get_config().get((b"remote", name.encode()), b"url").decode()
    except KeyError:
        raise SyncError(f"no remote named '{name}' is set up for this workspace; add its "
                        "address first") from None


def store_secret(url: str, secret: str, keychain: Keychain) -> None:
    """Keep a remote's token in the keychain (never in the repository's config)."""
    keychain.set(keychain_user(url), secret)


def forget_secret(url: str, keychain: Keychain) -> bool:
    """Remove a remote's token from the keychain; True when there was one."""
    return keychain.delete(keychain_user(url))


def credentials_for(url: str, keychain: Keychain | None) -> Credentials:
    """The credentials of a remote from the keychain (none found is not an error)."""
    user = urlsplit(url).username if "://" in url else None
    secret: str | None = None
    if keychain is not None and url.startswith(("http://", "https://")):
        try:
            secret = keychain.get(keychain_user(url))
        except KeychainUnavailable:
            secret = None
    return Credentials(user, secret)


def client_for(url: str, credentials: Credentials | None) -> tuple[GitClient, str]:
    """A dulwich client and path for a remote, logged in with the credentials."""
    kwargs: dict[str, Any] = {}
    creds = credentials or Credentials()
    if url.startswith(("http://", "https://")):
        if creds.secret:
            remember_secret(creds.secret)
            kwargs["username"] = creds.username or urlsplit(url).username or "token"
            kwargs["password"] = creds.secret
    else:
        if creds.key_filename:
            kwargs["key_filename"] = os.path.expanduser(creds.key_filename)
        # Like git: GIT_SSH_COMMAND (or GIT_SSH) chooses the ssh program and its options.
        ssh_command = os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH")
        scp_like = "://" not in url and ":" in url.split("/", 1)[0]  # user@host:path
        if ssh_command and (url.startswith(("ssh://", "git+ssh://")) or scp_like):
            kwargs["ssh_command"] = ssh_command
    try:
        client, path = get_transport_and_path(clean_url(url), **kwargs)
    except Exception as exc:  # noqa: BLE001 - dulwich raises many kinds for a bad address
        raise SyncError(f"the remote address '{clean_url(url)}' cannot be used: {exc}"
                        ) from None
    return client, path


def describe_failure(exc: BaseException, url: str, doing: str) -> SyncError:
    """A PM-readable error for a failed network operation (secrets masked)."""
    where = clean_url(url)
    if isinstance(exc, HTTPUnauthorized):
        return SyncError(f"{doing} {where} failed: the server refused the login; store a "
                         "valid token for this remote")
    if isinstance(exc, (ConnectionError, OSError)):
        return SyncError(f"{doing} {where} failed: the server cannot be reached ({exc})")
    return SyncError(f"{doing} {where} failed: {exc}")
