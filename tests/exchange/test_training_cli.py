"""``align-studio export`` of training, eval and batch files: what is left out is said,
provenance goes beside the OpenAI formats, the split and the batch target can be chosen."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from align_studio.cli import main

SPEC = Path(__file__).resolve().parents[1] / "data" / "training" / "shop-help.yaml"


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def test_sft_writes_its_provenance_beside_and_says_what_was_left_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sft.jsonl"
    assert main(["export", "--format", "sft", "-o", str(out), str(SPEC)]) == 0
    io = capsys.readouterr()
    assert "left out: sft: answers left out: 1 (1 because the verdict awaits a second " \
           "look (stale))" in io.err
    rows, side = _jsonl(out), _jsonl(tmp_path / "sft.provenance.jsonl")
    assert [set(r) for r in rows] == [{"messages"}] * 4
    assert [(p["row"], p["case"], p["response"]) for p in side] == [
        (0, "c-pair", "r-pair-good"), (1, "c-tie", "r-tie-a"), (2, "c-multi", "r-multi-good"),
        (3, "c-reverse", "r-rev-b")]
    assert f"wrote {tmp_path / 'sft.provenance.jsonl'}" in io.out


def test_include_stale_and_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dpo.jsonl"
    assert main(["export", "--format", "dpo", "--include-stale", "--split", "train", "-o",
                 str(out), str(SPEC)]) == 0
    assert [r["metadata"]["case"] for r in _jsonl(out)] == ["c-pair", "c-stale"]  # type: ignore[index]
    assert "pairs left out: 2 (1 because a reviewer judged the two answers a tie; 1 because " \
           "reviewers disagree" in capsys.readouterr().err
    assert main(["export", "--format", "dpo", "--split", "validation", "-o", str(out),
                 str(SPEC)]) == 0
    assert [r["metadata"]["case"] for r in _jsonl(out)] == ["c-multi", "c-reverse"]  # type: ignore[index]
    assert main(["export", "--format", "dpo", "--validation-ratio", "2", str(SPEC)]) == 3
    assert "--validation-ratio must be between 0 and 1" in capsys.readouterr().err


def test_batch_needs_a_target_that_a_batch_service_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gpt.jsonl"
    assert main(["export", "--format", "batch", "-o", str(out), str(SPEC)]) == 3
    assert "(t-gpt, t-vllm); a batch file holds one model" in capsys.readouterr().err
    assert not out.exists()
    assert main(["export", "--format", "batch", "--target", "t-llama", str(SPEC)]) == 3
    assert "cannot run as a batch: Ollama has no batch endpoint" in capsys.readouterr().err
    assert main(["export", "--format", "batch", "--target", "t-gpt", "-o", str(out),
                 str(SPEC)]) == 0
    assert {r["body"]["model"] for r in _jsonl(out)} == {"gpt-4o-mini"}  # type: ignore[index]


def test_bundle_export_prints_what_each_export_left_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.zip"
    assert main(["export", "--bundle", str(out), "-q", str(SPEC)]) == 0
    err = capsys.readouterr().err
    assert ("left out: engineers/training/dpo: pairs left out: 3 (1 because the verdict "
            "awaits a second look (stale); 1 because a reviewer judged the two answers a "
            "tie; 1 because reviewers disagree about which answer is better)") in err
    assert "left out: engineers/training/kto: answers left out: 1" in err
    with zipfile.ZipFile(out) as zf:
        notes = json.loads(zf.read("manifest.json"))["notes"]
    assert any(n.startswith("engineers/training/dpo: pairs left out: 3") for n in notes)
    assert main(["export", "--bundle", str(out), "-q", "--include-stale", str(SPEC)]) == 0
    assert "engineers/training/kto" not in capsys.readouterr().err  # nothing left out
