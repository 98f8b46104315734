"""The judge's kept verdicts shared by ``calibrate``, ``grade --gate`` and the Calibration
tab, as typed: ``python -m align_studio`` in a subprocess, a real spec file and run store, and
loopback servers that count the judge's requests.

Two servers play the same scripted judge (tests/grading/calibration_world): a verdict kept
for the judge's fingerprint must be used whichever server the command is pointed at, so a
second server that receives no request proves nothing was asked twice (the run store's
response cache, keyed by server URL, cannot answer for the other server).

The world has 40 answers alice labelled, half right; every third mentions a refund, which
the judge wrongly fails. By hand: accept → pass 13, fail 7 (the right refund answers
0, 6, …, 36); reject → fail 20. p_o = 33/40, p_e = ½·13/40 + ½·27/40 = ½, so
kappa = (33/40 − ½)/½ = 0.65 — under the spec's min_kappa 0.9: the gate stays closed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from align_studio.domain import Target
from align_studio.grading.calibration.gate import EXIT_GATE_CLOSED
from align_studio.providers.endpoint import Endpoint
from align_studio.storage import SpecFile
from align_studio.storage.runstore import RunStore
from align_studio.ui.calibration import work  # Qt-free: the tab's background work
from tests.grading.calibration_world import learnable_judge, make_world_spec
from tests.loopback.server import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
N = 40


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m align_studio ARGV`` as a user types it."""
    return subprocess.run([sys.executable, "-m", "align_studio", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def servers() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    with LoopbackServer(tokens=10, reply=learnable_judge) as a, \
            LoopbackServer(tokens=10, reply=learnable_judge) as b:
        yield a, b


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    (tmp_path / ".align-studio").mkdir()
    path = SpecFile.create(tmp_path / "calib.yaml", make_world_spec(N, min_kappa=0.9)).path
    with RunStore.for_workspace(tmp_path) as store:  # a run for `grade` to grade
        rid = store.start_run("calib", 1)
        store.add_responses([{"run_id": rid, "case_id": "c-000", "target_id": "t-b",
                              "model": "model-b", "text": "GOOD run answer"}])
        store.finish_run(rid, "finished")
    return path


def requests(server: LoopbackServer) -> int:
    return int(server.stats()["requests"])


def test_asked_in_the_cli_the_gate_and_the_window_ask_nothing_again(
        spec_path: Path, servers: tuple[LoopbackServer, LoopbackServer]) -> None:
    a, b = servers
    done = cli("calibrate", str(spec_path), "--ask", "--base-url", a.url)
    assert done.returncode == 0, done.stderr
    assert requests(a) == N
    assert f"asked about {N} answer(s) now, 0 kept verdict(s) used" in done.stdout
    assert "judge vs people: kappa +0.65" in done.stdout
    assert "[accept: pass 13 fail 7 | reject: pass 0 fail 20]" in done.stdout

    # the gate, pointed at the other server: decides on the kept verdicts, sends nothing
    gate = cli("grade", str(spec_path), "--gate", "--json", "--base-url", b.url)
    assert gate.returncode == EXIT_GATE_CLOSED, gate.stderr
    assert requests(b) == 0 and requests(a) == N
    data = json.loads(gate.stdout)["gate"]
    assert (data["open"], data["asked"], data["kept"]) == (False, 0, N)
    assert "kappa 0.65" in data["reason"] and f"n = {N} labelled answer(s)" in data["reason"]

    # calibrate without --ask shows the kept verdicts (not "no judge grade")
    shown = cli("calibrate", str(spec_path))
    assert shown.returncode == 0, shown.stderr
    assert f"asked about 0 answer(s) now, {N} kept verdict(s) used" in shown.stdout
    assert "judge vs people: kappa +0.65" in shown.stdout
    assert "have no judge grade" not in shown.stdout
    again = cli("calibrate", str(spec_path), "--ask", "--base-url", b.url)
    assert f"asked about 0 answer(s) now, {N} kept" in again.stdout and requests(b) == 0

    # the window reads the same verdicts and shows the same gate
    spec = SpecFile.load(spec_path).spec
    seen = work.measure_snapshot(spec_path.parent, spec)
    assert seen.kept == N and seen.gate.reason == data["reason"]


def test_a_verdict_kept_by_the_window_is_used_by_the_gate(
        spec_path: Path, servers: tuple[LoopbackServer, LoopbackServer]) -> None:
    a, b = servers
    spec = SpecFile.load(spec_path).spec

    def resolve(target: Target) -> Endpoint:
        return Endpoint(a.url, "k", max_retries=0)

    # the tab's Ask: its background work, as the window runs it
    asked = work.ask_snapshot(spec_path.parent, spec, resolve, threading.Event())
    assert (asked.asked, asked.reused, requests(a)) == (N, 0, N)
    window = work.measure_snapshot(spec_path.parent, spec, asked=asked.verdicts)

    gate = cli("grade", str(spec_path), "--gate", "--base-url", b.url)
    assert gate.returncode == EXIT_GATE_CLOSED, gate.stderr
    assert requests(b) == 0
    assert f"judge asked about 0 labelled answer(s), {N} kept verdict(s) of judge " \
           f"{asked.fingerprint} used" in gate.stdout
    assert f"gate: closed: {window.gate.reason}" in gate.stderr
    assert "kappa 0.65" in window.gate.reason


def test_the_gate_asks_only_what_changed_and_keeps_it(
        spec_path: Path, servers: tuple[LoopbackServer, LoopbackServer]) -> None:
    """A new labelled answer after the gate: the next gate asks about that one only."""
    a, _ = servers
    assert cli("grade", str(spec_path), "--gate", "--base-url", a.url).returncode == 4
    assert requests(a) == N
    sf = SpecFile.load(spec_path)
    first = sf.spec.cases[1].responses[0]
    sf.update(lambda s: s.cases[1].responses.append(first.model_copy(update={
        "id": "r-001-b", "target": "t-b", "text": "GOOD answer: the exact steps."})))
    gate = cli("grade", str(spec_path), "--gate", "--base-url", a.url)
    assert gate.returncode == 4, gate.stderr
    assert requests(a) == N + 1
    assert f"judge asked about 1 labelled answer(s), {N} kept verdict(s)" in gate.stdout
