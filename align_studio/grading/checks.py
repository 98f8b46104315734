"""Deterministic checks: the assertions of docs/spec-format.md ("Checks"), run on one text.

Every check can be negated; a *broken* check (a pattern that does not compile, a missing
value, an invalid schema) fails whatever ``negate`` says, and its detail says why, so that
a typo never turns into a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from align_studio.domain import Case, Check, CheckType
from align_studio.grading.refusal import classify_refusal


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check of a case on one response.

    ``detail`` says in a PM's words what was looked for and what was found; ``broken`` is
    true when the check itself could not be evaluated (it then never passes).
    """

    check_index: int
    type: str
    passed: bool
    detail: str
    broken: bool = False

    @property
    def name(self) -> str:
        """The stable name of the grade in the run store: ``<index>:<type>``."""
        return f"{self.check_index}:{self.type}"


class BrokenCheck(Exception):
    """The check cannot be evaluated; the message says why."""


def count_words(text: str) -> int:
    """Words are runs of characters between white space (docs/spec-format.md)."""
    return len(text.split())


def _fold(text: str, check: Check) -> str:
    return text if check.case_sensitive else text.casefold()


def _text_value(check: Check) -> str:
    if check.value is None or check.value == "":
        raise BrokenCheck(f"the {check.type.value} check needs a 'value'")
    return str(check.value)


def _number(check: Check) -> int | float:
    v = check.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise BrokenCheck(f"the {check.type.value} check needs a number as 'value'; it is {v!r}")
    return v


def _values(check: Check) -> list[str]:
    if not check.values:
        raise BrokenCheck(f"the {check.type.value} check needs a list of 'values'")
    return [str(v) for v in check.values]


def _contains(check: Check, text: str) -> tuple[bool, str]:
    value = _text_value(check)
    found = _fold(value, check) in _fold(text, check)
    return found, f"{'contains' if found else 'does not contain'} {value!r}"


def _not_contains(check: Check, text: str) -> tuple[bool, str]:
    found, detail = _contains(check, text)
    return not found, detail


def _contains_any(check: Check, text: str) -> tuple[bool, str]:
    hay = _fold(text, check)
    hits = [v for v in _values(check) if _fold(v, check) in hay]
    return bool(hits), (f"contains {', '.join(map(repr, hits))}" if hits
                        else f"contains none of {', '.join(map(repr, _values(check)))}")


def _contains_all(check: Check, text: str) -> tuple[bool, str]:
    hay = _fold(text, check)
    missing = [v for v in _values(check) if _fold(v, check) not in hay]
    return not missing, ("contains every value" if not missing
                         else f"lacks {', '.join(map(repr, missing))}")


def _regex(check: Check, text: str) -> tuple[bool, str]:
    pattern = _text_value(check)
    try:
        m = re.search(pattern, text)
    except re.error as exc:
        raise BrokenCheck(f"the pattern {pattern!r} does not work: {exc}") from None
    return (m is not None, f"matches {pattern!r} at {m.group(0)[:60]!r}" if m
            else f"does not match {pattern!r}")


def _starts_with(check: Check, text: str) -> tuple[bool, str]:
    value = _text_value(check)
    ok = _fold(text.lstrip(), check).startswith(_fold(value, check))
    return ok, f"{'starts' if ok else 'does not start'} with {value!r}"


def _equals(check: Check, text: str) -> tuple[bool, str]:
    value = _text_value(check)
    ok = _fold(text.strip(), check) == _fold(value.strip(), check)
    return ok, f"{'equals' if ok else 'differs from'} {value!r}"


def _parse_json(text: str) -> tuple[Any, str | None]:
    try:
        return json.loads(text.strip()), None
    except ValueError as exc:
        return None, f"is not JSON ({exc})"


def _is_json(check: Check, text: str) -> tuple[bool, str]:
    _, err = _parse_json(text)
    return err is None, err or "is JSON"


def _json_schema(check: Check, text: str) -> tuple[bool, str]:
    import jsonschema

    schema = check.schema_
    if not isinstance(schema, dict) or not schema:
        raise BrokenCheck("the json-schema check needs a 'schema'")
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise BrokenCheck(f"the schema is not a valid JSON Schema: {exc.message}") from None
    data, err = _parse_json(text)
    if err is not None:
        return False, err
    errors = sorted(cls(schema).iter_errors(data), key=lambda e: list(e.path))
    if not errors:
        return True, "is JSON valid against the schema"
    where = "/".join(str(p) for p in errors[0].path) or "the top level"
    return False, f"is JSON but not valid against the schema at {where}: {errors[0].message}"


def _limit(counter: Callable[[str], int], unit: str, at_most: bool
           ) -> Callable[[Check, str], tuple[bool, str]]:
    def run(check: Check, text: str) -> tuple[bool, str]:
        limit = _number(check)
        n = counter(text)
        ok = n <= limit if at_most else n >= limit
        return ok, f"has {n} {unit} ({'at most' if at_most else 'at least'} {limit:g})"
    return run


def _refusal(check: Check, text: str) -> tuple[bool, str]:
    want = str(check.value or "")
    if want not in ("comply", "refuse", "partial"):
        raise BrokenCheck(f"the refusal check must expect comply, refuse or partial; it is "
                          f"{check.value!r}")
    got = classify_refusal(text)
    return got.label == want, f"is classified {got.label} (rules: {', '.join(got.rules)})"


_RUNNERS: dict[CheckType, Callable[[Check, str], tuple[bool, str]]] = {
    CheckType.CONTAINS: _contains,
    CheckType.NOT_CONTAINS: _not_contains,
    CheckType.CONTAINS_ANY: _contains_any,
    CheckType.CONTAINS_ALL: _contains_all,
    CheckType.REGEX: _regex,
    CheckType.STARTS_WITH: _starts_with,
    CheckType.EQUALS: _equals,
    CheckType.IS_JSON: _is_json,
    CheckType.JSON_SCHEMA: _json_schema,
    CheckType.MAX_WORDS: _limit(count_words, "words", True),
    CheckType.MIN_WORDS: _limit(count_words, "words", False),
    CheckType.MAX_CHARS: _limit(len, "characters", True),
    CheckType.MIN_CHARS: _limit(len, "characters", False),
    CheckType.REFUSAL: _refusal,
}


def run_check(check: Check, text: str, index: int = 0) -> CheckResult:
    """Evaluate one check on ``text`` (``negate`` applied; a broken check fails)."""
    kind = check.type.value if isinstance(check.type, CheckType) else str(check.type)
    runner = _RUNNERS.get(check.type)
    if runner is None:
        return CheckResult(index, kind, False, f"unknown check type {kind!r}", broken=True)
    try:
        ok, detail = runner(check, text)
    except BrokenCheck as exc:
        return CheckResult(index, kind, False, f"the check is broken: {exc}", broken=True)
    detail = f"the response {detail}"
    if check.negate:
        ok, detail = not ok, f"negated, {detail}"
    return CheckResult(index, kind, ok, f"{'pass' if ok else 'fail'}: {detail}")


def run_checks(case: Case, text: str) -> list[CheckResult]:
    """Every check of ``case`` on one response text, in the case's order."""
    return [run_check(chk, text, i) for i, chk in enumerate(case.checks)]
