"""The CI gate: the judge's grades count only when its agreement with people is proven.

``align-studio grade --gate`` measures the judge against the spec's agreed human labels
(:func:`~.judge_agreement.measure`: disputed answers and the judge's own few-shot examples
left out and counted) and uses the judge only when the **lower bound** of
the 95 % interval of Cohen's kappa reaches ``judge.min_kappa`` of the spec. Otherwise it
says why — kappa, interval, number of labelled answers — and exits with
:data:`EXIT_GATE_CLOSED`.
"""

from __future__ import annotations

from dataclasses import dataclass

from align_studio.domain import Spec
from align_studio.grading.calibration.judge_agreement import Calibration

#: The exit code of ``grade --gate`` when the judge is not trusted (documented in
#: docs/grading.md). 1 stays "a graded response failed", 3 "could not do its work".
EXIT_GATE_CLOSED = 4


@dataclass(frozen=True)
class GateDecision:
    """Whether the judge may grade, and why in words."""

    open: bool
    min_kappa: float | None
    reason: str


def min_kappa_of(spec: Spec) -> float | None:
    """The spec's threshold (``judge.min_kappa``), if it sets one."""
    return spec.judge.min_kappa if spec.judge is not None else None


def decide(spec: Spec, cal: Calibration) -> GateDecision:
    """Open when the lower bound of kappa's interval reaches the spec's ``min_kappa``."""
    threshold = min_kappa_of(spec)
    k = cal.overall
    figures = (f"kappa {k.kappa:.2f}" if k.kappa is not None else "kappa undefined") + (
        f", 95 % interval {k.low:.2f}–{k.high:.2f}" if k.low is not None and k.high
        is not None else ", no interval") + f", n = {k.n} labelled answer(s)"
    if k.note:
        figures += f" ({k.note})"
    extra = "; ".join(cal.notes())
    if extra:
        figures += f"; {extra}"
    if threshold is None:
        return GateDecision(False, None, "the spec sets no judge.min_kappa, so the judge is "
                            f"never trusted by the gate ({figures})")
    if cal.aligned(threshold):
        return GateDecision(True, threshold, f"the judge is trusted: the interval's lower "
                            f"bound reaches min_kappa {threshold:.2f} ({figures})")
    more = "" if cal.labels_needed is None else \
        f"; about {cal.labels_needed} more label(s) would narrow the interval to " \
        f"{cal.width:.2f}"
    return GateDecision(False, threshold, f"the judge is not trusted: the interval's lower "
                        f"bound must reach min_kappa {threshold:.2f} ({figures}){more}")
