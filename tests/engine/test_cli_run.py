"""``align-studio run`` end to end: a spec YAML, the loopback server, JSON and JUnit out."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from align_studio.cli import main
from tests.loopback.server import LoopbackServer

SPEC = """\
format_version: 1
id: refunds
title: Refund assistant
version: 3
system_prompt: You help with refunds.
cases:
  - id: simple
    messages:
      - role: user
        content: where is my refund
  - id: angry
    messages:
      - role: user
        content: I want my money now
  - id: broken
    messages:
      - role: user
        content: "this one fails [[fault:500]]"
targets:
  - id: small
    provider: local
    model: loopback-small
    params:
      max_tokens: 5
  - id: large
    provider: local
    model: loopback-large
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / ".align-studio").mkdir()
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "refunds.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def test_run_json(workspace: Path, capsys: pytest.CaptureFixture[str],
                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPBACK_KEY", "sk-cli-key")
    spec = str(workspace / "specs" / "refunds.yaml")
    with LoopbackServer(tokens=8) as s:
        code = main(["run", spec, "--base-url", s.url, "--api-key-env", "LOOPBACK_KEY",
                     "--cases", "simple,angry", "--json"])
        assert code == 0
        out = json.loads(capsys.readouterr().out)
        assert out["spec"] == "refunds" and out["status"] == "finished"
        texts = {(r["case"], r["target"]): r for r in out["results"]}
        assert texts[("simple", "small")]["text"] == "loopback-small: Echo where is my"
        assert texts[("simple", "small")]["note"] == "stopped at the token limit"
        assert texts[("angry", "large")]["text"].startswith("loopback-large: Echo I want my")
        assert {t["target"]: t["answered"] for t in out["targets"]} == {"small": 2, "large": 2}
        assert s.requests()[0]["headers"]["authorization"] == "Bearer sk-cli-key"
        assert s.requests()[0]["body"]["messages"][0] == {"role": "system",
                                                          "content": "You help with refunds."}
        # recorded in the workspace's run store; a second run is served from the cache
        db = sqlite3.connect(workspace / ".align-studio" / "runs.sqlite")
        assert db.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 4
        assert db.execute("SELECT spec_id, spec_version, status FROM runs").fetchone() == \
            ("refunds", 3, "finished")
        assert main(["run", spec, "--base-url", s.url, "--api-key-env", "LOOPBACK_KEY",
                     "--cases", "simple,angry", "--json", "--targets", "large"]) == 0
        again = json.loads(capsys.readouterr().out)
        assert [r["cached"] for r in again["results"]] == [True, True]
        assert s.stats()["requests"] == 4


def test_run_junit_and_exit_code_for_failed_cases(workspace: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(workspace / "specs" / "refunds.yaml")
    report = workspace / "out" / "junit.xml"
    with LoopbackServer(tokens=6, retry_after=0.01) as s:
        code = main(["run", spec, "--base-url", s.url, "--junit", str(report),
                     "--targets", "small", "--concurrency", "2"])
    assert code == 1
    out = capsys.readouterr().out
    assert "small" in out and "broken × small: the server had an error (500)" in out
    suites = ET.parse(report).getroot()
    suite = suites.find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "1"
    failures = suite.findall("testcase/failure")
    assert len(failures) == 1 and failures[0].get("type") == "server"


def test_run_that_cannot_happen_exits_3(workspace: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(workspace / "specs" / "refunds.yaml")
    with LoopbackServer(api_key="the-right-key") as s:
        assert main(["run", spec, "--base-url", s.url, "--no-store"]) == 3
    assert "the key was rejected (401)" in capsys.readouterr().err
    assert main(["run", str(workspace / "nope.yaml"), "--base-url", "http://x/v1"]) == 3
    assert main(["run", spec, "--targets", "ghost", "--base-url", "http://x/v1"]) == 3
    assert "no such target in the spec: ghost" in capsys.readouterr().err


def test_two_cli_runs_at_once_share_the_run_store(workspace: Path) -> None:
    import os
    import subprocess
    import sys

    spec = str(workspace / "specs" / "refunds.yaml")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    with LoopbackServer(latency=0.05, tokens=6) as s:
        procs = [subprocess.Popen(
            [sys.executable, "-m", "align_studio", "run", spec, "--base-url", s.url,
             "--cases", "simple,angry", "--targets", target, "--refresh", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=root)
            for target in ("small", "large")]
        outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    db = sqlite3.connect(workspace / ".align-studio" / "runs.sqlite")
    assert db.execute("SELECT COUNT(*) FROM runs WHERE status = 'finished'").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 4
