"""The write-back API: verdicts and preferences land in the spec's YAML, undoably."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.editing.judgments import (
    JudgmentError,
    judgment_command,
    record_judgment,
    record_preference,
)
from align_studio.storage import SpecChangedOnDisk, SpecFile

SPEC = """\
format_version: 1
id: tiny
title: Tiny
targets:
  - id: gpt
    provider: openai
    model: gpt-4o-mini
  - id: llama
    provider: ollama
    model: llama3.1:8b
cases:
  - id: c1   # the only case
    messages:
      - role: user
        content: Where is my order?
"""


@pytest.fixture
def spec_file(tmp_path: Path) -> SpecFile:
    p = tmp_path / "tiny.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return SpecFile.load(p)


def test_judgments_and_preference_are_saved_to_yaml(spec_file: SpecFile) -> None:
    a = record_judgment(spec_file, "c1", "gpt", "It ships tomorrow.\nTrack it here.", "accept",
                        reviewer="ana", run="run-1")
    b = record_judgment(spec_file, "c1", "llama", "I cannot help.", "reject",
                        reason="over-refusal", reviewer="ana", run="run-1")
    record_preference(spec_file, "c1", a, b, "a", reason="answers", reviewer="ana")
    text = spec_file.path.read_text(encoding="utf-8")
    assert text.startswith(SPEC)  # nothing above the new lines changed, comment included
    again = SpecFile.load(spec_file.path)
    assert again.problems == []
    case = again.spec.cases[0]
    assert [(r.target, r.verdict.value, r.reviewer) for r in case.responses] == [
        ("gpt", "accept", "ana"), ("llama", "reject", "ana")]
    assert case.responses[0].text == "It ships tomorrow.\nTrack it here."
    assert case.responses[1].reason == "over-refusal"
    assert case.responses[0].time is not None and case.responses[0].run == "run-1"
    assert (case.preferences[0].a, case.preferences[0].b, case.preferences[0].better.value) == (
        a, b, "a")
    assert "text: |-\n          It ships tomorrow.\n          Track it here.\n" in text


def test_rejudging_the_same_text_updates_in_place(spec_file: SpecFile) -> None:
    rid = record_judgment(spec_file, "c1", "gpt", "Tomorrow.", "accept", reviewer="ana")
    again = record_judgment(spec_file, "c1", "gpt", "Tomorrow.", "reject", reason="too short",
                            reviewer="bo")
    assert again == rid
    responses = SpecFile.load(spec_file.path).spec.cases[0].responses
    assert len(responses) == 1 and responses[0].verdict.value == "reject"
    assert responses[0].reviewer == "bo"


def test_judgment_command_undoes_to_the_same_bytes(spec_file: SpecFile) -> None:
    cmd, _ = judgment_command(spec_file.spec, "c1", "gpt", "Hi", "accept", reviewer="ana")
    cmd.redo()
    spec_file.save()
    cmd.undo()
    spec_file.save()
    assert spec_file.path.read_text(encoding="utf-8") == SPEC


def test_unknown_names_are_refused(spec_file: SpecFile) -> None:
    with pytest.raises(JudgmentError, match="no case"):
        record_judgment(spec_file, "zz", "gpt", "x", "accept")
    with pytest.raises(JudgmentError, match="no target"):
        record_judgment(spec_file, "c1", "zz", "x", "accept")
    with pytest.raises(ValueError):
        record_judgment(spec_file, "c1", "gpt", "x", "maybe")
    assert spec_file.path.read_text(encoding="utf-8") == SPEC


def test_a_judgment_is_merged_onto_another_programs_save(spec_file: SpecFile) -> None:
    # Another program (here a second SpecFile on the same path) saves first; recording
    # through the stale object adds the verdict on top instead of failing or overwriting.
    other = SpecFile.load(spec_file.path)
    theirs = record_judgment(other, "c1", "gpt", "Theirs.", "accept", reviewer="bo")
    mine = record_judgment(spec_file, "c1", "gpt", "Mine.", "reject", reviewer="ana")
    assert mine != theirs  # the id is chosen against the case as it is on disk
    record_preference(other, "c1", theirs, mine, "a", reviewer="bo")
    case = SpecFile.load(spec_file.path).spec.cases[0]
    assert [(r.id, r.text, r.reviewer) for r in case.responses] == [
        (theirs, "Theirs.", "bo"), (mine, "Mine.", "ana")]
    assert (case.preferences[0].a, case.preferences[0].b) == (theirs, mine)
    assert spec_file.path.read_text(encoding="utf-8").startswith(SPEC)  # comment kept


def test_a_judgment_that_cannot_be_merged_is_reported_and_undone(
        spec_file: SpecFile) -> None:
    other = SpecFile.load(spec_file.path)
    record_judgment(other, "c1", "gpt", "Theirs.", "accept")
    written = spec_file.path.read_bytes()
    spec_file.spec.title = "An unsaved edit of mine"  # so the file cannot be taken over
    with pytest.raises(SpecChangedOnDisk):
        record_judgment(spec_file, "c1", "llama", "Mine.", "accept")
    assert spec_file.path.read_bytes() == written
    assert spec_file.spec.cases[0].responses == []  # the verdict was taken back


def test_a_case_removed_on_disk_is_refused(spec_file: SpecFile) -> None:
    other = SpecFile.load(spec_file.path)
    other.spec.cases[0].id = "renamed"
    other.save()
    written = spec_file.path.read_bytes()
    with pytest.raises(JudgmentError, match="no case 'c1'"):
        record_judgment(spec_file, "c1", "gpt", "Late.", "accept")
    assert spec_file.path.read_bytes() == written
