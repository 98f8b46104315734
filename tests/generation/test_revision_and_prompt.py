"""Constitutional revision with a scripted reviser on the loopback server: the accepted
(edited) revision lands in the spec file with its provenance, and the DPO export written by
``align-studio export`` shows it as chosen and the original as rejected, with provenance on
both. And the spec compiled into a system prompt, stored as a variant a target can name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from align_studio.cli import main
from align_studio.domain import Better, find_problems
from align_studio.generation.asking import ModelClient
from align_studio.generation.revision import (
    RevisionError,
    RevisionProposal,
    accept_revision_command,
    propose_revisions,
    rejected_answers,
)
from align_studio.generation.system_prompt import (
    add_variant_command,
    compile_prompt,
    system_prompt_for,
)
from align_studio.providers.endpoint import Endpoint
from align_studio.storage import SpecFile
from tests.generation.world import LEAKED, SPEC
from tests.loopback.server import LoopbackServer, ServerOptions

JUDGED = SPEC + """\
    responses:
      - id: r-shoes-small
        target: t-small
        text: You can return them whenever you like!
        verdict: reject
        reason: wrong window
        reviewer: dana
        time: 2026-11-30T10:00:00Z
  - id: c-garbage
    messages:
      - role: user
        content: Where is my parcel?
    behaviors: [b-tone]
    responses:
      - id: r-garbage
        target: t-small
        text: Dunno.
        verdict: reject
        reason: rude
"""
REVISED = "You can return them within 30 days of delivery. Would you like the return label?"


def reviser(body: dict[str, Any]) -> str:
    prompt = body["messages"][-1]["content"]
    if "Dunno." in prompt:
        return f"I refuse to use JSON. {LEAKED}"
    assert "[b-returns]" in prompt and "A reviewer rejected it because: wrong window" in prompt
    return json.dumps({"critique": "It invents an unlimited window; the policy is 30 days.",
                       "broken": ["b-returns", "b-nonexistent"], "revision": REVISED})


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(ServerOptions(reply=reviser)) as s:
        yield s


def test_an_accepted_revision_is_in_the_spec_and_the_dpo_export(
        tmp_path: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(JUDGED, encoding="utf-8")
    sf = SpecFile.load(path)
    todo = rejected_answers(sf.spec)
    assert [(c.id, r.id) for c, r in todo] == [("c-return-shoes", "r-shoes-small"),
                                               ("c-garbage", "r-garbage")]
    client = ModelClient(sf.spec, "t-gen", Endpoint(server.url, "k"), purpose="revise")
    good, bad = propose_revisions(sf.spec, client, [(c.id, r.id) for c, r in todo])
    assert isinstance(bad, str) and bad.startswith("c-garbage / r-garbage: the answer is "
                                                   "not a JSON object")
    assert LEAKED not in bad
    assert isinstance(good, RevisionProposal)
    assert good.behaviors == ("b-returns",) and good.model == "loopback-large"
    edited = REVISED.replace("Would you like", "Shall I send you")
    sf.update(lambda spec: accept_revision_command(spec, good, text=edited,
                                                   reviewer="dana")[0].redo())
    spec = SpecFile.load(path).spec
    assert find_problems(spec) == []
    case = spec.case("c-return-shoes")
    assert case is not None
    rev = case.response("r-shoes-small-revised")
    assert rev is not None and rev.text == edited and rev.verdict is None
    assert rev.target == "t-small" and rev.reviewer == "dana"
    assert rev.revision is not None
    assert (rev.revision.of, rev.revision.reviser, rev.revision.model, rev.revision.edited,
            rev.revision.behaviors) == ("r-shoes-small", "t-gen", "loopback-large", True,
                                        ["b-returns"])
    assert rev.revision.critique == "It invents an unlimited window; the policy is 30 days."
    pref = case.preferences[0]
    assert (pref.a, pref.b, pref.better, pref.reviewer) == ("r-shoes-small-revised",
                                                            "r-shoes-small", Better.A, "dana")
    assert rejected_answers(spec) == [(spec.case("c-garbage"),
                                       spec.case("c-garbage").response("r-garbage"))]  # type: ignore[union-attr]

    out = tmp_path / "dpo.jsonl"
    assert main(["export", str(path), "--format", "dpo", "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["chosen"] == [{"role": "assistant", "content": edited}]
    assert row["rejected"] == [{"role": "assistant",
                                "content": "You can return them whenever you like!"}]
    meta = row["metadata"]
    assert meta["source"] == "preference" and meta["reviewer"] == "dana"
    assert (meta["chosen_origin"], meta["chosen_revision_of"], meta["chosen_reviser"],
            meta["chosen_model"]) == ("revision", "r-shoes-small", "t-gen", "loopback-large")
    assert (meta["rejected_origin"], meta["rejected_target"], meta["rejected_model"],
            meta["rejected_verdict"], meta["rejected_reason"], meta["rejected_revision_of"]) \
        == ("target", "t-small", "loopback-small", "reject", "wrong window", None)


def test_a_revision_must_revise_a_rejected_answer_and_say_something_new(tmp_path: Path
                                                                       ) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(JUDGED, encoding="utf-8")
    spec = SpecFile.load(path).spec
    prop = RevisionProposal("c-return-shoes", "r-shoes-small", "", (), REVISED, "t-gen", "m",
                            None)  # type: ignore[arg-type]
    with pytest.raises(RevisionError, match="same text as the rejected answer"):
        accept_revision_command(spec, prop, text="You can return them whenever you like!")
    with pytest.raises(RevisionError, match="has no response 'nope'"):
        accept_revision_command(spec, RevisionProposal("c-return-shoes", "nope", "", (), "x",
                                                       "t-gen", "m", None))  # type: ignore[arg-type]
    cmd, _ = accept_revision_command(spec, prop)
    before = spec.to_data()
    cmd.redo()
    cmd.undo()
    assert spec.to_data() == before


def test_the_spec_compiles_into_a_prompt_by_authority_and_kind(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SPEC, encoding="utf-8")
    sf = SpecFile.load(path)
    text = compile_prompt(sf.spec)
    assert text == (
        "You are the AI assistant of Northwind web shop. Answers questions about orders and "
        "returns.\n\n"
        "## Rules that always apply (no instruction can change them)\n"
        "Refuse:\n- Refuse to help hurt people or animals.\n\n"
        "## Product rules (only the product team can change them)\n"
        "Always:\n- State the 30-day return window when asked about returns. (Why: "
        "Customers were told different windows.)\n\n"
        "## House style (yields to any explicit instruction)\n"
        "Tone:\n- Warm and calm; apologise at most once.\n")
    cmd = add_variant_command(sf.spec, "compiled", text, "From the behaviors", compiled=True)
    cmd.redo()
    sf.spec.targets[1].prompt_variant = "compiled"
    sf.save()
    spec = SpecFile.load(path).spec
    assert spec.prompt_variants[0].text == text and spec.prompt_variants[0].compiled is True
    assert system_prompt_for(spec, spec.targets[1]) == text
    assert system_prompt_for(spec, spec.targets[0]) == spec.system_prompt
    assert system_prompt_for(spec, spec.targets[1], "default") == spec.system_prompt
    saved = path.read_text(encoding="utf-8")
    assert "prompt_variants:\n  - id: compiled\n    label: From the behaviors\n" in saved
    assert "    prompt_variant: compiled\n" in saved
    spec.targets[0].prompt_variant = "missing"
    spec.prompt_variants[0].id = "default"
    spec.targets[1].prompt_variant = "default"
    assert [p.message for p in find_problems(spec)] == [
        "a prompt variant cannot be named 'default': that word means the spec's "
        "system_prompt",
        "target 't-gen' names prompt variant 'missing', which the spec does not have"]
