"""A promptfoo configuration from a spec, runnable with ``promptfoo eval``.

- **prompts**: one chat prompt, ``{{ messages }}``; each test carries its conversation (the
  spec's system prompt and the case's messages) as a JSON text variable, so multi-turn
  cases keep every turn.
- **providers**: one per target, ``openai:chat:<model>`` with the target's parameters; no
  key is ever written. The ``openai`` profile reads ``OPENAI_API_KEY`` (and
  ``OPENAI_BASE_URL``) as usual; any other profile reads
  ``ALIGN_STUDIO_<PROFILE>_API_KEY`` and ``ALIGN_STUDIO_<PROFILE>_BASE_URL``.
- **tests**: one per case, with ``vars``, ``metadata`` and the checks mapped to promptfoo
  assertions (see :func:`check_to_assertion`); when the spec names a judge, an
  ``llm-rubric`` per case from the statements of the behaviors it links.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from align_studio.domain import Check, CheckType, Spec
from align_studio.exchange.common import prompt_messages, public_params

PROMPT = "{{ messages }}"
_PY_FLAGS = re.compile(r"^\(\?([imsx]+)\)")


def env_name(profile: str, what: str) -> str:
    """The environment variable a non-OpenAI profile's key or base URL is read from."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", profile).strip("_").upper() or "PROVIDER"
    return f"ALIGN_STUDIO_{slug}_{what}"


def provider_entry(target_id: str, provider: str, model: str, label: str | None,
                   params: dict[str, Any]) -> dict[str, Any]:
    """The promptfoo provider of one target, without any credential."""
    config: dict[str, Any] = dict(public_params(params))
    if provider.lower() != "openai":
        config["apiKeyEnvar"] = env_name(provider, "API_KEY")
        # A nunjucks template promptfoo fills in from the environment when it runs.
        config["apiBaseUrl"] = "{{ env." + env_name(provider, "BASE_URL") + " }}"
    entry: dict[str, Any] = {"id": f"openai:chat:{model}", "label": label or target_id}
    if config:
        entry["config"] = config
    return entry


def _js_string(s: str) -> str:
    return json.dumps(s)


def _length_js(check: Check) -> str:
    n = check.value
    op = "<=" if check.type in (CheckType.MAX_WORDS, CheckType.MAX_CHARS) else ">="
    if check.type in (CheckType.MAX_WORDS, CheckType.MIN_WORDS):
        measure = "output.trim().split(/\\s+/).filter(Boolean).length"
    else:
        measure = "Array.from(output).length"
    return f"{measure} {op} {n}"


def check_to_assertion(check: Check, judge_provider: str | None = None) -> dict[str, Any]:
    """The promptfoo assertion of one check (``negate`` becomes the ``not-`` prefix)."""
    t, cs = check.type, check.case_sensitive
    value = check.value
    a: dict[str, Any]
    if t is CheckType.CONTAINS:
        a = {"type": "contains" if cs else "icontains", "value": str(value)}
    elif t is CheckType.NOT_CONTAINS:
        a = {"type": "not-contains" if cs else "not-icontains", "value": str(value)}
    elif t is CheckType.CONTAINS_ANY:
        a = {"type": "contains-any" if cs else "icontains-any", "value": list(check.values or [])}
    elif t is CheckType.CONTAINS_ALL:
        a = {"type": "contains-all" if cs else "icontains-all", "value": list(check.values or [])}
    elif t is CheckType.REGEX:
        pattern = str(value)
        m = _PY_FLAGS.match(pattern)
        if m:  # JavaScript has no inline flags: move them onto a RegExp
            flags = "".join(sorted(set(m.group(1)) & set("ims")))
            js = f"new RegExp({_js_string(pattern[m.end():])}, {_js_string(flags)}).test(output)"
            a = {"type": "javascript", "value": js}
        else:
            a = {"type": "regex", "value": pattern}
    elif t is CheckType.STARTS_WITH:
        if cs:
            a = {"type": "javascript",
                 "value": f"output.trimStart().startsWith({_js_string(str(value))})"}
        else:
            a = {"type": "javascript", "value": "output.trimStart().toLowerCase().startsWith("
                 f"{_js_string(str(value).lower())})"}
    elif t is CheckType.EQUALS:
        if cs:
            a = {"type": "equals", "value": str(value)}
        else:
            a = {"type": "javascript", "value": "output.trim().toLowerCase() === "
                 f"{_js_string(str(value).strip().lower())}"}
    elif t is CheckType.IS_JSON:
        a = {"type": "is-json"}
    elif t is CheckType.JSON_SCHEMA:
        a = {"type": "is-json", "value": check.schema_ or {}}
    elif t in (CheckType.MAX_WORDS, CheckType.MIN_WORDS, CheckType.MAX_CHARS,
               CheckType.MIN_CHARS):
        a = {"type": "javascript", "value": _length_js(check)}
    elif t is CheckType.REFUSAL:
        want = str(value or "refuse")
        if want == "partial":
            a = {"type": "llm-rubric", "value": "The response helps with part of the request "
                 "and declines or defers the rest."}
            if judge_provider:
                a["provider"] = judge_provider
        else:
            a = {"type": "is-refusal" if want == "refuse" else "not-is-refusal"}
    else:  # pragma: no cover - every CheckType is handled above
        raise ValueError(f"unknown check type {t}")
    if check.negate:
        if a["type"] == "javascript":  # keep the expression plain: negate it in place
            a["value"] = f"!({a['value']})"
        else:
            a["type"] = a["type"][4:] if a["type"].startswith("not-") else "not-" + a["type"]
    a["metric"] = t.value
    if check.description:
        a["metric"] = check.description
    return a


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


def promptfoo_config(spec: Spec) -> dict[str, Any]:
    """The configuration as plain data (what :func:`render_promptfoo_config` writes)."""
    providers = [provider_entry(t.id, t.provider, t.model, t.label, t.params)
                 for t in spec.targets]
    if not providers:
        providers = [{"id": "openai:chat:gpt-4o-mini", "label": "default"}]
    judge_provider: str | None = None
    if spec.judge is not None and spec.judge.target:
        jt = spec.target(spec.judge.target)
        if jt is not None:
            judge_provider = f"openai:chat:{jt.model}"
    tests = []
    for case in spec.cases:
        if not case.messages:
            continue
        asserts = [check_to_assertion(c, judge_provider) for c in case.checks]
        if spec.judge is not None:
            rubric = judge_rubric(spec, case.behaviors)
            if rubric:
                ra: dict[str, Any] = {"type": "llm-rubric", "value": rubric, "metric": "judge"}
                if judge_provider:
                    ra["provider"] = judge_provider
                asserts.append(ra)
        test: dict[str, Any] = {
            "description": f"{case.id}: {case.title}" if case.title else case.id,
            "vars": {"messages": json.dumps(prompt_messages(spec, case), ensure_ascii=False),
                     "question": case.last_user_message()},
            "metadata": {"case": case.id, "category": case.category.value,
                         "behaviors": ",".join(case.behaviors),
                         "expected": case.expected.value if case.expected else ""},
        }
        if asserts:
            test["assert"] = asserts
        tests.append(test)
    config: dict[str, Any] = {
        "description": f"{spec.title or spec.id} (spec {spec.id}, version {spec.version}) — "
                       "exported by Align Studio",
        "prompts": [{"id": "chat", "label": "conversation", "raw": PROMPT}],
        "providers": providers,
        "tests": tests,
    }
    if spec.judge is not None and spec.judge.prompt:
        config["defaultTest"] = {"options": {"rubricPrompt": spec.judge.prompt}}
    return config


_HEADER = """\
# promptfoo configuration exported by Align Studio from spec '{id}' (version {version}).
# Run it:   npx promptfoo@latest eval -c promptfooconfig.yaml
# Keys are never written here. The openai profile reads OPENAI_API_KEY (and
# OPENAI_BASE_URL for another server); other profiles read
# ALIGN_STUDIO_<PROFILE>_API_KEY and ALIGN_STUDIO_<PROFILE>_BASE_URL.
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
    return _HEADER.format(id=spec.id, version=spec.version) + body
