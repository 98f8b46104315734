"""A target naming a prompt variant sends that variant's system prompt in a normal run
(``align-studio run`` here; the window's run in tests/ui/generation/test_variant_runs.py),
and the loopback server's record of requests shows what each target was sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.cli import main
from align_studio.domain import Spec
from align_studio.runs.runner import build_jobs
from tests.loopback.server import LoopbackServer

SPEC = """\
format_version: 1
id: refunds
title: Refund assistant
system_prompt: You help with refunds.
prompt_variants:
  - id: terse
    text: Answer in one sentence.
  - id: none
    text: ""
targets:
  - id: plain
    provider: local
    model: loopback-plain
  - id: short
    provider: local
    model: loopback-short
    prompt_variant: terse
  - id: named-default
    provider: local
    model: loopback-default
    prompt_variant: default
  - id: bare
    provider: local
    model: loopback-bare
    prompt_variant: none
cases:
  - id: simple
    messages:
      - role: user
        content: where is my refund
  - id: own
    messages:
      - role: system
        content: You are a pirate.
      - role: user
        content: where is my refund
"""


def test_the_cli_run_sends_each_target_its_variant(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "refunds.yaml"
    path.write_text(SPEC, encoding="utf-8")
    with LoopbackServer(tokens=4) as s:
        assert main(["run", str(path), "--base-url", s.url, "--json", "--no-store"]) == 0
        capsys.readouterr()
        sent = sorted((r["body"]["model"], [m["role"] + ": " + m["content"]
                                            for m in r["body"]["messages"]])
                      for r in s.requests())
    q = "user: where is my refund"
    pirate = ["system: You are a pirate.", q]
    assert sent == sorted([
        ("loopback-bare", [q]),  # an empty variant: no system prompt at all
        ("loopback-bare", pirate),  # a case's own system message is kept, whatever the variant
        ("loopback-default", ["system: You help with refunds.", q]),  # "default": the spec's
        ("loopback-default", pirate),
        ("loopback-plain", ["system: You help with refunds.", q]),
        ("loopback-plain", pirate),
        ("loopback-short", ["system: Answer in one sentence.", q]),  # the variant's prompt
        ("loopback-short", pirate),
    ])


def test_a_target_naming_a_missing_variant_is_an_error_not_the_spec_prompt() -> None:
    spec = Spec.model_validate({"id": "s", "system_prompt": "x", "targets": [
        {"id": "t", "provider": "p", "model": "m", "prompt_variant": "gone"}],
        "cases": [{"id": "c", "messages": [{"role": "user", "content": "hi"}]}]})
    with pytest.raises(LookupError, match="target 't': the spec has no prompt variant 'gone'"):
        build_jobs(spec)
