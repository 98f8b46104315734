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


HOSTILE = """\
format_version: 1
id: hostile
targets:
  - id: t
    provider: local
    model: m
cases:
  - id: lone
    messages:
      - role: user
        content: "x [[fault:surrogate]]"
  - id: bell
    messages:
      - role: user
        content: "ring \\a the bell"
"""


def test_surrogates_and_control_characters_reach_a_valid_junit_file(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = workspace / "specs" / "hostile.yaml"
    spec.write_text(HOSTILE, encoding="utf-8")
    report = workspace / "junit.xml"
    with LoopbackServer(tokens=6) as s:
        code = main(["run", str(spec), "--base-url", s.url, "--junit", str(report)])
    assert code == 0, capsys.readouterr().err
    cases = {c.get("name"): c for c in ET.parse(report).getroot().iter("testcase")}
    assert cases["lone"].findtext("system-out") == "Lone \ufffd and pair \U0001F600 end"
    assert "1 character the server sent" in (cases["lone"].findtext("system-err") or "")
    assert cases["bell"].findtext("system-out") == "m: Echo ring \ufffd the bell"
    db = sqlite3.connect(workspace / ".align-studio" / "runs.sqlite")
    assert db.execute("SELECT text, repaired FROM responses WHERE case_id = 'lone'"
                      ).fetchone() == ("Lone \ufffd and pair \U0001F600 end", 1)
    assert db.execute("SELECT status FROM runs").fetchone() == ("finished",)


def test_a_response_the_store_refuses_fails_the_run_loudly(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from align_studio.storage.runstore import RunStore

    path = workspace / ".align-studio" / "runs.sqlite"
    RunStore(path).close()
    db = sqlite3.connect(path)
    db.execute("CREATE TRIGGER refuse BEFORE INSERT ON responses WHEN NEW.case_id = 'angry' "
               "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    db.commit()
    spec = str(workspace / "specs" / "refunds.yaml")
    with LoopbackServer(tokens=6) as s:
        code = main(["run", spec, "--base-url", s.url, "--cases", "simple,angry",
                     "--targets", "small"])
    captured = capsys.readouterr()
    assert code == 1
    assert "failed in" in captured.out
    assert "not everything was recorded: 1 of " in captured.out
    assert "(angry × small): IntegrityError: disk full" in captured.out
    assert db.execute("SELECT status, reason LIKE '1 of % (angry × small)%' FROM runs"
                      ).fetchone() == ("failed", 1)
    assert db.execute("SELECT case_id FROM responses").fetchall() == [("simple",)]


def test_a_key_in_the_base_url_is_refused_without_repeating_it(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(workspace / "specs" / "refunds.yaml")
    secret = "Zq8r2LkP0mN4xT7vW1yB6cD3"
    for url in (f"http://user:{secret}@127.0.0.1:9/v1", f"http://127.0.0.1:9/v1?api_key={secret}"):
        assert main(["run", spec, "--base-url", url]) == 3
        captured = capsys.readouterr()
        assert secret not in captured.out + captured.err
        assert "keychain" in captured.err
    assert not (workspace / ".align-studio" / "runs.sqlite").exists() or \
        secret.encode() not in (workspace / ".align-studio" / "runs.sqlite").read_bytes()
