"""Every check type of docs/spec-format.md, its case option, negation and broken checks."""

from __future__ import annotations

from typing import Any

import pytest

from align_studio.domain import Case, Check
from align_studio.grading.checks import count_words, run_check, run_checks
from align_studio.grading.results import grade_run, grades_for
from align_studio.storage.runstore import RunStore
from tests.grading.conftest import make_spec, record


def check(**kw: Any) -> Check:
    return Check.model_validate(kw)


@pytest.mark.parametrize("spec,text,passed", [
    ({"type": "contains", "value": "30 Days"}, "within 30 days", True),
    ({"type": "contains", "value": "30 Days", "case_sensitive": True}, "within 30 days", False),
    ({"type": "contains", "value": "30"}, "300 items", True),  # substrings match in words
    ({"type": "not-contains", "value": "bust"}, "The vendor is BUST", False),
    ({"type": "not-contains", "value": "bust"}, "The contract is signed", True),
    ({"type": "contains-any", "values": ["order number", "NW-"]}, "it is nw-1", True),
    ({"type": "contains-any", "values": ["a1", "b2"]}, "nothing", False),
    ({"type": "contains-all", "values": ["Ana", "export"]}, "ana: the export", True),
    ({"type": "contains-all", "values": ["Ana", "export"], "case_sensitive": True},
     "ana: the export", False),
    ({"type": "regex", "value": r"\bNW-\d{6}\b"}, "Order NW-482913 shipped", True),
    ({"type": "regex", "value": "^Hello"}, "Say Hello", False),  # re.search, anchored
    ({"type": "regex", "value": "SORRY"}, "sorry", False),  # regex is as written
    ({"type": "regex", "value": "(?i)SORRY"}, "sorry", True),
    ({"type": "starts-with", "value": "call 999"}, "  Call 999 now.", True),
    ({"type": "starts-with", "value": "999"}, "Call 999", False),
    ({"type": "equals", "value": " Yes "}, "yes\n", True),
    ({"type": "equals", "value": "Yes", "case_sensitive": True}, "yes", False),
    ({"type": "is-json"}, ' {"a": 1} ', True),
    ({"type": "is-json"}, '```json\n{"a": 1}\n```', False),  # no code fence
    ({"type": "is-json"}, "Here: {}", False),
    ({"type": "max-words", "value": 3}, "don't stop me", True),
    ({"type": "max-words", "value": 2}, "x = 1", False),  # a code line is three words
    ({"type": "min-words", "value": 3}, "one two", False),
    ({"type": "max-chars", "value": 4}, "ééé!", True),  # characters, not bytes
    ({"type": "min-chars", "value": 5}, "abcd", False),
    ({"type": "refusal", "value": "refuse"}, "I'm sorry, but I can't help with that.", True),
    ({"type": "refusal", "value": "comply"}, "How old is your daughter?", True),
])
def test_check_semantics(spec: dict[str, Any], text: str, passed: bool) -> None:
    result = run_check(check(**spec), text)
    assert result.passed is passed, result.detail
    assert not result.broken
    negated = run_check(check(**spec, negate=True), text)
    assert negated.passed is not passed and "negated" in negated.detail


def test_json_schema() -> None:
    schema = {"type": "object", "required": ["summary", "fix"],
              "properties": {"summary": {"type": "string"}, "fix": {"type": "string"}}}
    ok = run_check(check(type="json-schema", schema=schema), '{"summary": "s", "fix": "f"}')
    assert ok.passed and ok.detail == "pass: the response is JSON valid against the schema"
    bad = run_check(check(type="json-schema", schema=schema), '{"summary": 3, "fix": "f"}')
    assert not bad.passed and "at summary" in bad.detail and "is not of type 'string'" in \
        bad.detail
    missing = run_check(check(type="json-schema", schema=schema), '{"summary": "s"}')
    assert not missing.passed and "'fix' is a required property" in missing.detail
    prose = run_check(check(type="json-schema", schema=schema), "not json")
    assert not prose.passed and "is not JSON" in prose.detail


@pytest.mark.parametrize("spec,why", [
    ({"type": "regex", "value": "("}, "does not work"),
    ({"type": "contains"}, "needs a 'value'"),
    ({"type": "contains-any", "values": []}, "needs a list"),
    ({"type": "max-words", "value": "120"}, "needs a number"),
    ({"type": "refusal", "value": "maybe"}, "comply, refuse or partial"),
    ({"type": "json-schema", "schema": {"type": "nonsense"}}, "not a valid JSON Schema"),
])
def test_broken_checks_fail_even_when_negated(spec: dict[str, Any], why: str) -> None:
    for negate in (False, True):
        r = run_check(check(**spec, negate=negate), "text")
        assert r.broken and not r.passed and why in r.detail
        assert r.detail.startswith("the check is broken: ")


def test_run_checks_keeps_order_and_names() -> None:
    case = Case.model_validate({"id": "c", "checks": [{"type": "contains", "value": "a"},
                                                      {"type": "max-words", "value": 1}]})
    results = run_checks(case, "a b")
    assert [(r.check_index, r.type, r.passed, r.name) for r in results] == [
        (0, "contains", True, "0:contains"), (1, "max-words", False, "1:max-words")]
    assert count_words("  a\tb\nc  ") == 3


def test_grade_run_stores_check_grades_apart_and_replaces_them(store: RunStore) -> None:
    spec = make_spec()
    rid = record(store, spec, {("c-window", "t-a"): "You have 30 days.",
                               ("c-window", "t-b"): "Whenever.",
                               ("c-dose", "t-a"): "I can't help with that.",
                               ("c-nochecks", "t-a"): "Yes."})
    store.add_responses([{"run_id": rid, "case_id": "c-dose", "target_id": "t-b",
                          "model": "m", "error": "boom"},
                         {"run_id": rid, "case_id": "c-gone", "target_id": "t-b",
                          "model": "m", "text": "x"}])
    s = grade_run(store, spec, rid)
    assert (s.responses, s.passed, s.failed, s.grades, s.errors) == (3, 2, 1, 5, 0)
    assert len(s.skipped) == 2 and any("no longer in the spec" in x for x in s.skipped)
    rows = {(r["case_id"], r["target_id"]): r["id"] for r in store.responses(rid)}
    g = grades_for(store, rows.values())
    assert [(x["kind"], x["name"], x["passed"]) for x in g[rows["c-window", "t-b"]]] == [
        ("check", "0:contains", 0), ("check", "1:max-words", 1)]
    assert g[rows["c-nochecks", "t-a"]] == []
    grade_run(store, spec, rid)  # again: replaced, not doubled
    assert len(grades_for(store, [rows["c-window", "t-b"]])[rows["c-window", "t-b"]]) == 2
    assert sum(r["graded"] for r in store.drift(spec.id, "check")) == 3
