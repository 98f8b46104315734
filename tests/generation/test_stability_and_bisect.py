"""pass^k on scripted answers whose variance is known (exact figures), and regression
bisection across real saved versions (a real git repository) that finds the planted
version within ceil(log2 n) + 1 runs of the case, counted at the loopback server."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from align_studio.domain import Spec
from align_studio.generation.ab import make_arm
from align_studio.generation.bisect import BisectError, bisect_versions, runner_probe
from align_studio.generation.stability import pass_hat_k, stability
from align_studio.providers.endpoint import Endpoint
from align_studio.storage import SpecFile
from align_studio.versions import WorkspaceRepo, save_version
from tests.loopback.server import LoopbackServer, ServerOptions

#: Which attempts (1-based, in arrival order) of each case pass; other attempts fail.
PLAN = {"steady": {1, 2, 3, 4, 5}, "wobbly": {1, 2, 4}, "broken": set(),
        "once": {3}, "same": {1, 2, 3, 4, 5}}


class Scripted:
    """Answers by attempt number per case; ``same`` passes with one text every time."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> str:
        case = body["messages"][-1]["content"]
        with self.lock:
            self.seen[case] += 1
            n = self.seen[case]
        if case == "same":
            return "PASS always the same"
        return f"PASS attempt {n}" if n in PLAN[case] else f"fail attempt {n}"


def stab_spec() -> Spec:
    return Spec.model_validate({
        "id": "stab", "title": "Stability",
        "targets": [{"id": "t", "provider": "loop", "model": "loopback-small"}],
        "behaviors": [{"id": "b-one", "kind": "must", "statement": "x"},
                      {"id": "b-two", "kind": "must", "statement": "y"}],
        "cases": [{"id": name, "behaviors": ["b-one"] if name in ("steady", "wobbly")
                   else ["b-two"], "messages": [{"role": "user", "content": name}],
                   "checks": [{"type": "starts-with", "value": "PASS"}]} for name in PLAN]})


def test_pass_hat_k_on_scripted_variance() -> None:
    with LoopbackServer(ServerOptions(reply=Scripted())) as srv:
        spec = stab_spec()
        res = stability(spec, make_arm(spec, "S"), Endpoint(srv.url, "k"), 3, runs=5)
        assert len(srv.requests()) == 25
    by = {c.case_id: c for c in res.cases}
    # c passes of n = 5 runs; pass^3 = C(c, 3) / C(5, 3) = C(c, 3) / 10
    assert {k: (c.passes, c.runs) for k, c in by.items()} == {
        "steady": (5, 5), "wobbly": (3, 5), "broken": (0, 5), "once": (1, 5), "same": (5, 5)}
    assert {k: c.pass_k for k, c in by.items()} == {
        "steady": 1.0, "wobbly": 0.1, "broken": 0.0, "once": 0.0, "same": 1.0}
    assert {k for k, c in by.items() if c.flaky} == {"wobbly", "once"}
    assert {k for k, c in by.items() if c.varies} == {"steady", "wobbly", "broken", "once"}
    assert by["same"].distinct == 1 and by["steady"].distinct == 5
    per = res.per_behavior()
    assert per["b-one"] == {"pass_k": (1.0 + 0.1) / 2, "pass_1": (1.0 + 0.6) / 2,
                            "cases": 2.0}
    assert per["b-two"]["pass_k"] == pytest.approx(1 / 3)
    assert per["b-two"]["pass_1"] == pytest.approx((0 + 0.2 + 1) / 3)
    assert res.overall() == pytest.approx(2.1 / 5)


def test_pass_hat_k_with_as_many_runs_as_k_is_all_or_nothing() -> None:
    assert [pass_hat_k(c, 4, 4) for c in range(5)] == [0, 0, 0, 0, 1]
    assert pass_hat_k(3, 5, 2) == 3 / 10
    with pytest.raises(ValueError):
        pass_hat_k(1, 2, 3)


# -- bisection ------------------------------------------------------------------------------
BASE = """\
format_version: 1
id: bis
title: Bisect me
version: 1
system_prompt: Always mention the 30 days window.
targets:
  - id: t
    provider: loop
    model: loopback-small
cases:
  - id: c-window
    messages:
      - role: user
        content: Can I still return my boots?
    checks:
      - type: contains
        value: 30 days
"""


def model(body: dict[str, Any]) -> str:
    system = body["messages"][0]["content"]
    return "Yes, within 30 days." if "30 days" in system else "Sure, any time."


def make_history(folder: Path, n: int, planted: int) -> Path:
    """``n`` saved versions; version ``planted`` (1-based) drops '30 days' from the prompt."""
    path = folder / "bis.yaml"
    path.write_text(BASE, encoding="utf-8")
    save_version(path, "first", "dana", workspace=folder)
    for v in range(2, n + 1):
        def edit(spec: Spec, v: int = v) -> None:
            spec.summary = f"revision {v}"
            if v == planted:
                spec.system_prompt = "Be brief."
        SpecFile.load(path).update(edit)
        save_version(path, f"version {v}" + (" (shorter prompt)" if v == planted else ""),
                     "dana", workspace=folder)
    return path


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(ServerOptions(reply=model)) as s:
        yield s


@pytest.mark.parametrize(("n", "planted", "verify"), [(9, 6, False), (9, 2, True),
                                                      (16, 16, False), (5, 3, True)])
def test_bisection_finds_the_planted_version(tmp_path: Path, server: LoopbackServer, n: int,
                                             planted: int, verify: bool) -> None:
    path = make_history(tmp_path, n, planted)
    server.reset()
    with WorkspaceRepo.open(tmp_path) as repo:
        res = bisect_versions(repo, path, "c-window", "v1", f"v{n}",
                              runner_probe("c-window", "t", Endpoint(server.url, "k")),
                              verify=verify)
    runs = len(server.requests())
    assert res.first_bad.spec_version == planted
    assert res.last_good.spec_version == planted - 1
    assert runs == res.runs <= math.ceil(math.log2(n)) + 1
    text = res.describe()
    assert f"first fails at version {planted}" in text and "Be brief." in text
    changed = {c.field for c in res.diff.metadata}
    assert "system_prompt" in changed


def test_bisection_refuses_a_bad_claim(tmp_path: Path, server: LoopbackServer) -> None:
    path = make_history(tmp_path, 4, 99)  # never breaks
    with WorkspaceRepo.open(tmp_path) as repo:
        with pytest.raises(BisectError, match="passes at the 'bad' version"):
            bisect_versions(repo, path, "c-window", "v1", "v4",
                            runner_probe("c-window", "t", Endpoint(server.url, "k")),
                            verify=True)
        with pytest.raises(BisectError, match="older than the failing one"):
            bisect_versions(repo, path, "c-window", "v4", "v1",
                            runner_probe("c-window", "t", Endpoint(server.url, "k")))
