"""Deterministic checks: the assertions of docs/spec-format.md ("Checks"), run on one text.

The meaning of each check type lives in :mod:`~align_studio.grading.check_logic`. Every
check can be negated; a *broken* check (a pattern that does not compile, a missing
value, an invalid schema) fails whatever ``negate`` says, and its detail says why, so that
a typo never turns into a pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from align_studio.domain import Case, Check, CheckType
from align_studio.grading.check_logic import BrokenCheck, count_words, evaluate


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


# Kept importable from here: other modules and tests name them through this module.
__all__ = ["BrokenCheck", "CheckResult", "count_words", "run_check", "run_checks"]


def run_check(check: Check, text: str, index: int = 0) -> CheckResult:
    """Evaluate one check on ``text`` (``negate`` applied; a broken check fails).

    The meaning of each type is :mod:`align_studio.grading.check_logic`'s, the same code
    the promptfoo export ships for the checks promptfoo cannot express exactly.
    """
    kind = check.type.value if isinstance(check.type, CheckType) else str(check.type)
    ok, detail, broken = evaluate(check, text)
    return CheckResult(index, kind, ok, detail, broken=broken)


def run_checks(case: Case, text: str) -> list[CheckResult]:
    """Every check of ``case`` on one response text, in the case's order."""
    return [run_check(chk, text, i) for i, chk in enumerate(case.checks)]
