"""``align-studio run --batch`` as typed: a subprocess of ``python -m align_studio`` against
the loopback server's Batch API, with a real workspace and run store."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.loopback.server import BatchOptions, LoopbackServer, ServerOptions

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-batch-cli-0123456789abcdef"
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
    provider: loop
    model: loopback-small
    params:
      max_tokens: 5
  - id: large
    provider: loop
    model: loopback-large
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    (tmp_path / ".align-studio").mkdir()
    (tmp_path / "specs").mkdir()
    path = tmp_path / "specs" / "refunds.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def env() -> dict[str, str]:
    return {**os.environ, "LOOP_KEY": KEY, "PYTHONPATH": str(ROOT)}


def cli(spec: Path, url: str, *more: str) -> list[str]:
    return [sys.executable, "-m", "align_studio", "run", str(spec), "--batch", "--base-url",
            url, "--api-key-env", "LOOP_KEY", "--poll-interval", "0.02", *more]


def store_rows(spec: Path) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(spec.parent.parent / ".align-studio" / "runs.sqlite")
    try:
        return db.execute("SELECT run_id, case_id, target_id, text, error, cancelled "
                          "FROM responses ORDER BY case_id, target_id").fetchall()
    finally:
        db.close()


def test_batch_run_json_and_exit_code(spec: Path) -> None:
    with LoopbackServer(ServerOptions(tokens=8)) as srv:
        out = subprocess.run(cli(spec, srv.url, "--json"), env=env(), capture_output=True,
                             text=True, timeout=60, check=False)
    assert out.returncode == 1, out.stderr  # one case fails on both targets
    data = json.loads(out.stdout)
    assert data["status"] == "finished" and data["ingested"] == 6
    assert [(t["target"], t["mode"], t["status"], t["answered"], t["errors"])
            for t in data["targets"]] == [("small", "batch", "completed", 2, 1),
                                          ("large", "batch", "completed", 2, 1)]
    assert sorted((f["case"], f["target"]) for f in data["failed"]) == \
        [("broken", "large"), ("broken", "small")]
    assert "estimate: 6 requests" in out.stderr and "small: in_progress" in out.stderr
    texts = {(c, t): text for _, c, t, text, _, _ in store_rows(spec)}
    assert texts[("simple", "small")] == "loopback-small: Echo where is my"  # max_tokens 5
    assert texts[("angry", "large")] == "loopback-large: Echo I want my money now w7"
    assert KEY not in out.stdout + out.stderr


def test_killed_cli_resumes_the_same_run(spec: Path) -> None:
    opts = ServerOptions(tokens=4, batch=BatchOptions(polls_per_state=3))
    with LoopbackServer(opts) as srv:
        proc = subprocess.Popen(cli(spec, srv.url, "--cases", "simple,angry"), env=env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        for line in proc.stderr:
            if "in_progress" in line:
                break
        proc.kill()
        proc.communicate()
        again = subprocess.run(cli(spec, srv.url), env=env(), capture_output=True, text=True,
                               timeout=60, check=False)
        created = srv._handler.batches.state.created  # type: ignore[union-attr]
    assert again.returncode == 0, again.stderr
    assert "resuming batch run" in again.stderr
    rows = store_rows(spec)
    assert len({r[0] for r in rows}) == 1 and len(rows) == 4  # the killed run's cases
    assert created == 2  # one batch per target, never created again



def test_new_starts_over_instead_of_resuming(spec: Path) -> None:
    opts = ServerOptions(tokens=4, batch=BatchOptions(polls_per_state=3))
    with LoopbackServer(opts) as srv:
        proc = subprocess.Popen(cli(spec, srv.url, "--cases", "simple"), env=env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        for line in proc.stderr:
            if "validating" in line:
                break
        proc.kill()
        proc.communicate()
        fresh = subprocess.run(cli(spec, srv.url, "--cases", "angry", "--new"), env=env(),
                               capture_output=True, text=True, timeout=60, check=False)
    assert fresh.returncode == 0, fresh.stderr
    assert "resuming" not in fresh.stderr and "submitting 2 requests" in fresh.stderr
    assert {(r[1], r[2]) for r in store_rows(spec)} == {("angry", "small"), ("angry", "large")}


def test_ctrl_c_cancels_at_the_provider(spec: Path) -> None:
    opts = ServerOptions(tokens=4, batch=BatchOptions(polls_per_state=10))
    with LoopbackServer(opts) as srv:
        proc = subprocess.Popen(cli(spec, srv.url), env=env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        for line in proc.stderr:
            if "large: validating" in line:
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "cancelling the batches at the provider; answers already finished are kept" in err
    assert "small  batch  cancelled" in out
    assert all(r[5] == 1 or r[4] is None for r in store_rows(spec))


def test_bad_arguments(spec: Path) -> None:
    with LoopbackServer() as srv:
        unknown = subprocess.run(cli(spec, srv.url, "--resume", "nope"), env=env(),
                                 capture_output=True, text=True, timeout=60, check=False)
        no_store = subprocess.run(cli(spec, srv.url, "--no-store"), env=env(),
                                  capture_output=True, text=True, timeout=60, check=False)
    assert unknown.returncode == 3
    assert "no batch run nope of spec 'refunds' in the run store" in unknown.stderr
    assert no_store.returncode == 2 and "--batch needs the run store" in no_store.stderr


def test_profile_batch_prices_and_no_batch_api_flag(spec: Path, tmp_path: Path) -> None:
    home = Path(os.environ["ALIGN_STUDIO_HOME"])
    with LoopbackServer(ServerOptions(tokens=4)) as srv:
        (home / "config").mkdir(parents=True, exist_ok=True)
        profile = {"name": "loop", "preset": "custom", "base_url": srv.url,
                   "api_key_env": "LOOP_KEY", "key_source": "env",
                   "prices": {"loopback-small": {"input": 2.0, "output": 8.0},
                              "loopback-large": {"input": 2.0, "output": 8.0,
                                                 "batch_input": 0.5, "batch_output": 1.0}}}
        (home / "config" / "providers.json").write_text(json.dumps(
            {"format": 1, "profiles": [profile]}), encoding="utf-8")
        cmd = [sys.executable, "-m", "align_studio", "run", str(spec), "--batch",
               "--poll-interval", "0.02", "--cases", "simple", "--json"]
        out = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=60,
                             check=False)
        assert out.returncode == 0, out.stderr
        costs = {t["target"]: t["cost"] for t in json.loads(out.stdout)["targets"]}
        # "where is my refund" + system prompt: 4+3 + 4+3 = 14 prompt tokens, 4 answer tokens
        assert costs["small"] == pytest.approx((14 * 1.0 + 4 * 4.0) / 1e6)  # half price
        assert costs["large"] == pytest.approx((14 * 0.5 + 4 * 1.0) / 1e6)  # the profile's
        assert "at batch prices" in out.stderr
        profile["batch_api"] = False
        (home / "config" / "providers.json").write_text(json.dumps(
            {"format": 1, "profiles": [profile]}), encoding="utf-8")
        streamed = subprocess.run([*cmd, "--refresh"], env=env(), capture_output=True,
                                  text=True, timeout=60, check=False)
    data = json.loads(streamed.stdout)
    assert [t["mode"] for t in data["targets"]] == ["stream", "stream"]
    assert data["notes"][0] == ("small: streamed: the provider profile says this server has "
                                "no Batch API")


def test_estimate_leaves_out_the_answers_reused_from_the_cache(spec: Path) -> None:
    with LoopbackServer(ServerOptions(tokens=4)) as srv:
        first = subprocess.run(cli(spec, srv.url, "--cases", "simple,angry"), env=env(),
                               capture_output=True, text=True, timeout=60, check=False)
        assert first.returncode == 0, first.stderr
        again = subprocess.run(cli(spec, srv.url, "--new"), env=env(), capture_output=True,
                               text=True, timeout=60, check=False)
    # Only "broken" is sent, on both targets. Its prompt: the system prompt "You help
    # with refunds." (22 characters: 6 + 4 tokens) and "this one fails [[fault:500]]"
    # (28: 7 + 4), + 2 = 23 tokens; answers: small's max_tokens 5, large's default 300.
    # 23 + 5 + 23 + 300 = 351. The four answers of the first run are reused.
    assert ("estimate: 2 requests, ~351 tokens, cost unknown (no prices set for these "
            "models); 4 answers reused from earlier runs (not sent)") in again.stderr
    assert "submitting 6 requests" in again.stderr  # the plan still covers every case
