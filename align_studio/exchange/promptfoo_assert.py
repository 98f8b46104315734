"""promptfoo assertions → checks, and the CSV ``__expected`` shorthand → assertions."""

from __future__ import annotations

import json
import re
from typing import Any

from align_studio.domain import Check, CheckType
from align_studio.exchange.promptfoo_checks import unwrap_raw

_TEXT = {"contains": CheckType.CONTAINS, "icontains": CheckType.CONTAINS,
         "contains-any": CheckType.CONTAINS_ANY, "icontains-any": CheckType.CONTAINS_ANY,
         "contains-all": CheckType.CONTAINS_ALL, "icontains-all": CheckType.CONTAINS_ALL,
         "regex": CheckType.REGEX, "starts-with": CheckType.STARTS_WITH,
         "equals": CheckType.EQUALS}
#: Keys of an assertion that a check holds (others are kept under ``x-promptfoo``).
_PLAIN_KEYS = {"type", "value", "metric"}



def _mk(**fields: Any) -> Check:
    # Only what differs from a check's defaults, so the spec reads as a PM would write it.
    return Check.model_validate({k: v for k, v in fields.items()
                                 if v is not None and v is not False})


def _number(s: str) -> int | float:
    f = float(s)
    return int(f) if f.is_integer() else f


def _from_javascript(code: str) -> Check | None:
    """Our own exported JavaScript assertions, recognised again."""
    code = code.strip()
    neg = code.startswith("!(") and code.endswith(")")
    body = code[2:-1] if neg else code
    m = re.fullmatch(r"output\.trim\(\)\.split\(/\\s\+/\)\.filter\(Boolean\)\.length "
                     r"(<=|>=) (\d+(?:\.\d+)?)", body)
    if m:
        t = CheckType.MAX_WORDS if m.group(1) == "<=" else CheckType.MIN_WORDS
        return _mk(type=t, value=_number(m.group(2)), negate=neg)
    m = re.fullmatch(r"Array\.from\(output\)\.length (<=|>=) (\d+(?:\.\d+)?)", body)
    if m:
        t = CheckType.MAX_CHARS if m.group(1) == "<=" else CheckType.MIN_CHARS
        return _mk(type=t, value=_number(m.group(2)), negate=neg)
    m = re.fullmatch(r'new RegExp\(("(?:[^"\\]|\\.)*"), "([ims]*)"\)\.test\(output\)', body)
    if m:
        return _mk(type=CheckType.REGEX, value=f"(?{m.group(2)})" + json.loads(m.group(1))
                     if m.group(2) else json.loads(m.group(1)), negate=neg)
    m = re.fullmatch(r'output\.trimStart\(\)(\.toLowerCase\(\))?'
                     r'\.startsWith\(("(?:[^"\\]|\\.)*")\)', body)
    if m:
        return _mk(type=CheckType.STARTS_WITH, value=json.loads(m.group(2)),
                     case_sensitive=not m.group(1), negate=neg)
    m = re.fullmatch(r'output\.trim\(\)\.toLowerCase\(\) === ("(?:[^"\\]|\\.)*")', body)
    if m:
        return _mk(type=CheckType.EQUALS, value=json.loads(m.group(1)), negate=neg)
    return None


def _exported_check(a: dict[str, Any]) -> Check | None:
    """The check Align Studio's export carried in a ``javascript``/``python`` assertion's
    ``config.check`` (the JavaScript spells out its meaning; the original is the check)."""
    config = a.get("config")
    data = config.get("check") if isinstance(config, dict) else None
    if a["type"] not in ("javascript", "python") or not isinstance(data, dict):
        return None
    if a["type"] == "python" and not str(a.get("value", "")).endswith("align_checks.py"):
        return None
    try:
        check = Check.model_validate(data)
    except ValueError:
        return None
    if isinstance(a.get("metric"), str) and a["metric"] != check.type.value:
        check.description = a["metric"]
    return check


def assertion_to_check(a: Any) -> Check | None:
    """The check an assertion maps to, or None when it has no deterministic equivalent."""
    if not isinstance(a, dict) or not isinstance(a.get("type"), str):
        return None
    if "transform" in a or "contextTransform" in a:
        return None  # the assertion looks at something other than the raw output
    exported = _exported_check(a)
    if exported is not None:
        return exported
    if isinstance(a.get("value"), str):  # text the export kept from promptfoo's templating
        a = dict(a, value=unwrap_raw(a["value"]))
    elif isinstance(a.get("value"), list):
        a = dict(a, value=[unwrap_raw(v) if isinstance(v, str) else v for v in a["value"]])
    kind = a["type"]
    neg = kind.startswith("not-")
    base = kind[4:] if neg else kind
    value = a.get("value")
    if isinstance(value, str) and value.startswith("file://"):
        return None
    check: Check | None = None
    if base in _TEXT:
        t = _TEXT[base]
        cs = not base.startswith("i") and base != "regex"
        if t in (CheckType.CONTAINS_ANY, CheckType.CONTAINS_ALL):
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list) or not value or \
                    not all(isinstance(v, (str, int, float)) for v in value):
                return None
            check = _mk(type=t, values=[str(v) for v in value], case_sensitive=cs)
        else:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                return None
            check = _mk(type=t, value=str(value), case_sensitive=cs if t is not CheckType.REGEX
                          else False)
            if t is CheckType.REGEX:
                check = _mk(type=t, value=str(value))
        if t is CheckType.CONTAINS and neg:
            check = _mk(type=CheckType.NOT_CONTAINS, value=check.value, case_sensitive=cs)
            neg = False
    elif base == "is-json":
        if value is None:
            check = _mk(type=CheckType.IS_JSON)
        elif isinstance(value, dict):
            check = Check.model_validate({"type": "json-schema", "schema": value})
        else:
            return None
    elif base == "is-refusal":
        check = _mk(type=CheckType.REFUSAL, value="comply" if neg else "refuse")
        neg = False
    elif base == "javascript" and isinstance(value, str):
        check = _from_javascript(value)
        if check is None:
            return None
        if neg:
            check = _mk(**{**check.to_data(), "negate": not check.negate})
            neg = False
    if check is None:
        return None
    data = check.to_data()
    if neg:
        data["negate"] = True
    if isinstance(a.get("metric"), str) and a["metric"] not in {t.value for t in CheckType}:
        data["description"] = a["metric"]
    check = _mk(**data)
    extra = {k: v for k, v in a.items() if k not in _PLAIN_KEYS}
    if extra:
        setattr(check, "x-promptfoo", extra)
    return check


_SHORT = re.compile(r"^(?P<type>(?:not-)?[a-z][a-z0-9-]*)(?:\((?P<arg>[^)]*)\))?:(?P<value>.*)$",
                    re.DOTALL)
_NO_VALUE = {"is-json", "is-xml", "is-sql", "is-valid-openai-tools-call",
             "is-valid-openai-function-call", "is-refusal", "contains-json", "contains-xml",
             "contains-sql", "contains-html", "is-html"}
_KNOWN_SHORT = {"contains", "icontains", "contains-any", "icontains-any", "contains-all",
                "icontains-all", "regex", "starts-with", "equals", "javascript", "python",
                "llm-rubric", "model-graded-closedqa", "factuality", "similar", "levenshtein",
                "rouge-n", "bleu", "answer-relevance", "context-faithfulness", "g-eval",
                "webhook", "cost", "latency", "perplexity", "classifier", "moderation",
                "is-json", "contains-json", "word-count", "finish-reason"} | _NO_VALUE


def parse_expected(cell: str) -> dict[str, Any]:
    """A CSV ``__expected`` cell as an assertion (promptfoo's shorthand)."""
    s = cell.strip()
    base = s.removeprefix("not-")
    if base in _NO_VALUE:
        return {"type": s}
    if s.startswith(("fn:", "eval:")):
        return {"type": "javascript", "value": s.split(":", 1)[1].strip()}
    if s.startswith("grade:"):
        return {"type": "llm-rubric", "value": s[6:].strip()}
    m = _SHORT.match(s)
    if m:
        t = m.group("type")
        tb = t.removeprefix("not-")
        if tb in _KNOWN_SHORT:
            out: dict[str, Any] = {"type": t, "value": m.group("value").strip()}
            if tb in ("contains-any", "icontains-any", "contains-all", "icontains-all"):
                out["value"] = [v.strip() for v in out["value"].split(",") if v.strip()]
            if m.group("arg"):
                out["threshold"] = _number(m.group("arg"))
            return out
    return {"type": "equals", "value": s}
