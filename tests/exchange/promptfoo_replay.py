"""Replay recorded answers through real promptfoo: the exported assertions grade them.

The provider is a small Python file that returns the answer the test carries (base64 in
a variable, so promptfoo's templating and its trimming of a final newline cannot touch
it); no network. Each assertion's ``metric`` is replaced by a key so that the verdicts
come back by name.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from align_studio.domain import Check
from align_studio.exchange.promptfoo_checks import check_to_assertion
from align_studio.exchange.promptfoo_python import ASSERT_FILE, assert_file_source

PROVIDER = '''\
import base64


def call_api(prompt, options, context):
    encoded = context["vars"]["answer_b64"]
    return {"output": base64.b64decode(encoded).decode("utf-8")}
'''


def promptfoo_env(home: Path) -> dict[str, str]:
    """An environment for an offline promptfoo run with the suite's Python."""
    return dict(os.environ, PROMPTFOO_PYTHON=sys.executable, PROMPTFOO_DISABLE_TELEMETRY="1",
                PROMPTFOO_DISABLE_UPDATE="1", PROMPTFOO_CONFIG_DIR=str(home / "pfhome"),
                PROMPTFOO_DISABLE_SHARING="1", PROMPTFOO_CACHE_ENABLED="false")


def replay(exe: list[str], folder: Path, pairs: list[tuple[str, Check, str]]
           ) -> dict[str, bool]:
    """promptfoo's verdict on each ``(key, check, answer)``, by key."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ASSERT_FILE).write_text(assert_file_source(), encoding="utf-8")
    (folder / "replay_provider.py").write_text(PROVIDER, encoding="utf-8")
    by_answer: dict[str, list[dict[str, Any]]] = {}
    for key, check, answer in pairs:
        a = check_to_assertion(check)
        a["metric"] = key
        by_answer.setdefault(answer, []).append(a)
    tests = [{"vars": {"answer_b64": base64.b64encode(ans.encode("utf-8")).decode("ascii")},
              "assert": asserts} for ans, asserts in by_answer.items()]
    config = {"description": "replay", "prompts": ["{{ answer_b64 }}"],
              "providers": [{"id": "file://replay_provider.py", "label": "replay"}],
              "tests": tests}
    (folder / "promptfooconfig.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                                 encoding="utf-8")
    out = folder / "out.json"
    run = subprocess.run(exe + ["eval", "-c", "promptfooconfig.yaml", "--no-cache",
                                "--no-progress-bar", "--no-table", "-j", "4", "-o", str(out)],
                         cwd=folder, env=promptfoo_env(folder), capture_output=True,
                         text=True, timeout=600)
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    verdicts: dict[str, bool] = {}
    for r in json.loads(out.read_text(encoding="utf-8"))["results"]["results"]:
        assert not r.get("error") or r.get("gradingResult"), r.get("error")
        for comp in r["gradingResult"]["componentResults"]:
            verdicts[comp["assertion"]["metric"]] = bool(comp["pass"])
    return verdicts
