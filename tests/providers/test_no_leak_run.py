"""The secrets bar, end to end: a planted key is used for a real run, judgments, grading and an
export; afterwards no file under the workspace or the app's folders holds it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from align_studio.editing.judgments import record_judgment
from align_studio.storage import SpecFile
from tests.keychain import SecretServiceKeychain
from tests.loopback.server import LoopbackServer
from tests.providers.test_cli import ROOT, run_cli

PLANTED = "sk-test-PLANTED-run-5e8d1b"
PIECES = (PLANTED, "PLANTED-run-5e8d1b")

SPEC = """\
format_version: 1
id: leak-check
title: Leak check
targets:
  - id: t1
    provider: Planted
    model: loopback-small
cases:
  - id: c1
    messages:
      - role: user
        content: Say hello.
    checks:
      - type: contains
        value: hello
  - id: c2
    messages:
      - role: user
        content: Say goodbye.
"""


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "align_studio", *args], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                          cwd=ROOT, timeout=120, check=False)


def _scan_bytes(data: bytes, where: str) -> None:
    for piece in PIECES:
        for encoding in ("utf-8", "utf-16-le"):
            assert piece.encode(encoding) not in data, f"the planted key leaked into {where}"


def _scan_tree(folder: Path) -> int:
    n = 0
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        _scan_bytes(data, str(path))
        if zipfile.is_zipfile(path):  # compressed members would hide the key from a byte scan
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    _scan_bytes(zf.read(name), f"{path}!{name}")
                    n += 1
        n += 1
    return n


def test_planted_key_used_for_a_run_appears_in_no_file(
        secret_service: SecretServiceKeychain, keychain_backend: object, tmp_path: Path) -> None:
    home = Path(os.environ["ALIGN_STUDIO_HOME"])
    workspace = tmp_path / "ws"
    workspace.mkdir()
    spec = workspace / "leak.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    env = {**secret_service.env(), "ALIGN_STUDIO_LOG_LEVEL": "DEBUG"}
    with LoopbackServer(latency=0.01, tokens=8) as server:
        assert run_cli("add", "Planted", "--preset", "custom", "--base-url", server.url,
                       env=env).returncode == 0
        assert run_cli("set-key", "Planted", stdin=PLANTED + "\n", env=env).returncode == 0
        outputs = []
        for args in (["run", str(spec), "--workspace", str(workspace)],
                     ["run", str(spec), "--workspace", str(workspace), "--json"],
                     ["run", str(spec), "--workspace", str(workspace), "--junit",
                      str(workspace / "junit.xml")],
                     ["grade", str(spec), "--workspace", str(workspace)],
                     ["export", "--bundle", str(workspace / "bundle.zip"), str(spec)],
                     ["export", "--format", "promptfoo", "-o", str(workspace / "pf.yaml"),
                      str(spec)]):
            r = _cli(*args, env=env)
            outputs += [r.stdout, r.stderr]
            assert r.returncode in (0, 1), (args, r.stderr)
        # the key really was sent to the server, so the run had it in hand
        sent = [req["headers"].get("authorization", "") for req in server.requests()
                if req["path"].endswith("/chat/completions")]
        assert sent and all(h == f"Bearer {PLANTED}" for h in sent)
    sf = SpecFile.load(spec)
    record_judgment(sf, "c1", "t1", "Hello!", "accept", reviewer="ana", run="r1")
    for text in outputs:
        for piece in PIECES:
            assert piece not in text
    assert (workspace / ".align-studio" / "runs.sqlite").exists()
    scanned = _scan_tree(workspace) + _scan_tree(home)
    assert scanned >= 6
