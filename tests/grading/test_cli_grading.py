"""The grading subcommands end to end: lint, grade (with the judge on loopback), agreement,
coverage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from align_studio.cli import main
from align_studio.storage.runstore import RunStore
from tests.grading.conftest import make_spec, record
from tests.loopback.server import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lint_exit_codes_and_locations(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    src = tmp_path / "s.yaml"
    shutil.copy(ROOT / "specs" / "health-info.yaml", src)
    code, out, _ = run(capsys, "lint", str(src), "--no-store")
    assert code == 1
    assert f"{src}:877:16: warning: [stale-judgment]" in out and "    why: " in out
    text = src.read_text().replace(
        "reason_presets:", "acknowledgments:\n  - rule: stale-judgment\n    reason: later\n"
        "reason_presets:", 1)
    src.write_text(text)
    code, out, _ = run(capsys, "lint", str(src), "--no-store")
    assert code == 0 and "acknowledged: [stale-judgment]" in out and "(later)" in out
    code, out, _ = run(capsys, "lint", "--json", str(src), "--no-store")
    data = json.loads(out)
    assert code == 0 and data["problems"] == 0
    first = data["findings"][0]
    assert first["path"][0] == "cases" and first["path"][-1] == "stale"
    assert first["line"] == 877 + 3 and first["acknowledged"] is True
    assert run(capsys, "lint", str(tmp_path / "nope.yaml"))[0] == 3


def write_spec(folder: Path) -> Path:
    from align_studio.storage import SpecFile

    (folder / ".align-studio").mkdir(parents=True)
    return SpecFile.create(folder / "demo.yaml", make_spec()).path


def test_grade_with_judge_then_agreement_and_coverage(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    path = write_spec(tmp_path)
    spec = make_spec()
    with RunStore.for_workspace(tmp_path) as store:
        record(store, spec, {("c-window", "t-a"): "30 days", ("c-window", "t-b"): "no"})

    def reply(body: dict[str, Any]) -> str:
        ok = "30 days" in body["messages"][-1]["content"].split("<<<")[1]
        return json.dumps({"verdict": "pass" if ok else "fail", "rationale": "Because."})

    with LoopbackServer(reply=reply) as server:
        code, out, err = run(capsys, "grade", str(path), "--judge", "--base-url", server.url,
                             "--json")
    assert code == 1, err  # one response failed
    data = json.loads(out)
    assert (data["check"]["passed"], data["check"]["failed"]) == (1, 1)
    assert (data["judge"]["passed"], data["judge"]["failed"]) == (1, 1)
    code, out, _ = run(capsys, "agreement", str(path))
    assert code == 0 and "0 responses with a human verdict" in out and "no pairs" in out
    code, out, _ = run(capsys, "agreement", str(path), "--json")
    assert json.loads(out)["overall"]["judge"]["kappa_note"].startswith("no response")
    code, out, _ = run(capsys, "coverage", str(path))
    assert code == 0 and "checks from run store" in out and "b-window" in out
    code, out, _ = run(capsys, "coverage", str(path), "--json")
    assert json.loads(out)["cells"]["b-window"]["expected"]["checked"] == 2


def test_grade_without_store_or_judge_fails_clearly(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from align_studio.storage import SpecFile

    path = SpecFile.create(tmp_path / "demo.yaml", make_spec()).path
    code, _, err = run(capsys, "grade", str(path), "--workspace", str(tmp_path))
    assert code == 3 and "no run store" in err
    with RunStore.for_workspace(tmp_path) as store:
        record(store, make_spec(), {("c-window", "t-a"): "30 days"})
    code, _, err = run(capsys, "grade", str(path), "--workspace", str(tmp_path), "--judge",
                       "--judge-target", "t-missing", "--base-url", "http://127.0.0.1:9/v1")
    assert code == 3 and "not among the spec's targets" in err
