"""The semantic diff: items by id, renames, field changes, judgments, rates, the CLI."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest

from align_studio.cli import main
from align_studio.storage.runstore import GradeRow, RunStore, store_path
from align_studio.storage.specfile import SpecFile
from align_studio.versions.render import format_diff
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.save import save_version
from align_studio.versions.semantic_diff import compare, diff_data
from align_studio.versions.spectext import spec_from_text

BASE: dict[str, Any] = {
    "id": "s", "title": "T", "version": 1,
    "behaviors": [{"id": "b1", "kind": "must", "statement": "one"},
                  {"id": "b2", "kind": "refuse", "statement": "two"}],
    "targets": [{"id": "t1", "provider": "p", "model": "m1"},
                {"id": "t2", "provider": "p", "model": "m2"}],
    "cases": [
        {"id": "c1", "behaviors": ["b1"], "messages": [{"role": "user", "content": "hi"}],
         "responses": [{"id": "r1", "target": "t1", "verdict": "accept"},
                       {"id": "r2", "target": "t2", "verdict": "reject"},
                       {"id": "r3", "target": "t1", "text": "x"}]},
        {"id": "c2", "behaviors": ["b2"], "expected": "refuse"},
    ],
}


def test_items_fields_renames_and_judgments() -> None:
    new = copy.deepcopy(BASE)
    new["title"] = "T2"
    new["behaviors"][0]["statement"] = "ONE"
    new["behaviors"][1]["id"] = "b2-renamed"  # nothing else changed: a rename
    new["targets"][1]["id"] = "t2b"
    new["targets"][1]["model"] = "m3"  # renamed and changed: removed + added
    new["cases"][0]["responses"][0]["verdict"] = "reject"  # flip
    new["cases"][0]["responses"][1]["reason"] = "too long"  # details
    new["cases"][0]["responses"][2]["verdict"] = "accept"  # new judgment
    del new["cases"][1]
    new["cases"].append({"id": "c3", "title": "new case"})
    d = diff_data(BASE, new)
    assert [(c.field, c.old, c.new) for c in d.metadata] == [("title", "T", "T2")]
    assert d.behaviors.renamed == [("b2", "b2-renamed")] and not d.behaviors.added
    assert [(c.field, c.new) for c in d.behaviors.changed["b1"]] == [("statement", "ONE")]
    assert (d.targets.added, d.targets.removed) == (["t2b"], ["t2"])
    assert (d.cases.added, d.cases.removed, d.cases.changed) == (["c3"], ["c2"], {})
    got = {(j.response, j.change, j.old, j.new) for j in d.judgments}
    assert got == {("r1", "flipped", "accept", "reject"), ("r2", "changed", "reject", "reject"),
                   ("r3", "added", None, "accept")}
    rates = {(r.scope, r.key, r.metric): (r.old, r.new) for r in []}
    assert not rates
    text = format_diff(d)
    assert "~ b2 renamed to b2-renamed" in text and "c1 / r1 (t1): accept → reject" in text
    assert json.loads(json.dumps(d.to_json(), default=str))["behaviors"]["renamed"] == [
        {"from": "b2", "to": "b2-renamed"}]


def test_acceptance_rates_per_target_and_behavior() -> None:
    new = copy.deepcopy(BASE)
    new["cases"][0]["responses"][1]["verdict"] = "accept"
    from align_studio.versions.rates import _changes, acceptance

    changes = {(r.scope, r.key): (r.old, r.new) for r in
               _changes("acceptance", acceptance(BASE), acceptance(new))}
    assert changes == {("target", "t2"): (0.0, 1.0), ("behavior", "b1"): (0.5, 1.0)}


def _store_run(ws: Path, version: int, passed: dict[tuple[str, str], bool]) -> None:
    with RunStore(store_path(ws)) as store:
        run = store.start_run("customer-support", version)
        rows = [{"run_id": run, "case_id": c, "target_id": t, "model": "m", "text": "x"}
                for c, t in passed]
        ids = store.add_responses(rows)
        store.add_grades([GradeRow(i, "check", "contains", ok)
                          for i, ok in zip(ids, passed.values(), strict=True)])
        store.finish_run(run, "finished")


def test_check_pass_rates_from_the_run_store(example_spec: Path) -> None:
    save_version(example_spec, "First", "Ana")
    ws = example_spec.parent
    spec = SpecFile.load(example_spec).spec
    case = spec.cases[0]
    target = spec.targets[0].id
    repo = WorkspaceRepo.open(ws)
    sf = SpecFile.load(example_spec)
    sf.spec.title = "next"
    sf.save()
    save_version(example_spec, "Second", "Ana")
    d = compare(repo, example_spec, "v3", "v4")
    assert any("no runs recorded" in n for n in d.notes)
    _store_run(ws, 3, {(case.id, target): False})
    _store_run(ws, 4, {(case.id, target): True})
    d = compare(repo, example_spec, "v3", "v4")
    checks = {(r.scope, r.key): (r.old, r.new) for r in d.rates if r.metric == "check pass"}
    assert checks[("target", target)] == (0.0, 1.0)
    for b in case.behaviors:
        assert checks[("behavior", b)] == (0.0, 1.0)
    assert "check pass · target" in format_diff(d)


def test_cli_diff_defaults_and_json(example_spec: Path, capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    assert main(["save-version", str(example_spec), "-m", "First", "--author", "Ana"]) == 0
    sf = SpecFile.load(example_spec)
    sf.spec.cases[0].responses[0].verdict = None
    sf.spec.behaviors.pop()
    sf.save()
    capsys.readouterr()
    assert main(["diff", str(example_spec)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("customer-support: version 3") and "working file" in out
    assert "judgments (1 removed)" in out and "behaviors:\n  - " in out
    assert main(["diff", str(example_spec), "v3", "working", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["judgments"][0]["change"] == "removed" and len(data["behaviors"]["removed"]) == 1
    assert main(["diff", str(example_spec), "v9"]) == 3
    assert "no saved version" in capsys.readouterr().err
    assert main(["history", str(example_spec)]) == 0
    assert "Ana: First" in capsys.readouterr().out
    assert main(["save-version", str(example_spec), "-m", "Second", "--author", "Ana"]) == 0
    assert main(["restore", str(example_spec), "v3", "--author", "Ana"]) == 0
    assert "restored as version 5" in capsys.readouterr().out


def test_diff_of_the_1000_case_spec_is_fast(tmp_path: Path, big_spec_text: str) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_spec_text)
    save_version(path, "v1", "Ana")
    text = big_spec_text.replace("verdict: accept", "verdict: reject", 40)
    path.write_text(text.replace("severity: high", "severity: low", 3))
    repo = WorkspaceRepo.open(tmp_path)
    start = time.perf_counter()
    d = compare(repo, path)
    took = time.perf_counter() - start
    assert sum(j.change == "flipped" for j in d.judgments) == 40
    assert len(d.behaviors.changed) == 3
    assert took < 2.0  # the bench holds the 1 s bar; this guards against regressions
    _, data = spec_from_text(text, "big")
    assert len(data["cases"]) == 1000
