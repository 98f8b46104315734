"""``align-studio run --fail-on-checks``: exit 1 when an answer fails its case's checks
(issue 16); without the flag failed checks leave the exit code 0, as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.cli import main
from tests.loopback.server import LoopbackServer

SPEC = """\
format_version: 1
id: refunds
title: Refund assistant
cases:
  - id: echoed
    messages:
      - role: user
        content: where is my refund
    checks:
      - type: contains
        value: refund
  - id: missing
    messages:
      - role: user
        content: hello there
    checks:
      - type: contains
        value: business days
targets:
  - id: small
    provider: local
    model: loopback-small
"""


@pytest.fixture
def spec_path(tmp_path: Path) -> str:
    (tmp_path / "specs").mkdir()
    path = tmp_path / "specs" / "refunds.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return str(path)


def test_exit_codes_with_and_without_the_flag(spec_path: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer(tokens=8) as s:  # echoes the question: "…Echo where is my refund"
        args = ["run", spec_path, "--base-url", s.url, "--no-store"]
        assert main(args) == 0
        assert "check failed" not in capsys.readouterr().err
        assert main([*args, "--fail-on-checks"]) == 1
        err = capsys.readouterr().err
        assert main([*args, "--fail-on-checks", "--cases", "echoed"]) == 0
    failed = [ln for ln in err.splitlines() if ln.startswith("check failed")]
    assert failed == ['check failed: missing × small: check 1 (contains): '
                      + failed[0].split("(contains): ", 1)[1]]
    assert "business days" in failed[0]
