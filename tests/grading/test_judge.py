"""The judge model against the real loopback server: verdicts, invalid answers, the Runner."""

from __future__ import annotations

import json
from typing import Any

import pytest

from align_studio.grading.llm_judge import (
    DEFAULT_JUDGE_PROMPT,
    JUDGE_SPEC_SUFFIX,
    InvalidJudgeAnswer,
    build_judge_jobs,
    judge_prompt,
    judge_responses,
    parse_judge_answer,
)
from align_studio.grading.results import grades_for
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore
from tests.grading.conftest import make_spec, record
from tests.loopback.server import LoopbackServer


def scripted(body: dict[str, Any]) -> str | None:
    """The judge's answer, chosen by a word in the response being judged."""
    prompt = body["messages"][-1]["content"]
    answer = prompt.split("<<<\n", 1)[1].split("\n>>>", 1)[0]
    if "GOOD" in answer:
        return json.dumps({"verdict": "pass", "rationale": "It states the 30-day window."})
    if "BAD" in answer:
        return json.dumps({"verdict": "fail", "rationale": "It never mentions the window."})
    if "PROSE" in answer:
        return "I think this answer passes, mostly."
    if "WRONGWORD" in answer:
        return '{"verdict": "maybe", "rationale": "Hard to say."}'
    if "FENCED" in answer:
        return '```json\n{"verdict": "pass", "rationale": "Fine."}\n```'
    return None


@pytest.fixture
def judge_server() -> Any:
    with LoopbackServer(tokens=10, reply=scripted) as s:
        yield s


def test_parse_judge_answer_accepts_only_the_object() -> None:
    assert parse_judge_answer('{"verdict": "fail", "rationale": " No. "}').rationale == "No."
    assert parse_judge_answer('```json\n{"verdict": "pass", "rationale": "ok"}\n```').verdict \
        == "pass"
    for bad, why in [("pass", "not a JSON object"), ('{"verdict": "pass"}', "rationale"),
                     ('{"verdict": "PASS", "rationale": "x"}', "verdict"),
                     ('{"verdict": "pass", "rationale": ""}', "rationale is empty"),
                     ('{"verdict": "pass", "rationale": "x", "score": 3}', "score"),
                     ('Sure! {"verdict": "pass", "rationale": "x"}', "not a JSON object"),
                     ("", "empty")]:
        with pytest.raises(InvalidJudgeAnswer) as err:
            parse_judge_answer(bad)
        assert str(err.value).startswith("the judge's answer was not valid: ")
        assert why in str(err.value)


def test_prompt_fills_placeholders_and_the_spec_can_override_it() -> None:
    spec = make_spec()
    case = spec.case("c-window")
    assert case is not None
    text = judge_prompt(spec, case, "Answer {with braces}")
    assert "[b-window] (must, medium) State the 30-day" in text
    assert "Expected outcome: comply — answer the request" in text
    assert "SYSTEM: You help with returns.\n\nUSER: How long do I have" in text
    assert "<<<\nAnswer {with braces}\n>>>" in text
    assert '{"verdict": "pass" or "fail"' in text and "{behaviors}" in DEFAULT_JUDGE_PROMPT
    spec.judge.prompt = "B={behaviors} E={expected} R={response} keep {this}"  # type: ignore
    assert judge_prompt(spec, case, "hi").endswith("R=hi keep {this}")


def test_jobs_ask_for_json_mode_on_the_judge_target() -> None:
    spec = make_spec()
    rows = [{"id": 7, "case_id": "c-window", "target_id": "t-a", "text": "x", "error": None,
             "cancelled": 0}, {"id": 8, "case_id": "c-window", "target_id": "t-b", "text": "",
                               "error": "boom", "cancelled": 0}]
    jobs = build_judge_jobs(spec, rows, "t-judge")
    assert [j.job_id for j in jobs] == ["judge::7"]  # the failed response is not judged
    assert jobs[0].model == "judge-model" and jobs[0].target_id == "t-judge"
    assert jobs[0].params == {"temperature": 0, "response_format": {"type": "json_object"}}
    assert "response_format" not in build_judge_jobs(spec, rows, "t-judge",
                                                     json_mode=False)[0].params


def test_judge_grades_through_the_runner(judge_server: LoopbackServer, store: RunStore) -> None:
    spec = make_spec()
    texts = {("c-window", "t-a"): "GOOD 30 days", ("c-window", "t-b"): "BAD",
             ("c-dose", "t-a"): "PROSE", ("c-dose", "t-b"): "WRONGWORD",
             ("c-nochecks", "t-a"): "FENCED", ("c-nochecks", "t-b"): "echo me"}
    rid = record(store, spec, texts)
    rows = store.responses(rid)
    ep = Endpoint(judge_server.url, "k", timeout=5, max_retries=1)
    summary = judge_responses(store, spec, rows, ep)
    assert (summary.responses, summary.passed, summary.failed, summary.errors) == (6, 2, 1, 3)
    by_text = {r["text"]: grades_for(store, [r["id"]])[r["id"]] for r in rows}
    good = by_text["GOOD 30 days"]
    assert [(g["kind"], g["name"], g["passed"]) for g in good] == [("judge", "judge:t-judge", 1)]
    assert good[0]["detail"] == "It states the 30-day window."
    assert by_text["BAD"][0]["passed"] == 0
    for t in ("PROSE", "WRONGWORD", "echo me"):
        g = by_text[t][0]
        assert g["passed"] is None
        assert g["detail"].startswith("the judge's answer was not valid: ")
    sent = judge_server.requests()
    assert len(sent) == 6
    assert all(r["body"]["response_format"] == {"type": "json_object"} for r in sent)
    assert all(r["body"]["model"] == "judge-model" for r in sent)
    # The judge's own requests are a run of the pseudo-spec, not responses of the spec.
    assert len(store.matrix(spec.id)) == 6
    assert store.history(spec.id + JUDGE_SPEC_SUFFIX)[0]["responses"] == 6
    # Judging again replaces the grades and is answered from the cache.
    judge_server.reset()
    judge_responses(store, spec, rows, ep)
    assert judge_server.requests() == []
    assert len(grades_for(store, [rows[0]["id"]])[rows[0]["id"]]) == 1


def test_judge_failure_is_an_error_grade(store: RunStore) -> None:
    spec = make_spec()
    rid = record(store, spec, {("c-window", "t-a"): "[[fault:500]] GOOD"})
    rows = store.responses(rid)
    # The judged text carries a fault marker into the judge prompt: the server answers 500.
    with LoopbackServer(tokens=5, reply=scripted, retry_after=0.05) as s:
        summary = judge_responses(store, spec, rows, Endpoint(s.url, "k", max_retries=0))
    g = grades_for(store, [rows[0]["id"]])[rows[0]["id"]][0]
    assert summary.errors == 1 and g["passed"] is None
    assert g["detail"].startswith("the judge could not answer: ")


def test_no_judge_configured_is_a_clear_error(store: RunStore) -> None:
    spec = make_spec(judge=None)
    with pytest.raises(LookupError, match="no judge"):
        judge_responses(store, spec, [], Endpoint("http://127.0.0.1:9/v1", "k"))
    with pytest.raises(LookupError, match="not among"):
        judge_responses(store, spec, [], Endpoint("http://127.0.0.1:9/v1", "k"),
                        judge_target="t-x")
