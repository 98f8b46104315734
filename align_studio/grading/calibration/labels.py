"""Human labels as calibration sees them: one *item* per answer, with every reviewer's verdict.

An answer is identified by its case, target and text (white space at the ends ignored), so
the same answer recorded twice — two reviewers on two machines whose copies of the spec
were merged through git — is one item with two ratings. A response's own verdict is the
rating of its ``reviewer``; each entry of its ``reviews`` is another reviewer's rating. A
reviewer who rated the same item twice counts once (the last rating read wins); a verdict
without a reviewer is rated by ``"(unnamed)"``.

The **consensus** of an item is its verdict when every rating agrees, and ``None`` when
people disagree: such items are *disputed* and never used to measure or align the judge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from align_studio.domain import Spec, Verdict

UNNAMED = "(unnamed)"

#: An item's key: (case id, target id, text stripped).
ItemKey = tuple[str, str, str]


@dataclass(frozen=True)
class Rating:
    """One reviewer's verdict on an item."""

    reviewer: str
    verdict: str  # accept | reject
    reason: str | None = None


@dataclass
class Item:
    """One answer with every human rating of it."""

    case_id: str
    target: str
    text: str
    behaviors: tuple[str, ...]
    response_ids: list[str] = field(default_factory=list)
    paths: list[tuple[str | int, ...]] = field(default_factory=list)  # into the spec
    ratings: dict[str, Rating] = field(default_factory=dict)  # by reviewer

    @property
    def key(self) -> ItemKey:
        """(case, target, stripped text): what identifies the answer."""
        return (self.case_id, self.target, self.text.strip())

    @property
    def uid(self) -> str:
        """A short stable id of the item (for saved splits and frozen sets)."""
        raw = "\x1f".join(self.key).encode("utf-8", "surrogatepass")
        return hashlib.sha256(raw).hexdigest()[:16]

    @property
    def consensus(self) -> str | None:
        """``accept``/``reject`` when every rating agrees; ``None`` when disputed or unrated."""
        verdicts = {r.verdict for r in self.ratings.values()}
        return verdicts.pop() if len(verdicts) == 1 else None

    @property
    def disputed(self) -> bool:
        """People disagree about this answer."""
        return len({r.verdict for r in self.ratings.values()}) > 1

    def reasons(self) -> list[str]:
        """Each rating's reason, as ``reviewer: verdict — reason``."""
        return [f"{r.reviewer}: {r.verdict}{f' — {r.reason}' if r.reason else ''}"
                for r in self.ratings.values()]


def _word(v: Verdict | str) -> str:
    return v.value if isinstance(v, Verdict) else str(v)


def collect_items(spec: Spec) -> list[Item]:
    """Every judged answer of the spec as an item with its ratings, in spec order."""
    items: dict[ItemKey, Item] = {}
    for ci, case in enumerate(spec.cases):
        for ri, resp in enumerate(case.responses):
            ratings = []
            if resp.verdict is not None:
                ratings.append(Rating(resp.reviewer or UNNAMED, _word(resp.verdict),
                                      resp.reason))
            ratings.extend(Rating(rv.reviewer or UNNAMED, _word(rv.verdict), rv.reason)
                           for rv in resp.reviews)
            if not ratings:
                continue
            key = (case.id, resp.target, resp.text.strip())
            item = items.get(key)
            if item is None:
                item = items[key] = Item(case.id, resp.target, resp.text,
                                         tuple(case.behaviors))
            item.response_ids.append(resp.id)
            item.paths.append(("cases", ci, "responses", ri))
            for r in ratings:
                item.ratings.pop(r.reviewer, None)  # re-insert: the last one read wins
                item.ratings[r.reviewer] = r
    return list(items.values())


def labelled(items: list[Item]) -> list[Item]:
    """The items people agree on (a consensus verdict): the ones a judge is measured on."""
    return [i for i in items if i.consensus is not None]
