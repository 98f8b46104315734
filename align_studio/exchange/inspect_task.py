"""A runnable Inspect AI task for the bundle: dataset, solver and scorers from the specs.

``engineers/inspect/`` holds:

- ``align_task.py`` — the task (:data:`TASK_SOURCE`): one sample per case; the solver puts
  the spec's system prompt first (or a variant given with ``-T system_prompt=FILE``), then
  ``generate()``; the scorer ``spec_checks`` runs every check of the case on the answer;
- ``dataset.jsonl`` — the samples: ``id``, ``input`` (the case's turns, cut after the last
  user turn), ``target`` (the accepted answers, as in ``engineers/evals/``) and
  ``metadata`` (spec, case, behaviors, expected outcome, system prompt, checks);
- ``align_checks.py`` — the app's own check code in one self-contained file, the same
  file the promptfoo configs use (:mod:`align_studio.exchange.promptfoo_python`), so a
  check passes in Inspect exactly when it passes in the app; the refusal check uses the
  same named rules, no judge model;
- ``README.md`` — the commands.

Run (any OpenAI-compatible server; the model name is the server's; inspect wants
``OPENAI_API_KEY`` set even for a server that checks none)::

    OPENAI_BASE_URL=http://localhost:11434/v1 inspect eval align_task.py \\
        --model openai/llama3.1:8b -M responses_api=false
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from align_studio.domain import Spec
from align_studio.exchange.common import jsonl
from align_studio.exchange.evalsets import inspect_rows
from align_studio.exchange.promptfoo_python import ASSERT_FILE, assert_file_source

#: The inspect-ai release the task was run with (tests/exchange/test_inspect_task.py).
INSPECT_VERSION = "0.3.285"
FOLDER = "engineers/inspect"

TASK_SOURCE = '''\
"""Inspect AI task exported by Align Studio: the spec's cases, solver and checks.

    inspect eval align_task.py --model openai/<model>   # OpenAI
    OPENAI_BASE_URL=http://localhost:11434/v1 \\
        inspect eval align_task.py --model openai/<model> -M responses_api=false
    # (another server: keeps inspect on /v1/chat/completions; see README.md)

Task parameters (-T name=value): spec (only the cases of this spec id), system_prompt (a
file whose text replaces the spec's system prompt, to try a variant).
"""

import json
import sys
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
)
from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, scorer, stderr
from inspect_ai.solver import Generate, TaskState, generate, solver

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the check modules next to this file

from align_checks import check_text  # noqa: E402

MESSAGE = {"system": ChatMessageSystem, "user": ChatMessageUser,
           "assistant": ChatMessageAssistant, "tool": ChatMessageTool}


def _sample(row):
    return Sample(id=row["id"], target=row["target"], metadata=row["metadata"],
                  input=[MESSAGE[m["role"]](content=m["content"]) for m in row["input"]])


def _dataset(spec):
    rows = [json.loads(line) for line in
            (HERE / "dataset.jsonl").read_text(encoding="utf-8").splitlines() if line]
    if spec:
        rows = [r for r in rows if r["metadata"]["spec"] == spec]
        if not rows:
            raise ValueError(f"no case of a spec with id {spec!r} in dataset.jsonl")
    return MemoryDataset([_sample(r) for r in rows], name="align-studio")


@solver
def spec_system_prompt(override=None):
    """Put the spec's system prompt (or the override) before the case's turns."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        text = override if override is not None else state.metadata.get("system_prompt")
        if text:
            state.messages.insert(0, ChatMessageSystem(content=text))
        return state

    return solve


@scorer(metrics=[accuracy(), stderr()])
def spec_checks():
    """CORRECT when every check of the case passes (the app's own check code)."""

    async def score(state: TaskState, target: Target) -> Score:
        text = state.output.completion
        results = []
        for i, data in enumerate(state.metadata.get("checks") or []):
            passed, detail, broken = check_text(data, text)
            label = data.get("description") or data.get("type")
            results.append({"index": i, "check": label, "passed": passed,
                            "detail": detail, "broken": broken})
        if not results:
            return Score.unscored(reason="the case has no checks", answer=text)
        ok = all(r["passed"] for r in results)
        return Score(value=CORRECT if ok else INCORRECT, answer=text,
                     explanation="\\n".join(f"{r['check']}: {r['detail']}" for r in results),
                     metadata={"checks": results})

    return score


@task
def align_spec(spec=None, system_prompt=None):
    """The cases of the exported specs (or of one spec), scored by their checks."""
    override = None
    if system_prompt:
        override = Path(system_prompt).read_text(encoding="utf-8")
    return Task(dataset=_dataset(spec),
                solver=[spec_system_prompt(override), generate()],
                scorer=spec_checks())
'''

README = """\
# Inspect AI task

Exported by Align Studio. Checked with inspect-ai {version} (Python 3.10+):

    python -m pip install "inspect-ai=={version}" openai jsonschema

Run every case against a model on any OpenAI-compatible server (OpenAI, Ollama, vLLM,
LM Studio, llama.cpp…). The model name after `openai/` is the one the server knows:

    export OPENAI_BASE_URL=http://localhost:11434/v1   # Ollama; omit for api.openai.com
    export OPENAI_API_KEY=<your key>   # a server that checks no key takes any text
    inspect eval align_task.py --model openai/llama3.1:8b -M responses_api=false \\
        --log-dir logs
    inspect view --log-dir logs                        # browse the results

`-M responses_api=false`: inspect-ai takes a model name it does not know (llama3.1:8b,
qwen2.5…) for a new OpenAI model and sends it to OpenAI's Responses API (`/v1/responses`),
which Ollama, llama.cpp and LM Studio do not serve; the flag keeps the requests on
`/v1/chat/completions`, which every OpenAI-compatible server has. For OpenAI's own models
(`--model openai/gpt-4o-mini`) leave it out. Inspect's other route to such a server works
too: `--model openai-api/local/llama3.1:8b` with `LOCAL_BASE_URL` and `LOCAL_API_KEY` set.
The base URL can also be given per run: `-M base_url=http://host:8000/v1`.

One spec only: `-T spec=<spec id>`. A system prompt variant: `-T system_prompt=variant.txt`.

Scoring: `spec_checks` runs every check of the case with the app's own check code
(`align_checks.py`, the same file the promptfoo configs use: the refusal check uses the
same named rules as the app, no judge model). A sample is CORRECT when all its checks
pass; the score's explanation lists each check; a case without checks is left unscored.
`target` holds the accepted answers, for a model-graded scorer of your own.
"""


def support_files() -> dict[str, str]:
    """The check code the task imports, by file name: one file, shared with promptfoo."""
    return {ASSERT_FILE: assert_file_source()}


def _answers(spec: Spec) -> dict[str, Any]:
    """The ``target`` of each case as the eval files give it (same selection rules)."""
    return {row["id"]: row["target"] for row in inspect_rows(spec)}


def task_rows(spec: Spec) -> list[dict[str, Any]]:
    """The samples of one spec (cases without a conversation are left out)."""
    targets = _answers(spec)
    rows = []
    for c in spec.cases:
        msgs = [{"role": m.role.value, "content": m.content} for m in c.messages]
        while msgs and msgs[-1]["role"] == "assistant":  # the answer is what is asked for
            msgs.pop()
        if not msgs:
            continue
        sid = f"{spec.id}/{c.id}"
        rows.append({"id": sid, "input": msgs, "target": targets.get(sid, ""),
                     "metadata": {"spec": spec.id, "spec_version": spec.version,
                                  "case": c.id, "title": c.title or "",
                                  "category": c.category.value,
                                  "behaviors": list(c.behaviors),
                                  "expected": c.expected.value if c.expected else None,
                                  "system_prompt": spec.system_prompt or "",
                                  "checks": [k.to_data() for k in c.checks]}})
    return rows


def inspect_files(specs: list[Spec]) -> dict[str, str]:
    """Every file of ``engineers/inspect/`` by its name in the bundle."""
    return {name: render(specs) for name, render, _, _ in BUNDLE_FILES}


def _support(name: str) -> Callable[[list[Spec]], str]:
    return lambda specs: support_files()[name]


#: The files of ``engineers/inspect/`` as the bundle lists them: (name, render, what it
#: is, how to run it) — the fields of ``bundle.EngineerFile``.
BUNDLE_FILES: list[tuple[str, Callable[[list[Spec]], str], str, str]] = [
    (f"{FOLDER}/align_task.py", lambda specs: TASK_SOURCE,
     "Inspect AI task: the cases as samples, the spec's system prompt, the checks as scorer",
     f"`pip install inspect-ai=={INSPECT_VERSION}`, then `cd {{dir}} && inspect eval "
     "align_task.py --model openai/MODEL` (another server: `OPENAI_BASE_URL` and "
     "`-M responses_api=false`; see its README.md)"),
    (f"{FOLDER}/dataset.jsonl", lambda specs: jsonl(r for s in specs for r in task_rows(s)),
     "the task's samples: `id`, `input`, `target`, `metadata` (with the checks)", ""),
    (f"{FOLDER}/README.md", lambda specs: README.format(version=INSPECT_VERSION),
     "how to run the Inspect task", ""),
    (f"{FOLDER}/{ASSERT_FILE}", _support(ASSERT_FILE),
     "the app's check code (the same file as the promptfoo configs'), used by the task", ""),
]


def write_inspect_folder(specs: list[Spec], folder: Path) -> list[Path]:
    """Write the task folder (for ``align-studio export --format inspect-task -o DIR``)."""
    written = []
    for name, text in inspect_files(specs).items():
        target = folder / Path(name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


__all__ = ["BUNDLE_FILES", "FOLDER", "INSPECT_VERSION", "TASK_SOURCE", "inspect_files",
           "support_files", "task_rows", "write_inspect_folder"]
