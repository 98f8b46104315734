"""A promptfoo configuration from a spec, runnable with ``promptfoo eval``.

- **prompts**: one chat prompt, ``{{ messages }}``; each test carries its conversation (the
  spec's system prompt and the case's messages) as a JSON text variable, so multi-turn
  cases keep every turn.
- **providers**: one per target, ``openai:chat:<model>`` with the target's parameters; no
  key is ever written. The ``openai`` profile reads ``OPENAI_API_KEY`` (and
  ``OPENAI_BASE_URL``); any other profile reads ``ALIGN_STUDIO_<PROFILE>_BASE_URL``, which
  defaults to the preset's local address for local servers (Ollama, LM Studio, vLLM,
  llama.cpp: no key needed) and to an address that names the missing variable otherwise,
  and ``ALIGN_STUDIO_<PROFILE>_API_KEY``.
- **tests**: one per case, with ``vars``, ``metadata`` and the checks as assertions that give
  the app's verdicts (:mod:`promptfoo_checks`; some run ``align_checks.py``, shipped beside
  the config). When the spec names a judge target, an ``llm-rubric`` per case graded by
  that target with the spec's judge prompt, its placeholders mapped onto promptfoo's
  variables; without one, nothing is graded by a model the PM did not choose.
- **metadata**: the spec's own data (behaviors, targets, judge), so that importing the
  export gives the spec back.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from align_studio.domain import Spec, Target
from align_studio.exchange.common import prompt_messages, public_params
from align_studio.exchange.promptfoo_checks import check_to_assertion, needs_python
from align_studio.exchange.promptfoo_python import ASSERT_FILE
from align_studio.exchange.toolversions import PROMPTFOO
from align_studio.grading.llm_judge import (
    JUDGE_PLACEHOLDERS,
    expected_words,
    judge_template,
    render_behaviors,
    render_conversation,
    unknown_placeholders,
)
from align_studio.providers.presets import PRESETS

__all__ = ["PROMPT", "PROMPTFOO_VERSION", "check_to_assertion", "export_notes",
           "promptfoo_config", "provider_entry", "render_promptfoo_config", "rubric_prompt"]

PROMPT = "{{ messages }}"
#: The promptfoo release the suite runs the export through (one pin: toolversions, which a
#: test holds to dev.py's).
PROMPTFOO_VERSION = PROMPTFOO
#: promptfoo variable of each judge placeholder (``{response}`` is promptfoo's output).
JUDGE_VARS = {"behaviors": "judge_behaviors", "expected": "judge_expected",
              "conversation": "judge_conversation", "response": "output",
              "case_id": "case_id", "notes": "judge_notes"}
#: What promptfoo's llm-rubric reads from the grader: appended to the spec's prompt.
PROMPTFOO_ANSWER = ("\n\nAnswer format for this grader (promptfoo): reply with only the JSON "
                    'object {"pass": true or false, "score": 1 or 0, "reason": "<one '
                    'sentence>"}, where pass is true exactly when your verdict is pass.')
_PLACEHOLDER = re.compile(r"\{(" + "|".join(JUDGE_PLACEHOLDERS) + r")\}")
_TEMPLATE = re.compile(r"\{[{%#]")


def env_name(profile: str, what: str) -> str:
    """The environment variable a non-OpenAI profile's key or base URL is read from."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", profile).strip("_").upper() or "PROVIDER"
    return f"ALIGN_STUDIO_{slug}_{what}"


def _preset(profile: str) -> Any:
    return PRESETS.get(re.sub(r"[^a-z0-9]+", "", profile.lower()))


def provider_entry(target_id: str, provider: str, model: str, label: str | None,
                   params: dict[str, Any]) -> dict[str, Any]:
    """The promptfoo provider of one target, without any credential.

    A missing ``ALIGN_STUDIO_<PROFILE>_BASE_URL`` falls back (Nunjucks ``default``) to the
    preset's local address, or for a server with no known address to
    ``http://set-<VARIABLE>.invalid/v1``, which fails at once naming the variable instead
    of retrying a literal ``{{ env.… }}`` URL.
    """
    config: dict[str, Any] = dict(public_params(params))
    if provider.lower() != "openai":
        preset = _preset(provider)
        var = env_name(provider, "BASE_URL")
        default = preset.base_url if preset is not None and not preset.needs_base_url \
            else f"http://set-{var}.invalid/v1"
        config["apiBaseUrl"] = "{{ env." + var + " | default('" + default + "') }}"
        config["apiKeyEnvar"] = env_name(provider, "API_KEY")
        if preset is not None and not preset.key_required:
            config["apiKeyRequired"] = False  # a local server: no dummy key to invent
    entry: dict[str, Any] = {"id": f"openai:chat:{model}", "label": label or target_id}
    if config:
        entry["config"] = config
    return entry


def _target_entry(t: Target) -> dict[str, Any]:
    return provider_entry(t.id, t.provider, t.model, t.label, t.params)


def judge_rubric(spec: Spec, behavior_ids: list[str]) -> str | None:
    """The rubric a judge model grades a case's response against, from its behaviors."""
    lines = []
    for bid in behavior_ids:
        b = spec.behavior(bid)
        if b is not None and b.statement.strip():
            lines.append(f"- ({b.kind.value}) {' '.join(b.statement.split())}")
    if not lines:
        return None
    return "The response follows every one of these rules:\n" + "\n".join(lines)


def _literal(text: str) -> str:
    # text of the PM's prompt that promptfoo must not read as a template
    return "{% raw %}" + text + "{% endraw %}" if _TEMPLATE.search(text) else text


def rubric_prompt(spec: Spec) -> str:
    """The spec's judge prompt as promptfoo's ``rubricPrompt``: every placeholder becomes
    the promptfoo variable holding the same text (see :data:`JUDGE_VARS`)."""
    template = judge_template(spec)
    out, pos = [], 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(_literal(template[pos:m.start()]))
        out.append("{{ " + JUDGE_VARS[m.group(1)] + " }}")
        pos = m.end()
    out.append(_literal(template[pos:]))
    return "".join(out) + PROMPTFOO_ANSWER


def _judge_target(spec: Spec) -> Target | None:
    if spec.judge is None or not spec.judge.target:
        return None
    return spec.target(spec.judge.target)


def export_notes(spec: Spec) -> list[str]:
    """What an engineer should know about this export (written into the file's header)."""
    notes = []
    py = [(c.id, i, why) for c in spec.cases for i, chk in enumerate(c.checks)
          if (why := needs_python(chk))]
    if py:
        notes.append(f"{len(py)} check(s) run the app's own code from {ASSERT_FILE} (keep it "
                     "beside this file; set PROMPTFOO_PYTHON to a Python 3.10+):")
        notes += [f"  {cid} check {i + 1}: {why}" for cid, i, why in py]
    if spec.judge is not None and _judge_target(spec) is None:
        notes.append("The spec has a judge prompt but no judge target (or one that is not "
                     "among its targets): no model-graded assertion is exported, so none is "
                     "graded by a model the spec did not choose.")
    if spec.judge is not None and spec.judge.prompt:
        unknown = unknown_placeholders(spec.judge.prompt)
        if unknown:
            notes.append("The judge prompt has placeholders the app does not fill: "
                         + ", ".join("{" + u + "}" for u in unknown) + " (sent as written).")
    return notes


def _spec_metadata(spec: Spec) -> dict[str, Any]:
    data = spec.to_data()
    keep = {k: data[k] for k in ("id", "title", "version", "summary", "behaviors", "judge",
                                 "targets", "system_prompt") if data.get(k) is not None}
    return {"align_studio": {"format": 1, "spec": keep}}


def promptfoo_config(spec: Spec) -> dict[str, Any]:
    """The configuration as plain data (what :func:`render_promptfoo_config` writes)."""
    providers = [_target_entry(t) for t in spec.targets]
    if not providers:
        providers = [{"id": "openai:chat:gpt-4o-mini", "label": "default"}]
    judge = _judge_target(spec)
    judge_provider = _target_entry(judge) if judge is not None else None
    tests = []
    for case in spec.cases:
        if not case.messages:
            continue
        asserts = [check_to_assertion(c) for c in case.checks]
        variables: dict[str, Any] = {
            "messages": json.dumps(prompt_messages(spec, case), ensure_ascii=False),
            "question": case.last_user_message()}
        if judge_provider is not None:
            rubric = judge_rubric(spec, case.behaviors) or \
                f"The response has the expected outcome: {expected_words(case)}."
            asserts.append({"type": "llm-rubric", "value": rubric, "metric": "judge"})
            variables.update({"judge_behaviors": render_behaviors(spec, case),
                              "judge_expected": expected_words(case),
                              "judge_conversation": render_conversation(spec, case),
                              "case_id": case.id,
                              "judge_notes": (case.notes or "").strip()})
        test: dict[str, Any] = {
            "description": f"{case.id}: {case.title}" if case.title else case.id,
            "vars": variables,
            "metadata": {"case": case.id, "category": case.category.value,
                         "behaviors": ",".join(case.behaviors),
                         "expected": case.expected.value if case.expected else ""},
        }
        if case.title:
            test["metadata"]["title"] = case.title
        if asserts:
            test["assert"] = asserts
        tests.append(test)
    config: dict[str, Any] = {
        "description": f"{spec.title or spec.id} (spec {spec.id}, version {spec.version}) — "
                       "exported by Align Studio",
        "prompts": [{"id": "chat", "label": "conversation", "raw": PROMPT}],
        "providers": providers,
    }
    if judge_provider is not None:
        # every model-graded assertion uses the spec's judge and its prompt: never
        # promptfoo's default grader
        config["defaultTest"] = {"options": {"provider": judge_provider,
                                             "rubricPrompt": rubric_prompt(spec)}}
    config["tests"] = tests
    config["metadata"] = _spec_metadata(spec)
    return config


_HEADER = """\
# promptfoo configuration exported by Align Studio from spec '{id}' (version {version}).
# Verified with promptfoo {pf}. Run it in this folder:
#   npx promptfoo@{pf} eval -c promptfooconfig.yaml
# Keys are never written here. The openai profile reads OPENAI_API_KEY (and
# OPENAI_BASE_URL for another server); other profiles read
# ALIGN_STUDIO_<PROFILE>_API_KEY and ALIGN_STUDIO_<PROFILE>_BASE_URL (local servers
# default to their usual address and need no key).
"""


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML is untyped: SafeDumper is Any
    pass


def _str_rep(dumper: yaml.SafeDumper, s: str) -> yaml.Node:
    style = "|" if "\n" in s and not s.startswith((" ", "\t")) and "\r" not in s else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_Dumper.add_representer(str, _str_rep)


def render_promptfoo_config(spec: Spec) -> str:
    """The configuration as YAML text with a header saying how to run it."""
    body: str = yaml.dump(promptfoo_config(spec), Dumper=_Dumper, sort_keys=False,
                          allow_unicode=True, width=100)
    notes = "".join(f"# {line}\n" for line in export_notes(spec))
    return _HEADER.format(id=spec.id, version=spec.version, pf=PROMPTFOO_VERSION) + notes + body
