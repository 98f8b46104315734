"""Fixtures of the provider tests: the real test keychain and a tiny /v1/models server."""

from __future__ import annotations

from tests.keychain import keychain_backend, secret_service  # noqa: F401
