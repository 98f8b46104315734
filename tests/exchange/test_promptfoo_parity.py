"""One meaning per check: promptfoo, running the exported assertions, agrees with the app.

Two sets of answers, each graded by the app (``run_check``) and by the real, pinned
promptfoo (tests/tools.py; opt-in where Node is installed, required under CI):

- the recorded answers of the example specs, against every check of their case;
- tests/data/promptfoo/parity/stress.yaml: 268 answers written to stress each check type
  where Python and JavaScript read text differently.

The bar is 100 % agreement. The translation of regular expressions is also checked
against Node directly on texts chosen to split the two engines.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from align_studio.domain import Check
from align_studio.grading.checks import run_check
from align_studio.grading.regex_js import NotPortable, to_javascript
from align_studio.storage import SpecFile
from tests.exchange.conftest import ROOT, SPECS
from tests.exchange.promptfoo_replay import replay
from tests.tools import promptfoo_command

STRESS = ROOT / "tests" / "data" / "promptfoo" / "parity" / "stress.yaml"


def recorded_pairs() -> list[tuple[str, Check, str]]:
    """Every check of every example case with every recorded answer to that case."""
    pairs = []
    for path in SPECS:
        spec = SpecFile.load(path).spec
        for case in spec.cases:
            for r in case.responses:
                for i, chk in enumerate(case.checks):
                    pairs.append((f"{spec.id}/{case.id}/{r.id}/{i}", chk, r.text))
    return pairs


def stress_pairs() -> list[tuple[str, Check, str]]:
    groups = yaml.safe_load(STRESS.read_text(encoding="utf-8"))
    return [(f"stress/{g}/{a}", Check.model_validate(group["check"]), answer)
            for g, group in enumerate(groups) for a, answer in enumerate(group["answers"])]


def test_the_sets_are_large_and_cover_every_check_type() -> None:
    stress = stress_pairs()
    assert len(stress) >= 200
    assert {c.type for _, c, _ in stress} == set(type(stress[0][1].type))
    assert len(recorded_pairs()) >= 130  # 139: every recorded answer × its case's checks


@pytest.mark.slow
def test_promptfoo_agrees_with_the_app_on_every_answer(tmp_path: Path) -> None:
    exe = promptfoo_command()
    pairs = recorded_pairs() + stress_pairs()
    verdicts = replay(exe, tmp_path / "replay", pairs)
    assert len(verdicts) == len(pairs)
    disagree = [(key, chk.to_data(), answer[:80], run_check(chk, answer).passed)
                for key, chk, answer in pairs
                if verdicts[key] != run_check(chk, answer).passed]
    assert not disagree, disagree[:10]


# ---- the regular expressions, against Node itself -----------------------------------------
PATTERNS = [r"(?i)\b(great question|simply|obviously)\b", r"(?m)^\s*1[.)]\s",
            r"^[^.!?\n]{0,100}\b999\b", r"\b\d+(\.\d+)? ?ml\b", r"(?P<n>x)\A\W\D[\d\w]",
            r"(?x) a  b # c", r"(?i)[a-z]+$", r"(?i)[^a-z]", "[{#]", r"end$", r"(?m)end$",
            r"^.$", r"(?s)^.$", r"\Bx", r"\B", r"(?i)istanbul", r"\w+", r"\s", r"(?a)\w+\b",
            r"(?i:ab)C", r"caf\u00e9", "😀+", r"^.{3}$", r"x{2,}?y", r"(?<=a)b", r"(?<!a)b",
            r"a|b|", r"\d{4}", r"(?i)k", r"\Z", r"\A\Z"]
TEXTS = ["", "a", "A", "ab", "aB", "end\n", "end\nx", "x\nend\n", "1. step", " 1) go\n",
         "İstanbul", "ıstanbul", "ISTANBUL", "Kelvin \u212a", "ſ", "٣٤٥٦", "999 now",
         "call\u2028999", "10 ml", "١٠ ml", "😀😀", "x😀y", "a😀😀b", "café", "cafe\u0301",
         "\u00a0", "\x1c", "\u0085", "\ufeff", "\r\n", "great question!", "Simply put", "xxy",
         "ba", "cb", "a_b", "\n", "{#", "abC", "ABc", "Ab", "µ", "Σσς"]


def test_translated_patterns_match_like_python_in_node() -> None:
    node = promptfoo_command()[0]
    cases = [(p, to_javascript(p), t, re.search(p, t) is not None)
             for p in PATTERNS for t in TEXTS]
    script = ('const a=JSON.parse(require("fs").readFileSync(0,"utf8"));'
              'console.log(JSON.stringify(a.map(([s,t])=>new RegExp(s,"u").test(t))))')
    out = subprocess.run([node, "-e", script], input=json.dumps([[c[1], c[2]] for c in cases]),
                         capture_output=True, text=True, timeout=60, check=True)
    got = json.loads(out.stdout)
    wrong = [(p, t, want) for (p, _, t, want), g in zip(cases, got, strict=True) if g != want]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("pattern, column, what", [
    (r"(a)?b\1c", 6, "back-reference"),
    (r"(?P<x>a)(?P=x)", 9, "back-reference"),
    (r"(a)(?(1)a|b)", 4, "conditional"),
    (r"x(?>ab)", 2, "atomic group"),
    (r"xa*+", 3, "possessive"),
    (r"x[^\W\d]", 2, "negated class escape"),
])
def test_what_javascript_cannot_say_is_refused_with_its_column(pattern: str, column: int,
                                                                  what: str) -> None:
    with pytest.raises(NotPortable, match=what) as exc:
        to_javascript(pattern)
    assert exc.value.column == column
