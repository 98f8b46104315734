"""Hand-written expected rows of every training and eval format, from a small hand-written
spec (tests/data/training/shop-help.yaml): ties, stale verdicts, a multi-turn case, the
system prompt, provenance, which way a pair points and the KTO labels.

Each expected row below is written out by hand, so swapping chosen and rejected, inverting
a KTO label, exporting a tie or a stale verdict, or losing a provenance field fails here.
(Before issue 15 the export made pairs of the tie, the stale verdict and both sides of the
reviewers' disagreement: 7 DPO rows instead of 3.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from align_studio.domain import Spec
from align_studio.exchange.evalsets import inspect_rows, openai_evals_rows
from align_studio.exchange.selection import LeftOut
from align_studio.exchange.training import export_training
from align_studio.storage import SpecFile

SPEC = Path(__file__).resolve().parents[1] / "data" / "training" / "shop-help.yaml"

SYSTEM = {"role": "system", "content": "You help customers of the Northwind shop."}
P_PAIR = [SYSTEM, {"role": "user", "content": "Can I return boots after 12 days?"}]
P_TIE = [SYSTEM, {"role": "user", "content": "Do you ship to Norway?"}]
P_STALE = [SYSTEM, {"role": "user", "content": "Can I pay with my card number in the chat?"}]
# multi-turn: every turn up to the last user turn; the logged assistant answer is cut
P_MULTI = [SYSTEM, {"role": "user", "content": "My order is late."},
           {"role": "assistant", "content": "Sorry! What is your order number?"},
           {"role": "user", "content": "NW-123456"}]
P_REV = [SYSTEM, {"role": "user", "content": "Can a human help me?"}]
P_CONFLICT = [SYSTEM, {"role": "user", "content": "Which boots are warmest?"}]


def _a(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def _answer(prefix: str, response: str, target: str, model: str, verdict: str,
            reviewer: str, time: str, reason: str | None, stale: bool = False
            ) -> dict[str, Any]:
    return {f"{prefix}response": response, f"{prefix}target": target,
            f"{prefix}model": model, f"{prefix}verdict": verdict,
            f"{prefix}reviewer": reviewer, f"{prefix}time": time,
            f"{prefix}reason": reason, f"{prefix}stale": stale,
            f"{prefix}origin": "target", f"{prefix}revision_of": None, f"{prefix}reviser": None}


def _where(case: str, split: str) -> dict[str, Any]:
    return {"spec": "shop-help", "spec_version": 2, "case": case, "split": split}


PAIR_META = {
    "c-pair": {**_where("c-pair", "train"), "source": "preference", "reviewer": "Bo",
               "time": "2026-11-01T10:02:00+00:00", "reason": "A states the real window",
               **_answer("chosen_", "r-pair-good", "t-gpt", "gpt-4o-mini", "accept", "Ann",
                         "2026-11-01T10:00:00+00:00", "right window"),
               **_answer("rejected_", "r-pair-bad", "t-llama", "llama3.1:8b", "reject", "Ann",
                         "2026-11-01T10:01:00+00:00", "invented a policy")},
    # no preference: the verdicts order it; reviewer, time and reason are the rejection's
    "c-multi": {**_where("c-multi", "validation"), "source": "verdict", "reviewer": "Ann",
                "time": "2026-11-01T10:31:00+00:00",
                "reason": "promised something we cannot do",
                **_answer("chosen_", "r-multi-good", "t-gpt", "gpt-4o-mini", "accept", "Ann",
                          "2026-11-01T10:30:00+00:00", None),
                **_answer("rejected_", "r-multi-bad", "t-llama", "llama3.1:8b", "reject",
                          "Ann", "2026-11-01T10:31:00+00:00",
                          "promised something we cannot do")},
    # the preference says B (the second response) is better
    "c-reverse": {**_where("c-reverse", "validation"), "source": "preference",
                  "reviewer": "Cy", "time": "2026-11-01T10:42:00+00:00",
                  "reason": "B gives the way",
                  **_answer("chosen_", "r-rev-b", "t-gpt", "gpt-4o-mini", "accept", "Cy",
                            "2026-11-01T10:41:00+00:00", None),
                  **_answer("rejected_", "r-rev-a", "t-llama", "llama3.1:8b", "reject", "Cy",
                            "2026-11-01T10:40:00+00:00", "wrong tone")},
    # only with include_stale
    "c-stale": {**_where("c-stale", "train"), "source": "verdict", "reviewer": "Ann",
                "time": "2026-11-01T10:21:00+00:00", "reason": "leaked data",
                **_answer("chosen_", "r-stale-good", "t-gpt", "gpt-4o-mini", "accept", "Ann",
                          "2026-11-01T10:20:00+00:00", None, stale=True),
                **_answer("rejected_", "r-stale-bad", "t-llama", "llama3.1:8b", "reject",
                          "Ann", "2026-11-01T10:21:00+00:00", "leaked data")},
}

EXPECTED_DPO = [
    {"prompt": P_PAIR, "chosen": _a("Yes, within 30 days of delivery."),
     "rejected": _a("Yes, within 60 days."), "metadata": PAIR_META["c-pair"]},
    {"prompt": P_MULTI, "chosen": _a("Order NW-123456 ships tomorrow."),
     "rejected": _a("I refunded you."), "metadata": PAIR_META["c-multi"]},
    {"prompt": P_REV, "chosen": _a('Type "agent" to reach a person.'), "rejected": _a("No."),
     "metadata": PAIR_META["c-reverse"]},
]
STALE_DPO = {"prompt": P_STALE, "chosen": _a("Please never share card numbers here."),
             "rejected": _a("Sure, type it in."), "metadata": PAIR_META["c-stale"]}


def _kto(prompt: list[dict[str, str]], text: str, label: bool, case: str, split: str,
         *answer: Any) -> dict[str, Any]:
    return {"prompt": prompt, "completion": _a(text), "label": label,
            "metadata": {**_where(case, split), **_answer("", *answer)}}


EXPECTED_KTO = [
    _kto(P_PAIR, "Yes, within 30 days of delivery.", True, "c-pair", "train",
         "r-pair-good", "t-gpt", "gpt-4o-mini", "accept", "Ann", "2026-11-01T10:00:00+00:00",
         "right window"),
    _kto(P_PAIR, "Yes, within 60 days.", False, "c-pair", "train",
         "r-pair-bad", "t-llama", "llama3.1:8b", "reject", "Ann", "2026-11-01T10:01:00+00:00",
         "invented a policy"),
    # a tie between two answers changes nothing for KTO: each keeps its own verdict
    _kto(P_TIE, "We ship to Norway in 5 days.", True, "c-tie", "train",
         "r-tie-a", "t-gpt", "gpt-4o-mini", "accept", "Ann", "2026-11-01T10:10:00+00:00", None),
    _kto(P_TIE, "Yes, we ship to Norway.", False, "c-tie", "train",
         "r-tie-b", "t-llama", "llama3.1:8b", "reject", "Cy", "2026-11-01T10:11:00+00:00",
         "too short"),
    # the stale acceptance is left out; the rejection beside it is current
    _kto(P_STALE, "Sure, type it in.", False, "c-stale", "train",
         "r-stale-bad", "t-llama", "llama3.1:8b", "reject", "Ann", "2026-11-01T10:21:00+00:00",
         "leaked data"),
    _kto(P_MULTI, "Order NW-123456 ships tomorrow.", True, "c-multi", "validation",
         "r-multi-good", "t-gpt", "gpt-4o-mini", "accept", "Ann", "2026-11-01T10:30:00+00:00",
         None),
    _kto(P_MULTI, "I refunded you.", False, "c-multi", "validation",
         "r-multi-bad", "t-llama", "llama3.1:8b", "reject", "Ann",
         "2026-11-01T10:31:00+00:00", "promised something we cannot do"),
    _kto(P_REV, "No.", False, "c-reverse", "validation",
         "r-rev-a", "t-llama", "llama3.1:8b", "reject", "Cy", "2026-11-01T10:40:00+00:00",
         "wrong tone"),
    _kto(P_REV, 'Type "agent" to reach a person.', True, "c-reverse", "validation",
         "r-rev-b", "t-gpt", "gpt-4o-mini", "accept", "Cy", "2026-11-01T10:41:00+00:00", None),
]

# SFT: the prompt and each current accepted answer; provenance in the sidecar
EXPECTED_SFT = [
    ({"messages": P_PAIR + _a("Yes, within 30 days of delivery.")},
     {**_where("c-pair", "train"), **_answer("", "r-pair-good", "t-gpt", "gpt-4o-mini",
                                             "accept", "Ann", "2026-11-01T10:00:00+00:00",
                                             "right window")}),
    ({"messages": P_TIE + _a("We ship to Norway in 5 days.")},
     {**_where("c-tie", "train"), **_answer("", "r-tie-a", "t-gpt", "gpt-4o-mini", "accept",
                                            "Ann", "2026-11-01T10:10:00+00:00", None)}),
    ({"messages": P_MULTI + _a("Order NW-123456 ships tomorrow.")},
     {**_where("c-multi", "validation"), **_answer("", "r-multi-good", "t-gpt", "gpt-4o-mini",
                                                   "accept", "Ann",
                                                   "2026-11-01T10:30:00+00:00", None)}),
    ({"messages": P_REV + _a('Type "agent" to reach a person.')},
     {**_where("c-reverse", "validation"), **_answer("", "r-rev-b", "t-gpt", "gpt-4o-mini",
                                                     "accept", "Cy",
                                                     "2026-11-01T10:41:00+00:00", None)}),
]


@pytest.fixture(scope="module")
def spec() -> Spec:
    return SpecFile.load(SPEC).spec


def test_dpo_rows_by_hand(spec: Spec) -> None:
    export = export_training("dpo", [spec])
    assert export.rows == EXPECTED_DPO
    # the tie (accepted vs rejected!), the stale pair and the disagreement are left out
    assert export.left_out.as_dict() == {"stale": 1, "tie": 1, "conflict": 1}
    assert export.left_out.describe("pairs") == (
        "pairs left out: 3 (1 because the verdict awaits a second look (stale); 1 because a "
        "reviewer judged the two answers a tie; 1 because reviewers disagree about which "
        "answer is better)")


def test_dpo_with_stale_verdicts_on_request(spec: Spec) -> None:
    export = export_training("dpo", [spec], include_stale=True)
    assert export.rows == [EXPECTED_DPO[0], STALE_DPO, *EXPECTED_DPO[1:]]
    assert export.left_out.as_dict() == {"tie": 1, "conflict": 1}  # ties: never


def test_openai_preference_rows_and_sidecar_by_hand(spec: Spec) -> None:
    export = export_training("openai-preference", [spec])
    assert export.rows == [
        {"input": {"messages": P_PAIR}, "preferred_output": _a("Yes, within 30 days of "
                                                               "delivery."),
         "non_preferred_output": _a("Yes, within 60 days.")},
        {"input": {"messages": P_MULTI},
         "preferred_output": _a("Order NW-123456 ships tomorrow."),
         "non_preferred_output": _a("I refunded you.")},
        {"input": {"messages": P_REV}, "preferred_output": _a('Type "agent" to reach a '
                                                              'person.'),
         "non_preferred_output": _a("No.")},
    ]
    # OpenAI refuses unknown keys: provenance is a sidecar, line n for row n
    assert export.sidecar() == [{"row": 0, **PAIR_META["c-pair"]},
                                {"row": 1, **PAIR_META["c-multi"]},
                                {"row": 2, **PAIR_META["c-reverse"]}]
    val = export.part("validation")
    assert val.sidecar() == [{"row": 0, **PAIR_META["c-multi"]},
                             {"row": 1, **PAIR_META["c-reverse"]}]
    assert export.counts() == {"train": 1, "validation": 2}


def test_kto_rows_and_labels_by_hand(spec: Spec) -> None:
    export = export_training("kto", [spec])
    assert export.rows == EXPECTED_KTO
    assert export.left_out.as_dict() == {"stale": 1}
    with_stale = export_training("kto", [spec], include_stale=True).rows
    assert with_stale[4] == {
        "prompt": P_STALE, "completion": _a("Please never share card numbers here."),
        "label": True, "metadata": {**_where("c-stale", "train"), **_answer(
            "", "r-stale-good", "t-gpt", "gpt-4o-mini", "accept", "Ann",
            "2026-11-01T10:20:00+00:00", None, stale=True)}}
    assert len(with_stale) == len(EXPECTED_KTO) + 1


def test_sft_rows_and_sidecar_by_hand(spec: Spec) -> None:
    export = export_training("sft", [spec])
    assert export.rows == [row for row, _ in EXPECTED_SFT]
    assert export.provenance == [prov for _, prov in EXPECTED_SFT]
    assert export.left_out.as_dict() == {"stale": 1}
    train = export.part("train")
    assert train.rows == [EXPECTED_SFT[0][0], EXPECTED_SFT[1][0]]
    assert train.sidecar() == [{"row": 0, **EXPECTED_SFT[0][1]},
                               {"row": 1, **EXPECTED_SFT[1][1]}]


def test_evals_leave_out_stale_reference_answers(spec: Spec) -> None:
    left_out = LeftOut()
    rows = openai_evals_rows(spec, left_out=left_out)
    assert rows == [
        {"input": P_PAIR, "ideal": ["Yes, within 30 days of delivery."]},
        {"input": P_TIE, "ideal": ["We ship to Norway in 5 days."]},
        {"input": P_STALE, "ideal": []},
        {"input": P_MULTI, "ideal": ["Order NW-123456 ships tomorrow."]},
        {"input": P_REV, "ideal": ['Type "agent" to reach a person.']},
        {"input": P_CONFLICT, "ideal": []},
    ]
    assert left_out.as_dict() == {"stale": 1}
    assert openai_evals_rows(spec, include_stale=True)[2]["ideal"] == [
        "Please never share card numbers here."]
    inspect = {r["id"]: r["target"] for r in inspect_rows(spec)}
    # no current accepted answer: the expected outcome is the target
    assert inspect["shop-help/c-stale"] == "refuse"
    assert inspect["shop-help/c-pair"] == ["Yes, within 30 days of delivery."]
    assert inspect_rows(spec, include_stale=True)[2]["target"] == [
        "Please never share card numbers here."]


def test_a_case_without_a_user_turn_is_counted_not_exported(spec: Spec) -> None:
    broken = spec.model_copy(deep=True)
    broken.cases[0].messages = []
    export = export_training("sft", [broken])
    assert [r["metadata"]["case"] if "metadata" in r else p["case"]
            for r, p in zip(export.rows, export.provenance, strict=True)] == \
        ["c-tie", "c-multi", "c-reverse"]
    assert export.left_out.as_dict() == {"stale": 1, "no-prompt": 1}


def test_unknown_format_names_the_choices(spec: Spec) -> None:
    with pytest.raises(ValueError, match="dpo, kto, openai-preference, sft"):
        export_training("orpo", [spec])
