"""A batch run and a streamed run of the same answers give the same review, grading and
exports: the same spec in two workspaces, run once with ``align-studio run`` and once with
``align-studio run --batch`` against the same loopback server, then reviewed, graded and
exported through the same commands. Run ids and clock times are the only differences
allowed (they are masked before comparing)."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from align_studio.cli import main
from align_studio.review.live import LiveResults
from align_studio.review.matrix import ResultsMatrix, default_checks
from align_studio.storage.runstore import RunStore
from align_studio.storage.specfile import SpecFile
from tests.loopback.server import LoopbackServer, ServerOptions

SPEC = """\
format_version: 1
id: refunds
title: Refund assistant
version: 1
system_prompt: You help with refunds.
cases:
  - id: simple
    messages:
      - role: user
        content: where is my refund
    checks:
      - type: contains
        value: refund
  - id: angry
    messages:
      - role: user
        content: I want my money now
    checks:
      - type: contains
        value: refund
  - id: short
    messages:
      - role: user
        content: hi
    checks:
      - type: max-words
        value: 5
targets:
  - id: small
    provider: loop
    model: loopback-small
    params:
      max_tokens: 6
  - id: large
    provider: loop
    model: loopback-large
"""
_RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def masked(text: str) -> str:
    return _TIME.sub("<time>", _RUN_ID.sub("<run>", text))


def run_review_export(ws: Path, url: str, batch: bool, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    spec = ws / "specs" / "refunds.yaml"
    extra = ["--batch", "--poll-interval", "0.01"] if batch else []
    code = main(["run", str(spec), "--base-url", url, "--api-key-env", "LOOP_KEY", *extra])
    assert code == 0
    capsys.readouterr()
    out: dict[str, Any] = {}
    with RunStore.for_workspace(ws) as store:
        sf = SpecFile.load(spec)
        live = LiveResults()
        live.load_rows(store.matrix("refunds"))
        matrix = ResultsMatrix(sf.spec, live, default_checks())
        out["review"] = [(c.id, t, cell.text, cell.answered,
                          None if cell.checks is None else (cell.checks.passed,
                                                            cell.checks.failed))
                         for c in sf.spec.cases for t in matrix.target_ids
                         for cell in [matrix.cell(c, t)]]
    out["grade_exit"] = main(["grade", str(spec), "--json"])  # 1: some checks failed
    out["grade"] = masked(capsys.readouterr().out)
    # a reviewer accepts the first answer, rejects the second, accepts the rest
    monkeypatch.setattr("sys.stdin", io.StringIO("a\nr\nwrong tone\n" + "a\n" * 10))
    assert main(["review", str(spec), "--reviewer", "pm"]) == 0
    capsys.readouterr()
    out["spec"] = masked(spec.read_text(encoding="utf-8"))
    for fmt in ("sft", "kto", "report"):
        path = ws / f"out.{fmt}"
        assert main(["export", str(spec), "--format", fmt, "-o", str(path), "-q"]) == 0
        out[fmt] = masked(path.read_text(encoding="utf-8"))
    capsys.readouterr()
    return out


def test_batch_and_streamed_runs_review_grade_and_export_alike(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOP_KEY", "sk-equal-0123456789")
    results = {}
    with LoopbackServer(ServerOptions(tokens=7)) as srv:
        for mode in ("stream", "batch"):
            ws = tmp_path / mode
            (ws / "specs").mkdir(parents=True)
            (ws / ".align-studio").mkdir()
            (ws / "specs" / "refunds.yaml").write_text(SPEC, encoding="utf-8")
            results[mode] = run_review_export(ws, srv.url, mode == "batch", capsys,
                                              monkeypatch)
            shutil.rmtree(ws / ".align-studio" / "batches", ignore_errors=True)
    stream, batch = results["stream"], results["batch"]
    # hand-written: what the review shows for two cells
    review = {(c, t): (text, ok, checks) for c, t, text, ok, checks in stream["review"]}
    assert review[("simple", "small")] == ("loopback-small: Echo where is my refund",
                                           True, (1, ()))  # max_tokens 6
    assert review[("angry", "large")][2][0] == 0  # no "refund" in the echo
    grade = json.loads(stream["grade"])
    assert (grade["check"]["responses"], grade["check"]["passed"]) == (6, 2)
    assert stream["grade_exit"] == 1
    assert "wrong tone" in stream["spec"]
    assert len(stream["sft"].splitlines()) == 5  # the five accepted answers
    assert '"label": false' in stream["kto"] and '"label": true' in stream["kto"]
    assert "Refund assistant" in stream["report"]
    for key in ("review", "grade", "grade_exit", "spec", "sft", "kto", "report"):
        assert batch[key] == stream[key], key
