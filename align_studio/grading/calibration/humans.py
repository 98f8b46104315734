"""Agreement among people, measured before any judge is aligned against their labels.

- **Cohen's kappa** for every pair of reviewers, on the items both rated (with the same
  bootstrap interval as judge vs people).
- **Fleiss' kappa** when three or more reviewers rated: on the items that *every* reviewer
  rated (Fleiss' statistic needs the same raters per item; how many items that leaves is
  reported).
- **Krippendorff's alpha** (nominal) on every item with two or more ratings: it handles
  missing ratings, so it uses all the data.
- the **disputed** items: answers on which people disagree, with each reviewer's reason.
  These are excluded from judge agreement (see :mod:`.judge_agreement`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from align_studio.domain import Spec
from align_studio.grading.calibration.labels import Item, collect_items
from align_studio.grading.calibration.stats import (
    Kappa,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)

VERDICTS = ("accept", "reject")


@dataclass(frozen=True)
class PairAgreement:
    """Cohen's kappa between two reviewers on the items both rated."""

    a: str
    b: str
    kappa: Kappa


@dataclass(frozen=True)
class DisputedItem:
    """An answer people disagree about, with each reviewer's verdict and reason."""

    case_id: str
    target: str
    response_ids: tuple[str, ...]
    ratings: tuple[str, ...]  # "reviewer: verdict — reason"


@dataclass
class HumanAgreement:
    """Agreement among the spec's reviewers."""

    reviewers: list[str] = field(default_factory=list)
    items: int = 0  # items with at least one rating
    multi_rated: int = 0  # items with two or more ratings
    pairs: list[PairAgreement] = field(default_factory=list)
    fleiss: float | None = None
    fleiss_items: int = 0  # items every reviewer rated (what Fleiss' kappa uses)
    fleiss_note: str | None = None
    alpha: float | None = None
    alpha_note: str | None = None
    disputed: list[DisputedItem] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def human_agreement(spec: Spec, items: list[Item] | None = None) -> HumanAgreement:
    """Cohen's kappa per pair of reviewers, Fleiss' kappa, Krippendorff's alpha, disputes."""
    items = collect_items(spec) if items is None else items
    reviewers = sorted({r for i in items for r in i.ratings})
    out = HumanAgreement(reviewers=reviewers, items=len(items))
    multi = [i for i in items if len(i.ratings) >= 2]
    out.multi_rated = len(multi)
    for a, b in combinations(reviewers, 2):
        pairs = [(i.ratings[a].verdict, i.ratings[b].verdict) for i in items
                 if a in i.ratings and b in i.ratings]
        if pairs:
            out.pairs.append(PairAgreement(a, b, cohen_kappa(pairs, VERDICTS)))
    if len(reviewers) >= 3:
        full = [i for i in items if len(i.ratings) == len(reviewers)]
        out.fleiss_items = len(full)
        table = [[sum(r.verdict == v for r in i.ratings.values()) for v in VERDICTS]
                 for i in full]
        out.fleiss = fleiss_kappa(table) if table else None
        if out.fleiss is None:
            out.fleiss_note = ("no item was rated by every reviewer" if not table else
                               "undefined: every rating is the same verdict")
    else:
        out.fleiss_note = "needs three or more reviewers (two: see Cohen's kappa)"
    out.alpha = krippendorff_alpha({k: r.verdict for k, r in i.ratings.items()}
                                   for i in multi)
    if out.alpha is None:
        out.alpha_note = ("no answer has two or more ratings" if not multi else
                          "undefined: every rating is the same verdict")
    out.disputed = [DisputedItem(i.case_id, i.target, tuple(i.response_ids),
                                 tuple(i.reasons())) for i in items if i.disputed]
    return out
