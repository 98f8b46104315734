"""Ctrl+C during ``align-studio run`` cancels the run like the window's Cancel: the run's
loop runs on the CLI's main thread (no thread of its own), answers under way end
cancelled, the run is recorded as cancelled, and the exit code is 130."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.loopback.server import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]

SPEC = """\
format_version: 1
id: slow
title: Slow answers
cases:
""" + "".join(f"""  - id: c{i}
    messages:
      - role: user
        content: "question {i} [[fault:hang]]"
""" for i in range(6)) + """targets:
  - id: t
    provider: local
    model: m
"""


def test_ctrl_c_cancels_the_run_and_says_what_was_done(tmp_path: Path) -> None:
    (tmp_path / ".align-studio").mkdir()
    spec = tmp_path / "slow.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    env = dict(os.environ, LOOPBACK_KEY="sk-cancel", ALIGN_STUDIO_HOME=str(tmp_path / "home"),
               PYTHONPATH=str(ROOT))
    with LoopbackServer() as s:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from align_studio.cli import main; raise SystemExit(main())",
             "run", str(spec), "--base-url", s.url,
             "--api-key-env", "LOOPBACK_KEY", "--workspace", str(tmp_path), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        deadline = time.monotonic() + 20
        while s.stats()["in_flight"] < 6:  # every request hangs until cancelled
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "cancelling" in err and "Traceback" not in err
    assert '"status": "cancelled"' in out
    with sqlite3.connect(tmp_path / ".align-studio" / "runs.sqlite") as db:
        assert db.execute("SELECT status FROM runs").fetchall() == [("cancelled",)]
