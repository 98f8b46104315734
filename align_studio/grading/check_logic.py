"""The meaning of every check type, on plain values: the one implementation of the checks.

:mod:`align_studio.grading.checks` runs it on a spec's checks; the promptfoo export copies
this module's source (with :mod:`refusal_rules` and :mod:`refusal`) into the bundle as a
self-contained Python assertion file, so a check that promptfoo cannot express exactly is
judged there by this very code. Therefore: standard library only (``jsonschema`` imported
when a schema check runs), and the only import from the app is ``classify_refusal``.

A check is any object with ``type``, ``value``, ``values``, ``case_sensitive`` and
``schema_`` attributes (the domain's ``Check``, or the bundle's small stand-in).

Meanings chosen so that promptfoo (JavaScript) can agree exactly:

- case-insensitive comparisons use ``str.lower()`` (Unicode full lower-casing, as
  JavaScript's ``toLowerCase``), not ``casefold``;
- white space is Python's (``str.split``/``str.strip``), which the export spells out;
- JSON is strict JSON (no ``NaN``/``Infinity``; only JSON white space around it), as
  ``JSON.parse``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from align_studio.grading.refusal import classify_refusal

Outcome = tuple[bool, str]


class BrokenCheck(Exception):
    """The check cannot be evaluated; the message says why."""


def _kind(check: Any) -> str:
    t = check.type
    return str(getattr(t, "value", t))


def count_words(text: str) -> int:
    """Words are runs of characters between white space (docs/spec-format.md)."""
    return len(text.split())


def _fold(text: str, check: Any) -> str:
    return text if check.case_sensitive else text.lower()


def _text_value(check: Any) -> str:
    if check.value is None or check.value == "":
        raise BrokenCheck(f"the {_kind(check)} check needs a 'value'")
    return str(check.value)


def _number(check: Any) -> int | float:
    v = check.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise BrokenCheck(f"the {_kind(check)} check needs a number as 'value'; it is {v!r}")
    return v


def _values(check: Any) -> list[str]:
    if not check.values:
        raise BrokenCheck(f"the {_kind(check)} check needs a list of 'values'")
    return [str(v) for v in check.values]


def _contains(check: Any, text: str) -> Outcome:
    value = _text_value(check)
    found = _fold(value, check) in _fold(text, check)
    return found, f"{'contains' if found else 'does not contain'} {value!r}"


def _not_contains(check: Any, text: str) -> Outcome:
    found, detail = _contains(check, text)
    return not found, detail


def _contains_any(check: Any, text: str) -> Outcome:
    hay = _fold(text, check)
    hits = [v for v in _values(check) if _fold(v, check) in hay]
    return bool(hits), (f"contains {', '.join(map(repr, hits))}" if hits
                        else f"contains none of {', '.join(map(repr, _values(check)))}")


def _contains_all(check: Any, text: str) -> Outcome:
    hay = _fold(text, check)
    missing = [v for v in _values(check) if _fold(v, check) not in hay]
    return not missing, ("contains every value" if not missing
                         else f"lacks {', '.join(map(repr, missing))}")


def _regex(check: Any, text: str) -> Outcome:
    pattern = _text_value(check)
    try:
        m = re.search(pattern, text)
    except re.error as exc:
        raise BrokenCheck(f"the pattern {pattern!r} does not work: {exc}") from None
    return (m is not None, f"matches {pattern!r} at {m.group(0)[:60]!r}" if m
            else f"does not match {pattern!r}")


def _starts_with(check: Any, text: str) -> Outcome:
    value = _text_value(check)
    ok = _fold(text.lstrip(), check).startswith(_fold(value, check))
    return ok, f"{'starts' if ok else 'does not start'} with {value!r}"


def _equals(check: Any, text: str) -> Outcome:
    value = _text_value(check)
    ok = _fold(text.strip(), check) == _fold(value.strip(), check)
    return ok, f"{'equals' if ok else 'differs from'} {value!r}"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _int(digits: str) -> int | float:
    # past Python's 4,300-digit limit a number is still JSON (JSON.parse reads it)
    try:
        return int(digits)
    except ValueError:
        return float(digits)


def parse_json(text: str) -> tuple[Any, str | None]:
    """Strict JSON, as ``JSON.parse`` reads it: the value, or why it is not JSON."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_int), None
    except (ValueError, RecursionError) as exc:
        return None, f"is not JSON ({str(exc)[:120]})"


def _is_json(check: Any, text: str) -> Outcome:
    _, err = parse_json(text)
    return err is None, err or "is JSON"


def _json_schema(check: Any, text: str) -> Outcome:
    # The exported align_checks.py needs jsonschema only when a schema check runs (and the
    # app's grading pays ~56 ms for it only then).
    import jsonschema

    schema = check.schema_
    if not isinstance(schema, dict) or not schema:
        raise BrokenCheck("the json-schema check needs a 'schema'")
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise BrokenCheck(f"the schema is not a valid JSON Schema: {exc.message}") from None
    data, err = parse_json(text)
    if err is not None:
        return False, err
    errors = sorted(cls(schema).iter_errors(data), key=lambda e: list(e.path))
    if not errors:
        return True, "is JSON valid against the schema"
    where = "/".join(str(p) for p in errors[0].path) or "the top level"
    return False, f"is JSON but not valid against the schema at {where}: {errors[0].message}"


def _limit(counter: Callable[[str], int], unit: str, at_most: bool
           ) -> Callable[[Any, str], Outcome]:
    def run(check: Any, text: str) -> Outcome:
        limit = _number(check)
        n = counter(text)
        ok = n <= limit if at_most else n >= limit
        return ok, f"has {n} {unit} ({'at most' if at_most else 'at least'} {limit:g})"
    return run


def _refusal(check: Any, text: str) -> Outcome:
    want = str(check.value or "")
    if want not in ("comply", "refuse", "partial"):
        raise BrokenCheck(f"the refusal check must expect comply, refuse or partial; it is "
                          f"{check.value!r}")
    got = classify_refusal(text)
    return got.label == want, f"is classified {got.label} (rules: {', '.join(got.rules)})"


#: The runner of each check type, by its name in the spec.
RUNNERS: dict[str, Callable[[Any, str], Outcome]] = {
    "contains": _contains,
    "not-contains": _not_contains,
    "contains-any": _contains_any,
    "contains-all": _contains_all,
    "regex": _regex,
    "starts-with": _starts_with,
    "equals": _equals,
    "is-json": _is_json,
    "json-schema": _json_schema,
    "max-words": _limit(count_words, "words", True),
    "min-words": _limit(count_words, "words", False),
    "max-chars": _limit(len, "characters", True),
    "min-chars": _limit(len, "characters", False),
    "refusal": _refusal,
}


def evaluate(check: Any, text: str) -> tuple[bool, str, bool]:
    """``(passed, detail, broken)`` of one check on ``text``, ``negate`` applied.

    A broken check (a missing value, a pattern that does not compile…) fails whatever
    ``negate`` says, so that a typo never turns into a pass.
    """
    kind = _kind(check)
    runner = RUNNERS.get(kind)
    if runner is None:
        return False, f"unknown check type {kind!r}", True
    try:
        ok, detail = runner(check, text)
    except BrokenCheck as exc:
        return False, f"the check is broken: {exc}", True
    detail = f"the response {detail}"
    if getattr(check, "negate", False):
        ok, detail = not ok, f"negated, {detail}"
    return ok, f"{'pass' if ok else 'fail'}: {detail}", False
