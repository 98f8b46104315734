"""Fixtures of the Calibration tab's tests: a small spec two reviewers judged, whose figures
are computed by hand in the tests, a run-store answer nobody judged, a scripted judge on the
loopback server, and the real main window with the spec open."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from align_studio.storage.runstore import RunStore, store_path
from align_studio.storage.specfile import SpecFile
from tests.grading.conftest import record
from tests.loopback.server import LoopbackServer


def _resp(rid: str, target: str, text: str, verdict: str | None = None,
          reviewer: str | None = None, reason: str | None = None,
          second: tuple[str, str, str] | None = None) -> str:
    lines = [f"      - id: {rid}", f"        target: {target}", f"        text: {text}"]
    if verdict:
        lines += [f"        verdict: {verdict}", f"        reviewer: {reviewer}"]
    if reason:
        lines.append(f"        reason: {reason}")
    if second:
        lines += ["        reviews:", f"          - reviewer: {second[0]}",
                  f"            verdict: {second[1]}", f"            reason: {second[2]}"]
    return "\n".join(lines)


def _case(cid: str, behavior: str, *responses: str) -> str:
    return "\n".join([f"  - id: {cid}", "    category: expected", f"    behaviors: [{behavior}]",
                      "    expected: comply", "    messages:", "      - role: user",
                      f"        content: Question {cid}?", "    responses:", *responses])


#: alice and bob both rated c1–c4 on t-a (they disagree on c4); alice alone rated c1–c3 and
#: c5 on t-b and c5 on t-a; c6 on t-a is recorded but nobody judged it. The scripted judge
#: passes an answer that says PASS. Hand-computed figures are in test_calibration_tab.py.
SPEC_TEXT = "\n".join([
    "# Calibration tab test spec", "format_version: 1", "id: cal", "title: Calibration demo",
    "behaviors:", "  - id: b-steps", "    kind: must",
    "    statement: Give the exact steps.", "  - id: b-tone", "    kind: tone",
    "    statement: Be kind.",
    "targets:", "  - id: t-a", "    provider: p", "    model: model-a", "  - id: t-b",
    "    provider: p", "    model: model-b", "  - id: t-judge", "    provider: p",
    "    model: judge-model", "judge:", "  target: t-judge", "cases:",
    _case("c1", "b-steps",
          _resp("r1a", "t-a", "One PASS", "accept", "alice", "clear",
                ("bob", "accept", "fine")),
          _resp("r1b", "t-b", "Two PASS", "accept", "alice", "clear")),
    "    preferences:\n      - a: r1a\n        b: r1b\n        better: a\n"
    "        reviewer: alice",
    _case("c2", "b-steps",
          _resp("r2a", "t-a", "Three PASS", "accept", "alice", "clear",
                ("bob", "accept", "fine")),
          _resp("r2b", "t-b", "Four PASS", "accept", "alice", "clear")),
    _case("c3", "b-tone",
          _resp("r3a", "t-a", "Five rude", "reject", "alice", "rude",
                ("bob", "reject", "rude too")),
          _resp("r3b", "t-b", "Six kind", "accept", "alice", "kind enough")),
    _case("c4", "b-tone",
          _resp("r4a", "t-a", "Seven PASS", "accept", "alice", "kind enough",
                ("bob", "reject", "too curt"))),
    _case("c5", "b-steps",
          _resp("r5a", "t-a", "Eight PASS", "reject", "alice", "steps missing"),
          _resp("r5b", "t-b", "Nine vague", "reject", "alice", "steps missing")),
    _case("c6", "b-steps", _resp("r6a", "t-a", "Ten unjudged PASS")),
]) + "\n"

#: The run store's answer nobody recorded in the spec (c6 × t-b).
STORE_ANSWER = "Eleven from the run PASS"


def scripted_judge(body: dict[str, Any]) -> str | None:
    """pass when the answer says PASS, else fail; criteria proposals name the word 'PASS'."""
    prompt = body["messages"][-1]["content"]
    if prompt.startswith("You are improving the criteria"):
        return json.dumps({"criteria": "Pass an answer only if it gives the steps.",
                           "rationale": "The people want the steps."})
    if "Answer A:" in prompt:
        return json.dumps({"better": "A", "rationale": "first"})
    answer = prompt.split("The assistant's answer to grade:", 1)[1]
    answer = answer.split("<<<\n", 1)[1].split("\n>>>", 1)[0]
    ok = "PASS" in answer
    return json.dumps({"verdict": "pass" if ok else "fail",
                       "rationale": "says PASS" if ok else "no PASS"})


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "cal.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    spec = SpecFile.load(root / "cal.yaml").spec
    with RunStore(store_path(root)) as store:
        record(store, spec, {("c6", "t-b"): STORE_ANSWER}, run_id="run-1")
    return root


@pytest.fixture
def judge_server() -> Iterator[LoopbackServer]:
    with LoopbackServer(tokens=8, reply=scripted_judge) as server:
        yield server


@pytest.fixture
def cal(qtbot, window, workspace: Path):  # type: ignore[no-untyped-def]
    """The window with cal.yaml open and its Calibration tab measured once."""
    window.settings.setValue("user/reviewer", "carol")
    assert window.open_spec(workspace / "cal.yaml") is not False
    feature = window.features.calibration
    qtbot.waitUntil(lambda: feature.tab is not None, timeout=10000)
    tab = feature.tab
    if tab.measured is None:
        with qtbot.waitSignal(tab.sig_measured, timeout=10000):
            tab.measure()
    return window
