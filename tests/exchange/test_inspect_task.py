"""The bundle's Inspect AI task: run for real with ``inspect eval`` against the loopback server.

inspect-ai is pinned in the ``test`` extra, so CI runs this; where it is missing the test is
skipped with the reason (a failure under CI, see tests/tools.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from align_studio.domain import Check, Verdict
from align_studio.exchange.inspect_task import FOLDER, INSPECT_VERSION, inspect_files
from align_studio.grading.checks import run_check, run_checks
from align_studio.storage import SpecFile
from tests.exchange.conftest import SPECS
from tests.loopback.server import LoopbackServer
from tests.tools import missing

MODEL = "llama3.1:8b"  # a name OpenAI does not have: the server is not OpenAI


def _unpack(bundle_files: dict[str, bytes], into: Path) -> Path:
    folder = into / "inspect"
    for name, data in bundle_files.items():
        if name.startswith(FOLDER + "/"):
            target = folder / name.removeprefix(FOLDER + "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return folder


def test_bundle_ships_the_task_folder(bundle_files: dict[str, bytes]) -> None:
    specs = [SpecFile.load(p).spec for p in SPECS]
    expected = inspect_files(specs)
    assert sorted(n for n in bundle_files if n.startswith(FOLDER + "/")) == sorted(expected)
    for name, text in expected.items():  # nothing masked away in the Python sources
        assert bundle_files[name].decode("utf-8") == text, name
    rows = [json.loads(line) for line in
            bundle_files[f"{FOLDER}/dataset.jsonl"].decode().splitlines()]
    assert len(rows) == sum(len(s.cases) for s in specs)
    by_id = {r["id"]: r for r in rows}
    cs = next(s for s in specs if s.id == "customer-support")
    case = cs.case("cs-return-flow-multi-turn")
    assert case is not None
    row = by_id["customer-support/cs-return-flow-multi-turn"]
    # every turn of the multi-turn case; the system prompt goes in through the solver
    assert [m["role"] for m in row["input"]] == ["user", "assistant", "user"]
    assert row["metadata"]["system_prompt"] == cs.system_prompt
    assert row["metadata"]["checks"] == [c.to_data() for c in case.checks]
    assert f"inspect-ai=={INSPECT_VERSION}" in bundle_files[f"{FOLDER}/README.md"].decode()


_PROBE = """
import importlib.abc, json, sys
class NoApp(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] == 'align_studio':
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, NoApp())
sys.path.insert(0, sys.argv[1])
from align_checks import check_text
pairs = json.load(sys.stdin)
print(json.dumps([check_text(c, t)[0] for c, t in pairs]))
"""


def test_copied_checks_judge_like_the_app(bundle_files: dict[str, bytes],
                                          tmp_path: Path) -> None:
    # The bundle's check files, imported where the app cannot be, judge every check of the
    # example specs on every judged answer (and a few edge texts) as the app does.
    folder = _unpack(bundle_files, tmp_path)
    pairs: list[tuple[dict[str, Any], str]] = []
    for p in SPECS:
        spec = SpecFile.load(p).spec
        texts = ["", "I can't help with that.", '{"ok": true}', "Sure! Here is how: 1. Do it."]
        texts += [r.text for c in spec.cases for r in c.responses]
        for c in spec.cases:
            pairs += [(k.to_data(), t) for k in c.checks for t in texts]
    assert len(pairs) > 3000
    done = subprocess.run([sys.executable, "-c", _PROBE, str(folder)], input=json.dumps(pairs),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout)
    want = [run_check(Check.model_validate(c), t).passed for c, t in pairs]
    assert got == want
    assert 0 < sum(got) < len(got)


def _accepted_reply(bundle_files: dict[str, bytes]) -> dict[str, str]:
    """The last user turn of each case → its first accepted answer."""
    out: dict[str, str] = {}
    for p in SPECS:
        for c in SpecFile.load(p).spec.cases:
            good = [r.text for r in c.responses if r.verdict == Verdict.ACCEPT]
            if good:
                out.setdefault(c.last_user_message(), good[0])
    return out


def test_inspect_eval_runs_the_task_against_loopback(bundle_files: dict[str, bytes],
                                                     tmp_path: Path) -> None:
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        missing("inspect-ai is not installed (pip install -e '.[test]' installs it)")
    folder = _unpack(bundle_files, tmp_path)
    answers = _accepted_reply(bundle_files)

    def reply(body: dict[str, Any]) -> str | None:
        # an accepted answer where the case has one (so some samples pass), else the echo
        last = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
        return answers.get(last)

    logs = tmp_path / "logs"
    with LoopbackServer(reply=reply, tokens=400) as server:
        env = dict(os.environ, OPENAI_BASE_URL=server.url, OPENAI_API_KEY="dummy",
                   XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
        env.pop("INSPECT_EVAL_MODEL_ARGS", None)
        done = subprocess.run(
            [sys.executable, "-m", "inspect_ai", "eval", "align_task.py",
             "--model", f"openai/{MODEL}", "-M", "responses_api=false",
             "--log-dir", str(logs), "--display", "none", "--log-format", "json"],
            cwd=folder, env=env, capture_output=True, text=True, timeout=240)
        requests = server.requests()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [log_file] = list(logs.glob("*.json"))
    log = read_eval_log(str(log_file))
    assert log.status == "success", log.error
    assert log.eval.model == f"openai/{MODEL}"
    specs = {s.id: s for s in (SpecFile.load(p).spec for p in SPECS)}
    n_cases = sum(len(s.cases) for s in specs.values())
    assert log.samples is not None and len(log.samples) == n_cases
    assert len(requests) == n_cases
    assert all(r["path"] == "/v1/chat/completions" for r in requests)
    passed = 0
    for sample in log.samples:
        assert sample.error is None, sample.error
        spec_id, case_id = str(sample.id).split("/", 1)
        spec = specs[spec_id]
        case = spec.case(case_id)
        assert case is not None
        score = (sample.scores or {})["spec_checks"]
        text = sample.output.completion
        ok = all(r.passed for r in run_checks(case, text))  # the app's verdict on that text
        assert score.value == ("C" if ok else "I"), (sample.id, score.explanation)
        passed += ok
        # the solver put the spec's system prompt first
        assert sample.messages[0].role == "system"
        assert sample.messages[0].text == spec.system_prompt
    assert 0 < passed < n_cases
    metrics = log.results.scores[0].metrics if log.results else {}
    assert metrics["accuracy"].value == pytest.approx(passed / n_cases)
