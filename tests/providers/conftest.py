"""Fixtures of the provider tests: the real test keychain and a tiny /v1/models server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.keychain import keychain_backend, secret_service  # noqa: F401

#: The key the tiny server accepts.
GOOD_KEY = "sk-good-0123456789abcdef"


class _Handler(BaseHTTPRequestHandler):
    """``/v1/models`` with a key check, plus paths that misbehave on purpose."""

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization", "")
        if self.path == "/v1/models":
            if auth != f"Bearer {GOOD_KEY}":
                # Like some real servers, echo the whole key: the client must not repeat it.
                body = {"error": {"message": f"Incorrect API key provided: {auth[7:]}",
                                  "type": "invalid_request_error", "code": "invalid_api_key"}}
                self._send(401, json.dumps(body).encode())
                return
            seen = self.headers.get("X-Title", "")
            models = [{"id": m, "object": "model"} for m in ("small-model", "big-model")]
            self._send(200, json.dumps({"object": "list", "data": models,
                                        "x_title_seen": seen}).encode())
        elif self.path == "/html/v1/models":
            self._send(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
        elif self.path == "/slow/v1/models":
            time.sleep(3)
            self._send(200, b'{"data": []}')
        elif self.path == "/boom/v1/models":
            self._send(500, f'{{"error": "crashed while checking {auth}"}}'.encode())
        else:
            self._send(404, b'{"error": "not found"}')


@pytest.fixture(scope="session")
def models_server() -> Iterator[str]:
    """A tiny HTTP server on 127.0.0.1; yields its root URL (``http://127.0.0.1:PORT``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="models-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
