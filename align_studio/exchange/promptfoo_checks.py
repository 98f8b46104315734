"""A check as the promptfoo assertion that gives the same verdict as the app on any answer.

Native assertions where promptfoo means exactly what the app means; a one-line
``javascript`` assertion that spells the app's meaning out where it does not (Python's
white space for word counts and trimming, a regular expression translated by
:mod:`~align_studio.grading.regex_js`); and else a ``python`` assertion running the app's
own code from ``align_checks.py`` (:mod:`promptfoo_python`): refusal classes, patterns
JavaScript cannot match the same way, schemas with keywords ajv reads differently, broken
checks. ``tests/exchange/test_promptfoo_parity.py`` replays answers through real promptfoo
to hold the export to this.

promptfoo renders every string assertion value as a Nunjucks template and reads a value
starting ``file://`` or ``package:`` as a reference; text values that would be touched are
wrapped in ``{% raw %}…{% endraw %}``, and JavaScript string literals write braces as
``\\u007b``/``\\u007d``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from align_studio.domain import Check, CheckType
from align_studio.exchange.promptfoo_python import ASSERT_FILE
from align_studio.grading.check_logic import evaluate
from align_studio.grading.regex_js import PY_SPACE, NotPortable, javascript_test

_TEMPLATE = re.compile(r"\{[{%#]")
#: JSON Schema keywords Python's jsonschema and promptfoo's ajv (draft-07, with formats)
#: read alike; any other keyword sends the check to the Python assertion.
_PORTABLE_SCHEMA = {"type", "properties", "required", "enum", "const", "items",
                    "additionalProperties", "minLength", "maxLength", "minimum", "maximum",
                    "minItems", "maxItems", "minProperties", "maxProperties", "title",
                    "description"}
_TRIM_START = f"/^[{PY_SPACE}]+/u"
_TRIM_END = f"/[{PY_SPACE}]+$/u"
_SPLIT = f"/[{PY_SPACE}]+/u"
_TEXT = "String(output)"


def template_safe(text: str) -> str | None:
    """``text`` as an assertion value promptfoo passes through unchanged (None: cannot)."""
    if _TEMPLATE.search(text) or text.startswith(("file://", "package:")):
        if "endraw" in text:
            return None
        return "{% raw %}" + text + "{% endraw %}"
    return text


def unwrap_raw(text: str) -> str:
    """The text of a value :func:`template_safe` wrapped (others unchanged)."""
    m = re.fullmatch(r"\{%-?\s*raw\s*-?%\}(.*)\{%-?\s*endraw\s*-?%\}", text, re.DOTALL)
    return m.group(1) if m else text


def js_string(text: str) -> str:
    """A JavaScript string literal, with no brace for Nunjucks to read."""
    return json.dumps(text).replace("{", "\\u007b").replace("}", "\\u007d")


def _schema_portable(schema: Any) -> bool:
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or not set(schema) <= _PORTABLE_SCHEMA:
        return False
    for key in ("properties",):
        sub = schema.get(key)
        if sub is not None and not (isinstance(sub, dict) and
                                    all(_schema_portable(v) for v in sub.values())):
            return False
    for key in ("items", "additionalProperties"):
        if key in schema and not _schema_portable(schema[key]):
            return False
    return True


def _javascript(check: Check) -> str | None:
    t, cs, v = check.type, check.case_sensitive, check.value
    low = "" if cs else ".toLowerCase()"
    if t is CheckType.REGEX:
        try:
            return javascript_test(str(v))
        except NotPortable:
            return None
    if t is CheckType.STARTS_WITH:
        return (f'{_TEXT}.replace({_TRIM_START}, ""){low}'
                f".startsWith({js_string(str(v) if cs else str(v).lower())})")
    if t is CheckType.EQUALS:
        want = str(v).strip()
        return (f'{_TEXT}.replace({_TRIM_START}, "").replace({_TRIM_END}, ""){low} === '
                f"{js_string(want if cs else want.lower())}")
    if t in (CheckType.MAX_WORDS, CheckType.MIN_WORDS):
        op = "<=" if t is CheckType.MAX_WORDS else ">="
        return f"{_TEXT}.split({_SPLIT}).filter(Boolean).length {op} {json.dumps(v)}"
    if t in (CheckType.MAX_CHARS, CheckType.MIN_CHARS):
        op = "<=" if t is CheckType.MAX_CHARS else ">="
        return f"Array.from({_TEXT}).length {op} {json.dumps(v)}"
    return None


def _native(check: Check) -> dict[str, Any] | None:
    t, cs = check.type, check.case_sensitive
    if t in (CheckType.CONTAINS, CheckType.NOT_CONTAINS):
        value = template_safe(str(check.value))
        if value is None:
            return None
        kind = ("contains" if cs else "icontains")
        return {"type": ("not-" if t is CheckType.NOT_CONTAINS else "") + kind, "value": value}
    if t in (CheckType.CONTAINS_ANY, CheckType.CONTAINS_ALL):
        values = [template_safe(str(x)) for x in check.values or []]
        if any(x is None for x in values):
            return None
        kind = "contains-any" if t is CheckType.CONTAINS_ANY else "contains-all"
        return {"type": kind if cs else "i" + kind, "value": values}
    if t is CheckType.IS_JSON:
        return {"type": "is-json"}
    if t is CheckType.JSON_SCHEMA:
        if not _schema_portable(check.schema_):
            return None
        return {"type": "is-json", "value": check.schema_}
    code = _javascript(check)
    if code is None:
        return None
    # the check travels with it: the JavaScript is the app's meaning, not its words
    return {"type": "javascript", "value": code, "config": {"check": check.to_data()}}


def check_to_assertion(check: Check) -> dict[str, Any]:
    """The promptfoo assertion of one check: the same verdict as the app on every answer."""
    broken = evaluate(check, "")[2]  # a broken check is broken whatever the answer
    a = None if broken else _native(check)
    if a is None:
        data = check.to_data()
        data.pop("description", None)
        a = {"type": "python", "value": f"file://{ASSERT_FILE}", "config": {"check": data}}
    elif check.negate:
        if a["type"] == "javascript":
            a["value"] = f"!({a['value']})"
        else:
            a["type"] = a["type"][4:] if a["type"].startswith("not-") else "not-" + a["type"]
    a["metric"] = check.description or check.type.value
    return a


def needs_python(check: Check) -> str | None:
    """Why a check runs in promptfoo through ``align_checks.py`` (None when it does not)."""
    a = check_to_assertion(check)
    if a["type"] != "python":
        return None
    if check.type is CheckType.REFUSAL:
        return "the refusal classes are the app's own classifier"
    if evaluate(check, "")[2]:
        return "the check is broken (it fails everywhere, as in the app)"
    if check.type is CheckType.REGEX:
        try:
            javascript_test(str(check.value))
        except NotPortable as exc:
            return f"the pattern {check.value!r} is not portable ({exc})"
    if check.type is CheckType.JSON_SCHEMA:
        return "the schema uses keywords promptfoo's validator reads differently"
    return "promptfoo would render the value as a template"
