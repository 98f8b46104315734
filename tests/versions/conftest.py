"""Fixtures of the versions tests: real repositories on disk and a git HTTP server on loopback.

The HTTP server is dulwich's own smart-HTTP WSGI app (:mod:`dulwich.web`) served by
:mod:`wsgiref` on 127.0.0.1 with an ephemeral port, in a thread. It asks for HTTP basic
auth with a token (:data:`TOKEN`), so the tests prove the token travels from the keychain
and never lands in the repository's config.
"""

from __future__ import annotations

import base64
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import make_wsgi_chain

from tests.conftest import ROOT
from tests.keychain import keychain_backend, secret_service  # noqa: F401

TOKEN = "ghp_test0123456789abcdefTOKEN"
USER = "ana"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _ThreadedServer(WSGIServer):
    daemon_threads = True


def _auth(app: Callable[..., Iterable[bytes]], token: str) -> Callable[..., Iterable[bytes]]:
    expected = "Basic " + base64.b64encode(f"{USER}:{token}".encode()).decode()
    alt = "Basic " + base64.b64encode(f"token:{token}".encode()).decode()

    def wrapped(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("HTTP_AUTHORIZATION") not in (expected, alt):
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"'),
                                                ("Content-Length", "0")])
            return [b""]
        return app(environ, start_response)

    return wrapped


@dataclass
class GitHttpServer:
    """A bare repository served over smart HTTP on loopback."""

    url: str
    bare: Path


@pytest.fixture
def bare_repo(tmp_path: Path) -> Path:
    """An empty bare repository on disk (HEAD → main)."""
    path = tmp_path / "remote.git"
    Repo.init_bare(str(path), mkdir=True, default_branch=b"main").close()
    return path


@pytest.fixture
def http_remote(bare_repo: Path) -> Iterator[GitHttpServer]:
    """The bare repository served by dulwich.web with token auth, on 127.0.0.1:<ephemeral>."""
    repo = Repo(str(bare_repo))
    app = _auth(make_wsgi_chain(DictBackend({"/": repo})), TOKEN)
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadedServer,
                         handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield GitHttpServer(f"http://{USER}@127.0.0.1:{server.server_port}/", bare_repo)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        repo.close()


@pytest.fixture
def example_spec(tmp_path: Path) -> Path:
    """A workspace folder with a copy of the customer-support example spec."""
    ws = tmp_path / "ws"
    ws.mkdir()
    return Path(shutil.copy(ROOT / "specs" / "customer-support.yaml", ws / "support.yaml"))
