"""The headless CLI: validate, show, new, and the documented exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from align_studio.cli import main


def test_validate_example_workspace_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2] / "specs"
    assert main(["validate", str(root)]) == 0
    assert "no problems" in capsys.readouterr().out


def test_validate_reports_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    p = tmp_path / "two.yaml"
    p.write_text("format_version: 1\nid: two\ntitle: T\nbehaviors:\n  - id: b\n    kind: must\n"
                 "    statement: ''\n  - id: b\n    kind: tone\n    statement: Warm.\n"
                 "cases:\n  - id: c\n    behaviors: [zz]\n", encoding="utf-8")
    assert main(["validate", str(p)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{p}:8:9: error: the behavior id 'b' is used more than once" in out
    assert f"{p}:7:16: error: behavior 'b' has an empty statement" in out
    assert f"{p}:13:17: error: case 'c' links behavior 'zz', which the spec does not have" in out
    assert f"{p}:12:5: error: case 'c' has no conversation" in out


def test_show_and_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Refund helper", "--dir", str(tmp_path), "--owner", "pm@example.com"]) == 0
    spec = tmp_path / "refund-helper.yaml"
    assert spec.exists()
    assert main(["new", "Refund helper", "--dir", str(tmp_path)]) == 3  # never overwrites
    assert main(["validate", str(spec)]) == 0
    capsys.readouterr()
    assert main(["show", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "Refund helper" in out and "Behaviors (2)" in out and "b-answer" in out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as err:
        main(["validate"])
    assert err.value.code == 2
    assert main(["validate", str(tmp_path)]) == 2  # a folder with no specs


def test_entry_point_runs_as_a_program() -> None:
    out = subprocess.run([sys.executable, "-m", "align_studio", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.startswith("align-studio ")


def test_type_problems_and_id_problems_are_reported_together(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "mixed.yaml"
    p.write_text("format_version: 1\nid: x\ncases:\n  - id: a\n    category: advesarial\n"
                 "    behaviors: [nope]\n    messages: oops\n  - id: a\n", encoding="utf-8")
    assert main(["validate", str(p)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [ln.split(": error: ")[0].rsplit(":", 2)[1:] for ln in out] == [
        ["5", "15"], ["6", "17"], ["7", "15"], ["8", "9"]]
    assert "used more than once" in out[-1] and "links behavior 'nope'" in out[1]
