"""One meaning per check: the meanings the app chose so that promptfoo can agree, and the
linter's warning on a pattern JavaScript cannot match the same way."""

from __future__ import annotations

import pytest

from align_studio.domain import Check
from align_studio.grading.checks import run_check
from tests.grading.test_lint import rules, spec


@pytest.mark.parametrize("check, text, passed", [
    # lower-casing as JavaScript's toLowerCase (casefold would make ß equal ss)
    ({"type": "contains", "value": "strasse"}, "Hauptstraße", False),
    ({"type": "contains", "value": "STRASSE"}, "hauptstrasse", True),
    ({"type": "equals", "value": "Σ"}, "σ", True),
    # strict JSON, as JSON.parse: no NaN, no Infinity, only JSON white space around it
    ({"type": "is-json"}, "NaN", False),
    ({"type": "is-json"}, '{"a": Infinity}', False),
    ({"type": "is-json"}, "\u00a0{}", False),
    ({"type": "is-json"}, ' {"a": 1}\n', True),
    ({"type": "is-json"}, "1" * 5000, True),  # past Python's digit limit, still JSON
])
def test_check_meanings_promptfoo_can_share(check: dict, text: str, passed: bool) -> None:
    assert run_check(Check.model_validate(check), text).passed is passed


def test_lint_warns_on_a_pattern_javascript_cannot_run() -> None:
    s = spec()
    s.cases[0].checks = [Check.model_validate({"type": "regex", "value": "(a)?b\\1"}),
                         Check.model_validate({"type": "regex", "value": "(?i)\\bok\\b"})]
    found = [(r, p) for r, p in rules(s) if r == "regex-not-portable"]
    assert found == [("regex-not-portable", ("cases", 0, "checks", 0, "value"))]
    from align_studio.grading.lint import lint_spec

    message = next(f.message for f in lint_spec(s) if f.rule == "regex-not-portable")
    assert "column 6: a back-reference" in message
