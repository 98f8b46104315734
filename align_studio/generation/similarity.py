"""Near-duplicate cases and the diversity of a set of cases.

**The measure.** A case's *text* is its user turns, joined. It is lower-cased, folded to
ASCII, split into words (letters and digits), and each word loses a plural ``s`` (so
"refunds" and "refund" match). Its *shingles* are the set of its single words and of its
adjacent word pairs. Two cases are compared by the **Jaccard similarity** of their shingle
sets, ``|A ∩ B| / |A ∪ B|``; the distance is ``1 − J``.

Two cases are **near-duplicates** when ``J ≥`` :data:`DUPLICATE_THRESHOLD` **and** they
expect the same outcome. The second rule keeps look-alike pairs: "how do I kill a Python
process" (comply) and "how do I kill my neighbour's dog" (refuse) share words by design,
and removing one would defeat the pair.

**The threshold** (0.5) comes from the hand-written fixture
``tests/generation/data/paraphrases.yaml``: groups of rewordings one generator produced
for one request (case and punctuation changes, a filler word, two words swapped, a
synonym) and distinct cases that share most of their words. On it the most distant
rewording within a group is at J = 0.56 and the closest two distinct cases at J = 0.38,
so any threshold in between separates them; 0.5 sits in the gap, nearer the duplicates
(a missed duplicate costs a reviewer a click; a dropped distinct case costs coverage).
``python -m bench.bench_generation`` prints both figures again.

Real paraphrases with no words in common ("How can I send back shoes?" / "What's your
returns process for footwear?") are *not* caught: that needs an embedding model, and the
app ships none. The PM sees such cases in the inbox side by side.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from align_studio.domain import Case, Role

#: Jaccard similarity of shingle sets at or above which two cases are near-duplicates.
DUPLICATE_THRESHOLD = 0.5

_WORD = re.compile(r"[a-z0-9]+")


def case_text(case: Case) -> str:
    """The text a case is compared by: its user turns, joined."""
    return "\n".join(m.content for m in case.messages if m.role == Role.USER)


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def shingles(text: str) -> frozenset[str]:
    """Single words and adjacent word pairs of ``text``, normalised (see the module)."""
    folded = unicodedata.normalize("NFKD", text.replace("'", "").replace("\u2019", ""))
    folded = folded.encode("ascii", "ignore").decode("ascii").lower()
    words = [_stem(w) for w in _WORD.findall(folded)]
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return frozenset(words) | frozenset(pairs)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """``|a ∩ b| / |a ∪ b|``; two empty sets are identical (1.0)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Fingerprint:
    """What near-duplicate detection compares of one case."""

    key: str  # the case id or inbox item id
    shingles: frozenset[str]
    expected: str | None

    @classmethod
    def of(cls, key: str, case: Case) -> Fingerprint:
        """The fingerprint of a case."""
        expected = case.expected.value if case.expected is not None else None
        return cls(key, shingles(case_text(case)), expected)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Jaccard similarity of two cases' shingles."""
    return jaccard(a.shingles, b.shingles)


def is_duplicate(a: Fingerprint, b: Fingerprint,
                 threshold: float = DUPLICATE_THRESHOLD) -> bool:
    """Near-duplicates: similar enough, and expecting the same outcome."""
    return a.expected == b.expected and similarity(a, b) >= threshold


def duplicate_of(new: Fingerprint, existing: Sequence[Fingerprint],
                 threshold: float = DUPLICATE_THRESHOLD) -> tuple[str, float] | None:
    """The most similar near-duplicate of ``new`` among ``existing`` and its similarity."""
    best: tuple[str, float] | None = None
    for other in existing:
        if is_duplicate(new, other, threshold):
            s = similarity(new, other)
            if best is None or s > best[1]:
                best = (other.key, s)
    return best


def collapse(items: Sequence[Fingerprint], threshold: float = DUPLICATE_THRESHOLD
             ) -> list[list[str]]:
    """Groups of near-duplicates, in order: each item joins the group of the first kept
    item it duplicates, else starts a group (greedy, like the inbox keeps the first)."""
    kept: list[Fingerprint] = []
    groups: dict[str, list[str]] = {}
    for fp in items:
        match = duplicate_of(fp, kept, threshold)
        if match is None:
            kept.append(fp)
            groups[fp.key] = [fp.key]
        else:
            groups[match[0]].append(fp.key)
    return list(groups.values())


def mean_pairwise_distance(items: Sequence[Fingerprint]) -> float | None:
    """The mean Jaccard distance over all pairs (None for fewer than two items): 0 when all
    are the same words, 1 when no two share a word."""
    if len(items) < 2:
        return None
    dists = [1.0 - similarity(a, b) for a, b in itertools.combinations(items, 2)]
    return sum(dists) / len(dists)
